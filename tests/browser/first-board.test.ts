/**
 * [spec 8] The first meeting, end to end in a real browser: staff sign in and open a board through
 * the UI; two people join it with its code on their phones (one by a roster name card with a PIN,
 * one as a guest); an idea posted by one appears live for the other, whose vote shows up live for
 * the first. Once in Japanese (the default) and once in English (chosen on the device).
 *
 * Controls are found by the names the message files give them, never by hard-coded wording.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, expectOk } from '../helpers/api-client';
import {
  boardFlows,
  browserAvailable,
  checkA11y,
  describeViolations,
  launchBrowser,
  LAPTOP,
  messagesFor,
  newPerson,
  PHONE,
  screenshot,
  type Person,
} from '../helpers/browser';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server';

const languages = [
  {
    language: 'Japanese (the default)',
    locale: 'ja',
    stored: undefined,
    boardTitle: '朝の会の改善ボード',
    card: { displayName: '山田 花子', reading: 'やまだ はなこ', avatar: '🌻', pin: '4821' },
    guestName: 'けん',
    idea: '休けい室に時計をおく',
  },
  {
    language: 'English (chosen on the device)',
    locale: 'en',
    stored: 'en',
    boardTitle: 'Morning meeting ideas',
    card: { displayName: 'Hana Yamada', reading: 'hana', avatar: '🌷', pin: '7305' },
    guestName: 'Ken',
    idea: 'Put a clock in the break room',
  },
] as const;

describe.skipIf(!browserAvailable())('the first board, in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  const people: Person[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ serveClient: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await Promise.all(people.map((person) => person.close()));
    await browser?.close();
    await server?.stop();
  });

  async function person(options: Parameters<typeof newPerson>[2]): Promise<Person> {
    const created = await newPerson(browser, server.url, options);
    people.push(created);
    return created;
  }

  describe.each(languages)('in $language', (lang) => {
    const t = messagesFor(lang.locale);

    /** The header's connection badge says the board is live (data-state is the machine-readable twin). */
    const live = (page: Page) => page.locator('[role="status"][data-state="connected"]').waitFor();

    /** Home page → the code → the join page, as a participant does it. */
    async function enterCode(page: Page, code: string) {
      await page.goto('/');
      await page.getByLabel(t('home.codeLabel'), { exact: true }).fill(code);
      await page.getByRole('button', { name: t('home.submit'), exact: true }).click();
    }

    it('staff open a board; a name-card holder and a guest post and vote on it live', { timeout: 60_000 }, async () => {
      // Staff sign in and create the board through the dashboard.
      const staff = await person({ viewport: LAPTOP, locale: lang.stored });
      await staff.page.goto('/staff/login');
      await staff.page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
      await staff.page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
      await staff.page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
      await staff.page.waitForURL('**/staff');
      await staff.page.getByLabel(t('staff.create.boardTitle'), { exact: true }).fill(lang.boardTitle);
      await staff.page.getByRole('button', { name: t('staff.create.submit'), exact: true }).click();
      const boardCard = staff.page
        .getByRole('listitem')
        .filter({ has: staff.page.getByRole('heading', { name: lang.boardTitle, exact: true }) });
      const code = await boardCard.getByTestId('join-code').getAttribute('data-code');
      expect(code).toMatch(/^\d{6}$/);

      // A roster name card with a PIN (the roster form is another issue's test).
      const api = new ApiClient(server.url);
      await api.login();
      expectOk(await api.post('/api/participants', lang.card));

      // Hana joins by her name card and her PIN.
      const hana = await person({ viewport: PHONE, locale: lang.stored });
      await enterCode(hana.page, code!);
      await hana.page.getByRole('button', { name: `${lang.card.displayName} ${lang.card.reading}` }).click();
      await hana.page.getByLabel(t('join.pinLabel'), { exact: true }).fill(lang.card.pin);
      await hana.page.getByRole('button', { name: t('join.enter'), exact: true }).click();
      await hana.page.waitForURL('**/b/*');
      await live(hana.page);
      expect(await hana.page.evaluate(() => document.documentElement.lang)).toBe(lang.locale);

      // Ken has no card and joins as a guest by typing his name.
      const ken = await person({ viewport: PHONE, locale: lang.stored });
      await enterCode(ken.page, code!);
      await ken.page.getByLabel(t('join.guestLabel'), { exact: true }).fill(lang.guestName);
      await ken.page.getByRole('button', { name: t('join.guestSubmit'), exact: true }).click();
      await ken.page.waitForURL('**/b/*');
      await live(ken.page);
      // Survives only while the page is not reloaded: proof that what follows arrived live.
      await ken.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

      // Hana writes an idea.
      await hana.page.getByRole('button', { name: t('board.write'), exact: true }).click();
      const composer = hana.page.getByRole('dialog');
      await composer.getByLabel(t('composer.label'), { exact: true }).fill(lang.idea);
      await composer.getByRole('button', { name: t('composer.post'), exact: true }).click();
      await composer.waitFor({ state: 'hidden' });
      const hanasIdea = hana.page.getByRole('article', { name: lang.idea });
      await hanasIdea.waitFor();

      // Ken sees it without reloading. Staff open the board from the dashboard and start the vote.
      const kensIdea = ken.page.getByRole('article', { name: lang.idea });
      await kensIdea.waitFor();
      await staff.page.getByRole('link', { name: t('staff.openNamed', { title: lang.boardTitle }), exact: true }).click();
      await staff.page.waitForURL('**/b/*');
      await boardFlows(lang.locale).setPhase(staff.page, 'vote');
      const kensDots = ken.page.getByTestId('dots-left');
      await kensDots.getByText(t('board.dotsLeft', { count: 3 }), { exact: true }).waitFor();
      await kensIdea.getByRole('button', { name: t('board.vote'), exact: true }).click();
      await kensDots.getByText(t('board.dotsLeft', { count: 2 }), { exact: true }).waitFor();
      await kensIdea.getByText(t('board.myDots', { count: 1 }), { exact: true }).waitFor();
      expect(await ken.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

      // Hana sees the tally change; her own votes are untouched.
      await hanasIdea.getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();
      await hana.page
        .getByTestId('dots-left')
        .getByText(t('board.dotsLeft', { count: 3 }), { exact: true })
        .waitFor();
      await screenshot(hana.page, `board-${lang.locale}-390x844`);
      await hana.page.setViewportSize(LAPTOP);
      await screenshot(hana.page, `board-${lang.locale}-1366x768`);
      await hana.page.setViewportSize(PHONE);

      // Ken takes the vote back; both sides follow.
      await kensIdea.getByRole('button', { name: t('board.takeBack'), exact: true }).click();
      await kensDots.getByText(t('board.dotsLeft', { count: 3 }), { exact: true }).waitFor();
      await hanasIdea.getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor({ state: 'detached' });

      const violations = await checkA11y(ken.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      for (const someone of [staff, hana, ken]) expect(someone.pageErrors).toEqual([]);
    });
  });
});
