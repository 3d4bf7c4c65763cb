/**
 * [issue 10, item 3] A board's history page in a real browser: staff take a named snapshot from the
 * page, the board changes (an idea edited, one added, votes), the slider shows the snapshot and
 * "now" and shows the board as it was at each, the comparison lists the added idea and the edited
 * one with its old and new text, and a restore through its confirm (which lists what it will
 * change) brings the board back, on every device. axe finds nothing in Japanese, with the confirm
 * open too; screenshots at a PC's and a phone's size.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addIdea, boardToJson, castVote, editIdea, setMeta } from '../../shared/board';
import type { Me } from '../../shared/api';
import type { SnapshotInfo } from '../../shared/history';
import { ApiClient, expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, checkA11y, describeViolations, LAPTOP, PHONE, screenshot, useBrowserSuite } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually } from '../helpers/yjs-client';

async function expectAxeClean(page: Page, what: string) {
  const violations = await checkA11y(page);
  expect(violations, `${what}: ${describeViolations(violations)}`).toEqual([]);
}

/** What a marked-up text reads on screen, without the words only screen readers hear. */
function visibleText(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const hidden of copy.querySelectorAll('.visually-hidden')) hidden.remove();
    return copy.textContent ?? '';
  });
}

describe.skipIf(!browserAvailable())('[issue 10] the board history page', () => {
  const suite = useBrowserSuite();

  it('takes a snapshot, shows the board as it was, compares and restores', { timeout: 90_000 }, async () => {
    const { t } = boardFlows('ja');
    const board = await suite.api.createBoard('履歴のボード', { voteBudget: 3, allowGuests: true });
    const admin = expectOk(await suite.api.get<Me>('/api/me'));
    const guestApi = new ApiClient(suite.server.url);
    const aoi: Me = await guestApi.joinAsGuest(board.joinCode!, 'あおい');
    const guest = connectBoard(suite.server.url, board.id, (await guestApi.boardToken(board.id)).token);
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    await Promise.all([guest.synced, staff.synced]);
    addIdea(guest.doc, { id: 'idea-colour', text: '箱に色をつける', authorId: aoi.actorId });
    addIdea(guest.doc, { id: 'idea-break', text: '休けいを長くする', authorId: aoi.actorId });

    const { page, pageErrors } = await suite.person({ viewport: LAPTOP });
    try {
      await page.goto('/staff/login');
      await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
      await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
      await page.waitForURL('**/staff');
      // The board list links to the page.
      await page.getByRole('link', { name: t('history.linkNamed', { title: '履歴のボード' }), exact: true }).click();
      await page.waitForURL(`**/staff/boards/${board.id}/history`);

      const asOf = page.getByTestId('board-as-of');
      const card = (text: string) => asOf.getByRole('article', { name: text, exact: true });
      await card('箱に色をつける').waitFor();
      await card('休けいを長くする').getByText('あおい').waitFor();
      // Read only: the live board's cards without a button; each idea links to its timeline.
      expect(await asOf.getByRole('button').count()).toBe(0);
      expect(await card('箱に色をつける').getByRole('link', { name: t('history.timelineOf', { text: '箱に色をつける' }) }).getAttribute('href')).toBe(
        `/staff/boards/${board.id}/ideas/idea-colour`,
      );
      const csv = page.getByRole('link', { name: t('history.eventsCsv'), exact: true });
      const download = await page.request.get((await csv.getAttribute('href'))!);
      expect(download.status()).toBe(200);
      expect(download.headers()['content-type']).toContain('text/csv');

      // A named snapshot, taken from the page: it appears on the slider, which stands on it.
      await page.getByLabel(t('history.takeLabel'), { exact: true }).fill('会議の前');
      await page.getByRole('button', { name: t('history.take'), exact: true }).click();
      await page.getByTestId('taken').getByText(t('history.taken', { label: '会議の前' }), { exact: true }).waitFor();
      const snapshots = expectOk(await suite.api.get<SnapshotInfo[]>(`/api/boards/${board.id}/snapshots`));
      const named = snapshots.find((snapshot) => snapshot.label === '会議の前')!;
      expect(named.kind).toBe('named');

      // The board moves on: an edit, a new idea, votes.
      editIdea(guest.doc, 'idea-colour', { text: '箱に青い色をつける' });
      addIdea(guest.doc, { id: 'idea-tools', text: '道具の場所を決める', authorId: aoi.actorId });
      setMeta(staff.doc, { phase: 'vote' });
      castVote(staff.doc, admin.actorId, 'idea-break', 2);

      // The slider: the snapshot and "now", oldest first, with words for each point.
      const slider = page.getByRole('slider', { name: t('history.sliderLabel'), exact: true });
      const point = page.getByTestId('slider-point');
      expect(await slider.getAttribute('max')).toBe(String(snapshots.filter((s) => s.kind !== 'auto').length));
      await point.getByText(t('history.kind.named'), { exact: true }).waitFor();
      await point.getByText('会議の前', { exact: true }).waitFor();
      await page.getByRole('button', { name: t('history.next'), exact: true }).click();
      await point.getByText(t('history.kind.now'), { exact: true }).waitFor();
      await page.getByRole('heading', { name: t('history.boardNow'), exact: true }).waitFor();
      await card('道具の場所を決める').waitFor();
      await card('箱に青い色をつける').waitFor();
      await card('休けいを長くする').getByText(t('board.tally', { count: 2 }), { exact: true }).waitFor();
      await screenshot(page, 'history-now-1366x768');

      // Back to the snapshot with the keyboard: the board as it was.
      await slider.focus();
      await page.keyboard.press('ArrowLeft');
      await page.getByRole('heading', { name: t('history.boardAt', { label: '会議の前' }), exact: true }).waitFor();
      await card('箱に色をつける').waitFor();
      expect(await card('道具の場所を決める').count()).toBe(0);
      expect(await card('休けいを長くする').getByText(t('board.tally', { count: 2 }), { exact: true }).count()).toBe(0);
      expect(await slider.getAttribute('aria-valuetext')).toContain('会議の前');

      // The difference, snapshot → now: the added idea, the edited one with its old and new text, the dots.
      await page.getByTestId('compare-from').selectOption(named.id);
      await page.getByTestId('compare-to').selectOption('now');
      const diff = page.locator('#history-compare').getByTestId('diff');
      await diff.getByTestId('diff-ideas-added').getByText('道具の場所を決める', { exact: true }).waitFor();
      const changed = diff.getByTestId('diff-ideas-changed').locator('[data-idea-id="idea-colour"]');
      expect(await visibleText(changed.getByTestId('text-before'))).toBe('箱に色をつける');
      expect(await visibleText(changed.getByTestId('text-after'))).toBe('箱に青い色をつける');
      expect(await changed.locator('ins').textContent()).toContain('青い');
      await diff.getByTestId('diff-dots').getByText('休けいを長くする', { exact: true }).waitFor();
      await expectAxeClean(page, 'the history page (ja)');
      await screenshot(page, 'history-snapshot-1366x768');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'history-snapshot-390x844');
      await page.getByTestId('diff').first().scrollIntoViewIfNeeded();
      await screenshot(page, 'history-diff-390x844');
      await page.setViewportSize(LAPTOP);

      // Restore: the confirm lists what it will change and says nothing is lost.
      await page.getByRole('button', { name: t('history.restore'), exact: true }).click();
      const dialog = page.getByTestId('restore-dialog');
      await dialog.getByText(t('history.restoreSafe'), { exact: true }).waitFor();
      await dialog.getByTestId('diff-ideas-removed').getByText('道具の場所を決める', { exact: true }).waitFor();
      const undoEdit = dialog.getByTestId('diff-ideas-changed').locator('[data-idea-id="idea-colour"]');
      expect(await visibleText(undoEdit.getByTestId('text-before'))).toBe('箱に青い色をつける');
      expect(await visibleText(undoEdit.getByTestId('text-after'))).toBe('箱に色をつける');
      await expectAxeClean(page, 'the restore confirm (ja)');
      await screenshot(page, 'history-restore-1366x768');
      await dialog.getByRole('button', { name: t('history.restoreConfirm'), exact: true }).click();

      // Done: the page says so and shows "now", which is the snapshot's board again, everywhere.
      await page.getByTestId('restored').waitFor();
      await page.getByRole('heading', { name: t('history.boardNow'), exact: true }).waitFor();
      await card('箱に色をつける').waitFor();
      await expect.poll(() => card('道具の場所を決める').count()).toBe(0);
      await eventually(() => {
        const { ideas } = boardToJson(guest.doc);
        expect(ideas['idea-colour']?.text).toBe('箱に色をつける');
        expect(ideas['idea-tools']).toBeUndefined();
      });
      await screenshot(page, 'history-restored-1366x768');
      await page.setViewportSize(PHONE);
      await page.evaluate(() => scrollTo({ top: 0 }));
      await screenshot(page, 'history-restored-390x844');
      expect(pageErrors).toEqual([]);
    } finally {
      guest.close();
      staff.close();
    }
  });
});
