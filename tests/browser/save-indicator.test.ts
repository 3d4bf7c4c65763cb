/**
 * [spec 4 and 8, docs/client.md "Saved"] The header's save indicator in the real app: "saved" only
 * once the relay has acked (the test holds the acks back to see the moment between), "not saved
 * yet (N)" for what waits without a connection, across a reload too, and calm for screen readers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MESSAGE_SAVED } from '../../shared/sync-messages';
import { boardFlows, browserAvailable, LAPTOP, screenshot, useBrowserSuite, waitUntilLive, type Viewport } from '../helpers/browser';

const flows = boardFlows('ja');
const { t } = flows;

/** The phone the header must stay compact on. */
const SMALL_PHONE: Viewport = { width: 360, height: 740 };

const saveBadge = (page: Page, state: string) => page.locator(`[data-save-state="${state}"]`);
const connectionIs = (page: Page, state: string) => page.locator(`[role="status"][data-state="${state}"]`).waitFor();
const announced = (page: Page) => page.getByTestId('save-announcer');
const headerHeight = (page: Page) => page.locator('header').evaluate((header) => header.getBoundingClientRect().height);

/**
 * Passes the page's board socket through, except that `saved` acks wait while `hold` is on: the
 * test then sees what the page says between sending a change and the relay's confirmation.
 */
async function holdAcks(page: Page) {
  let holding = false;
  const held: (() => void)[] = [];
  await page.routeWebSocket(/\/yjs\//, (socket) => {
    const relay = socket.connectToServer();
    socket.onMessage((message) => relay.send(message));
    relay.onMessage((message) => {
      const isAck = typeof message !== 'string' && message[0] === MESSAGE_SAVED;
      if (holding && isAck) held.push(() => socket.send(message));
      else socket.send(message);
    });
  });
  return {
    hold: () => (holding = true),
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
    get held() {
      return held.length;
    },
  };
}

describe.skipIf(!browserAvailable())('the save indicator', () => {
  const suite = useBrowserSuite();

  it('says saved only after the relay acked, and counts what waits offline until it is saved', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('保存のボード');
    const ken = await suite.person({ viewport: LAPTOP });
    const staff = await suite.person({ viewport: LAPTOP });
    const acks = await holdAcks(ken.page);
    await flows.guestJoins(ken.page, board.joinCode!, 'けん');
    await flows.staffOpensBoard(staff.page, { login: 'admin', password: 'correct-horse-battery' }, board.id);
    // Nothing written yet: nothing to say.
    expect(await ken.page.locator('[data-save-state]').count()).toBe(0);

    acks.hold();
    await flows.postIdea(ken.page, '道具に番号をつける');
    await saveBadge(ken.page, 'saving').getByText(t('save.saving'), { exact: true }).waitFor();
    // The idea has reached the relay (staff see it), and still the page does not claim "saved".
    await staff.page.getByRole('article', { name: '道具に番号をつける' }).waitFor();
    await expect.poll(() => acks.held).toBeGreaterThan(0);
    expect(await saveBadge(ken.page, 'saved').count()).toBe(0);
    await screenshot(ken.page, 'save-saving-laptop');
    acks.release();
    await saveBadge(ken.page, 'saved').getByText(t('save.saved'), { exact: true }).waitFor();
    await screenshot(ken.page, 'save-saved-laptop');
    // A routine save is not read out.
    expect(await announced(ken.page).textContent()).toBe('');

    await ken.context.setOffline(true);
    await connectionIs(ken.page, 'offline');
    await flows.postIdea(ken.page, 'オフラインで書いたアイデア');
    await saveBadge(ken.page, 'unsaved').getByText(t('save.unsaved', { count: 1 }), { exact: true }).waitFor();
    await expect.poll(() => announced(ken.page).textContent(), { timeout: 5_000 }).toBe(t('save.unsaved', { count: 1 }));
    await screenshot(ken.page, 'save-unsaved-laptop');
    // A second change while offline updates the count but is not read out again.
    await flows.postIdea(ken.page, 'もうひとつ');
    await saveBadge(ken.page, 'unsaved').getByText(t('save.unsaved', { count: 2 }), { exact: true }).waitFor();
    await ken.page.waitForTimeout(2_000);
    expect(await announced(ken.page).textContent()).toBe(t('save.unsaved', { count: 1 }));

    await ken.context.setOffline(false);
    await waitUntilLive(ken.page);
    await saveBadge(ken.page, 'saved').waitFor();
    await expect.poll(() => announced(ken.page).textContent(), { timeout: 5_000 }).toBe(t('save.saved'));
    await staff.page.getByRole('article', { name: 'オフラインで書いたアイデア' }).waitFor();
    await staff.page.getByRole('article', { name: 'もうひとつ' }).waitFor();

    expect(ken.pageErrors).toEqual([]);
    expect(staff.pageErrors).toEqual([]);
  });

  it('keeps counting on a phone across an offline reload, in one more header line at most', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('保存のボード（電話）');
    const { page, context, pageErrors } = await suite.person({ viewport: SMALL_PHONE, offlineShell: true });
    await flows.guestJoins(page, board.joinCode!, 'はな');
    const before = await headerHeight(page);
    await flows.postIdea(page, 'つながっているときのアイデア');
    await saveBadge(page, 'saved').getByText(t('save.saved'), { exact: true }).waitFor();
    // "Saved" shares the line of "connected".
    expect(await headerHeight(page)).toBe(before);
    await screenshot(page, 'save-saved-phone');

    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
    await context.setOffline(true);
    await connectionIs(page, 'offline');
    const offline = await headerHeight(page);
    await flows.postIdea(page, 'オフラインのアイデア');
    const short = t('save.unsavedShort', { count: 1 });
    await saveBadge(page, 'unsaved').getByText(short, { exact: true }).waitFor();
    expect(await headerHeight(page)).toBeLessThanOrEqual(offline + 50);
    await screenshot(page, 'save-unsaved-phone');

    await page.reload();
    await connectionIs(page, 'offline');
    await saveBadge(page, 'unsaved').getByText(short, { exact: true }).waitFor();

    await context.setOffline(false);
    await waitUntilLive(page);
    await saveBadge(page, 'saved').waitFor();
    expect(await page.evaluate((key) => localStorage.getItem(key), `teian.unsaved.${board.id}`)).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
