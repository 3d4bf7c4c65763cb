/**
 * [issue 8] A lockout in the browser: a device locked after wrong join codes sees plainly that it
 * should ask the staff; staff see the lock on their page and lift it; a card locked after wrong
 * PINs says the same, shows on the roster, and staff unlock it there. Small limits (the server's
 * options), so that a few tries reach them. Everything here comes from 127.0.0.1, one address.
 */
import type { Result } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, Participant } from '../../shared/api';
import { ApiClient, expectOk } from '../helpers/api-client';
import { browserAvailable, checkA11y, describeViolations, launchBrowser, LAPTOP, messagesFor, newPerson, screenshot, type Person } from '../helpers/browser';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server';

const t = messagesFor('ja');

/**
 * axe-core on one part of the page: the staff page holds other people's sections, whose findings
 * belong to their own tests.
 */
async function checkRegion(page: Page, selector: string): Promise<Result[]> {
  await checkA11y(page); // loads axe into the page
  return page.evaluate(async (target) => {
    const { axe } = window as unknown as { axe: typeof import('axe-core') };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
    return (await axe.run(document.querySelector(target)!, { runOnly: { type: 'tag', values: tags } })).violations;
  }, selector);
}
const rule = (attempts: number) => [{ attempts, perSeconds: 600, lockSeconds: 600 }];

describe.skipIf(!browserAvailable())('lockouts in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let board: Board;
  let card: Participant;
  const people: Person[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ serveClient: true, guessLimits: { joinCodesPerAddress: rule(3), pinsPerParticipant: rule(2) } }),
      launchBrowser(),
    ]);
    api = new ApiClient(server.url);
    await api.login();
    board = await api.createBoard('朝の会');
    card = expectOk(await api.post<Participant>('/api/participants', { displayName: '山田 花子', reading: 'やまだ はなこ', pin: '4821' }));
  });
  afterAll(async () => {
    await Promise.all(people.map((person) => person.close()));
    await browser?.close();
    await server?.stop();
  });

  async function person(options: Parameters<typeof newPerson>[2] = {}): Promise<Page> {
    const created = await newPerson(browser, server.url, options);
    people.push(created);
    return created.page;
  }

  async function staffPage(): Promise<Page> {
    const page = await person({ viewport: LAPTOP });
    await page.goto('/staff/login');
    await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
    await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
    await page.waitForURL('**/staff');
    return page;
  }

  it('says to ask the staff after wrong join codes, and staff lift the lock from their page', async () => {
    const wrong = board.joinCode === '000001' ? '000002' : '000001';
    const participant = await person();
    for (let guess = 0; guess < 2; guess++) {
      await participant.goto(`/join/${wrong}`);
      await participant.getByRole('heading', { name: t('join.notFound'), exact: true }).waitFor();
    }
    // The third wrong code is the one that locks.
    await participant.goto(`/join/${wrong}`);
    await participant.getByRole('heading', { name: t('join.lockedTitle'), exact: true }).waitFor();
    await participant.goto(`/join/${board.joinCode}`);
    await participant.getByRole('heading', { name: t('join.lockedTitle'), exact: true }).waitFor();
    await participant.getByRole('alert').getByText(t('common.lockedOut'), { exact: true }).waitFor();
    expect(describeViolations(await checkA11y(participant))).toBe('');
    await screenshot(participant, 'lockout-join-code');

    const staff = await staffPage();
    const lockouts = staff.getByRole('region', { name: t('staff.lockouts.title'), exact: true });
    await lockouts.getByText(t('staff.lockouts.joinCode')).waitFor();
    const lift = lockouts.getByRole('button', { name: t('staff.lockouts.liftNamed', { address: '127.0.0.1' }), exact: true });
    const box = await lift.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(describeViolations(await checkRegion(staff, 'section[aria-labelledby="lockouts-title"]'))).toBe('');
    await lift.scrollIntoViewIfNeeded();
    await screenshot(staff, 'lockout-staff-list');
    await lift.click();
    await lockouts.getByText(t('staff.lockouts.lifted', { address: '127.0.0.1' }), { exact: true }).waitFor();
    await lockouts.getByText(t('staff.lockouts.empty'), { exact: true }).waitFor();

    await participant.goto(`/join/${board.joinCode}`);
    await participant.getByRole('heading', { name: t('join.pickName'), exact: true }).waitFor();
  });

  it('says to ask the staff after wrong PINs, and staff unlock the card from the roster', async () => {
    const participant = await person();
    await participant.goto(`/join/${board.joinCode}`);
    await participant.getByRole('button', { name: /山田 花子/ }).click();
    const pin = participant.getByLabel(t('join.pinLabel'), { exact: true });
    const enter = participant.getByRole('button', { name: t('join.enter'), exact: true });
    await pin.fill('0000');
    await enter.click();
    await participant.getByText(t('join.wrongPin'), { exact: true }).waitFor();
    await pin.fill('1111');
    await enter.click();
    await participant.getByRole('alert').getByText(t('common.lockedOut'), { exact: true }).waitFor();
    // Locked means the right PIN waits too.
    await pin.fill('4821');
    await enter.click();
    await participant.getByRole('alert').getByText(t('common.lockedOut'), { exact: true }).waitFor();
    expect(participant.url()).toContain('/join/');
    expect(describeViolations(await checkA11y(participant))).toBe('');
    await screenshot(participant, 'lockout-pin');

    const staff = await staffPage();
    const roster = staff.getByRole('region', { name: t('staff.roster.title'), exact: true });
    await roster.getByText(t('staff.roster.pinLocked')).waitFor();
    const unlock = roster.getByRole('button', { name: t('staff.roster.unlockNamed', { name: card.displayName }), exact: true });
    expect((await unlock.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(describeViolations(await checkRegion(staff, 'section[aria-labelledby="roster-title"]'))).toBe('');
    await unlock.scrollIntoViewIfNeeded();
    await screenshot(staff, 'lockout-roster');
    await unlock.click();
    await roster.getByText(t('staff.roster.unlocked', { name: card.displayName }), { exact: true }).waitFor();
    expect(await roster.getByText(t('staff.roster.pinLocked')).count()).toBe(0);

    await pin.fill('4821');
    await enter.click();
    await participant.waitForURL('**/b/*');
  });
});
