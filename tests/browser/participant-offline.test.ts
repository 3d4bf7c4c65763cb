/**
 * [issue 4, stories 1, 6 and 7] Joining by the QR code's link, plain answers to a wrong code or PIN,
 * a session that survives a reload, and a board that keeps working without a connection: ideas
 * and votes made offline stay on the device across a reload and reach the others on reconnect.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectOk } from '../helpers/api-client';
import {
  boardFlows,
  browserAvailable,
  LAPTOP,
  useBrowserSuite,
  PHONE,
  waitUntilLive,
  type Viewport,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const flows = boardFlows('ja');
const { t } = flows;

const connectionIs = (page: Page, state: string) => page.locator(`[role="status"][data-state="${state}"]`).waitFor();

describe.skipIf(!browserAvailable())('joining, and the board without a connection', () => {
  const suite = useBrowserSuite();
  const person = (viewport: Viewport = PHONE) => suite.person({ viewport, offlineShell: true });

  it('joins from the QR link with a name card and PIN, says plainly what to do after a wrong one, and stays in after a reload', async () => {
    const board = await suite.api.createBoard('QRのボード');
    expectOk(await suite.api.post('/api/participants', { displayName: '佐藤 一郎', reading: 'さとう いちろう', avatar: '🐢', pin: '2468' }));
    const { page, pageErrors } = await person();

    // A code that does not exist: the page says so and what to do next.
    await page.goto('/join/000000');
    await page.getByRole('heading', { name: t('join.notFound'), exact: true }).waitFor();
    await page.getByText(t('join.notFoundNext'), { exact: true }).waitFor();
    await page.getByRole('link', { name: t('join.tryAgain'), exact: true }).waitFor();

    // The QR code's link opens the board's name cards directly.
    await page.goto(`/join/${board.joinCode}`);
    await page.getByRole('heading', { name: 'QRのボード', exact: true }).waitFor();
    await page.getByRole('button', { name: '佐藤 一郎 さとう いちろう' }).click();
    await page.getByLabel(t('join.pinLabel'), { exact: true }).fill('1111');
    await page.getByRole('button', { name: t('join.enter'), exact: true }).click();
    await page.getByRole('alert').getByText(t('join.wrongPin'), { exact: true }).waitFor();

    await page.getByLabel(t('join.pinLabel'), { exact: true }).fill('2468');
    await page.getByRole('button', { name: t('join.enter'), exact: true }).click();
    await page.waitForURL(`**/b/${board.id}`);
    await waitUntilLive(page);

    await page.reload();
    await waitUntilLive(page);
    await page.getByRole('heading', { name: 'QRのボード', level: 1 }).waitFor();
    await page.getByRole('button', { name: t('board.write'), exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('keeps posting and voting offline, across a reload, and merges on reconnect', { timeout: 90_000 }, async () => {
    const board = await suite.api.createBoard('オフラインのボード');
    const [ken, hana, staff] = await Promise.all([person(), person(), person(LAPTOP)]);
    await flows.guestJoins(ken.page, board.joinCode!, 'けん');
    await flows.guestJoins(hana.page, board.joinCode!, 'はな');
    await flows.staffOpensBoard(staff.page, ADMIN, board.id);
    await flows.postIdea(hana.page, 'ネットにつながっているときのアイデア');
    await ken.page.getByRole('article', { name: 'ネットにつながっているときのアイデア' }).waitFor();
    // The app shell is kept on the device once the service worker runs the page.
    await ken.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });

    await ken.context.setOffline(true);
    await connectionIs(ken.page, 'offline');
    await ken.page.getByText(t('conn.offline'), { exact: true }).waitFor();

    await flows.postIdea(ken.page, 'オフラインのアイデア 1');
    await flows.postIdea(ken.page, 'オフラインのアイデア 2');

    // A reload without a connection: the page, the session and the board all come from the device.
    await ken.page.reload();
    await connectionIs(ken.page, 'offline');
    for (const text of ['ネットにつながっているときのアイデア', 'オフラインのアイデア 1', 'オフラインのアイデア 2']) {
      await ken.page.getByRole('article', { name: text, exact: true }).waitFor();
    }
    // Nothing reached Hana meanwhile: the device was really cut off.
    expect(await hana.page.getByRole('article', { name: 'オフラインのアイデア 1' }).count()).toBe(0);

    await ken.context.setOffline(false);
    await waitUntilLive(ken.page);
    for (const text of ['オフラインのアイデア 1', 'オフラインのアイデア 2']) {
      await hana.page.getByRole('article', { name: text, exact: true }).waitFor();
    }
    // And what Hana did meanwhile reaches Ken: the two copies merged.
    await flows.postIdea(hana.page, 'もどってきたあとのアイデア');
    await ken.page.getByRole('article', { name: 'もどってきたあとのアイデア' }).waitFor();

    // Voting works offline too: the dots are counted on the device and sent on reconnect.
    await flows.setPhase(staff.page, 'vote');
    await flows.dotsLeftIs(ken.page, 3);
    await ken.context.setOffline(true);
    await connectionIs(ken.page, 'offline');
    const kensCard = ken.page.getByRole('article', { name: 'もどってきたあとのアイデア' });
    await kensCard.getByRole('button', { name: t('board.vote'), exact: true }).click();
    await flows.dotsLeftIs(ken.page, 2);
    const hanasCard = hana.page.getByRole('article', { name: 'もどってきたあとのアイデア' });
    await ken.context.setOffline(false);
    await waitUntilLive(ken.page);
    await hanasCard.getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();

    for (const someone of [ken, hana, staff]) expect(someone.pageErrors).toEqual([]);
  });
});
