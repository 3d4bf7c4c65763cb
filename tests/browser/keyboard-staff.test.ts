/**
 * [issue 12, item 5] Staff tasks with the keyboard alone: signing in, creating a board, adding a
 * name card to the roster, opening a participant's report, changing the phase, starting and
 * pausing (and clearing) the timer, hiding the votes, opening an idea’s history, taking a snapshot
 * and merging two ideas.
 *
 * Nothing here clicks or fills: focus moves with Tab and Shift+Tab, controls work with Enter and
 * Space, menus close with Escape, words are typed. A control that answers by turning into another
 * (pause → resume, clear → undo, hide → reveal) hands the focus to its successor, never to <body>.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Me } from '../../shared/api';
import { addIdea, boardRoots } from '../../shared/board';
import { ApiClient } from '../helpers/api-client';
import { boardFlows, browserAvailable, LAPTOP, useBrowserSuite, waitUntilLive } from '../helpers/browser';
import { focusIsKept, isFocused, tabTo } from '../helpers/keyboard';
import { ADMIN } from '../helpers/server';
import { connectBoard } from '../helpers/yjs-client';

const button = (scope: Page | Locator, name: string, options: { pressed?: boolean } = {}) => scope.getByRole('button', { name, exact: true, ...options });
const link = (scope: Page | Locator, name: string) => scope.getByRole('link', { name, exact: true });

describe.skipIf(!browserAvailable())('staff tasks with the keyboard only', () => {
  const suite = useBrowserSuite();
  const { t } = boardFlows('ja');

  /** Tabs to a text field, types into it. */
  async function typeInto(page: Page, field: Locator, text: string) {
    await tabTo(page, field);
    await page.keyboard.type(text);
  }

  /** Staff's sign-in page, by keyboard, to the staff page. */
  async function signIn(page: Page) {
    await page.goto('/staff/login');
    await typeInto(page, page.getByLabel(t('staffLogin.login'), { exact: true }), ADMIN.login);
    await typeInto(page, page.getByLabel(t('staffLogin.password'), { exact: true }), ADMIN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/staff');
  }

  /** From the staff page to a board's screen, by keyboard. */
  async function openBoard(page: Page, title: string) {
    await tabTo(page, link(page, t('staff.openNamed', { title })), { max: 120 });
    await page.keyboard.press('Enter');
    await page.waitForURL('**/b/*');
    await waitUntilLive(page);
  }

  it('signs in, creates a board, adds a name card and opens its report', { timeout: 120_000 }, async () => {
    const { page, pageErrors } = await suite.person({ viewport: LAPTOP });
    await signIn(page);

    await typeInto(page, page.getByLabel(t('staff.create.boardTitle'), { exact: true }), 'キーボードで作ったボード');
    await page.keyboard.press('Enter');
    const boardCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'キーボードで作ったボード', exact: true }) });
    await boardCard.waitFor();
    await focusIsKept(page);

    const roster = page.getByRole('region', { name: t('staff.roster.title'), exact: true });
    await typeInto(page, roster.getByLabel(t('staff.roster.displayName'), { exact: true }), '森');
    await typeInto(page, roster.getByLabel(t('staff.roster.reading'), { exact: true }), 'もり');
    await page.keyboard.press('Enter');
    await roster.getByRole('status').getByText(t('staff.roster.added', { name: '森' }), { exact: true }).waitFor();
    await focusIsKept(page);

    await tabTo(page, link(page, t('report.openNamed', { name: '森' })), { max: 120 });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/report\?/);
    await page.getByRole('heading', { level: 1, name: /森/ }).waitFor();
    await tabTo(page, button(page, t('report.period.month')));
    await page.keyboard.press('Enter');
    await button(page, t('report.period.month'), { pressed: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('runs the meeting: phase, timer, hidden votes, an idea’s history and a snapshot', { timeout: 150_000 }, async () => {
    const board = await suite.api.createBoard('キーボードの会', { voteBudget: 3, allowGuests: true });
    const aoiApi = new ApiClient(suite.server.url);
    const aoi: Me = await aoiApi.joinAsGuest(board.joinCode!, 'あおい');
    const aoiClient = connectBoard(suite.server.url, board.id, (await aoiApi.boardToken(board.id)).token);
    try {
      await aoiClient.synced;
      addIdea(aoiClient.doc, { id: 'idea-keys', text: 'かぎを かける', authorId: aoi.actorId });

      const { page, pageErrors } = await suite.person({ viewport: LAPTOP });
      await signIn(page);
      await openBoard(page, 'キーボードの会');

      // The phase: forward needs no question.
      const phases = page.getByRole('group', { name: t('meeting.phase'), exact: true });
      await tabTo(page, button(phases, t('board.phase.vote')));
      await page.keyboard.press('Enter');
      await button(phases, t('board.phase.vote'), { pressed: true }).waitFor();
      await focusIsKept(page);

      // The timer: three minutes, then pause; focus stays in the timer's controls.
      const timer = page.getByRole('region', { name: t('timer.title'), exact: true });
      await tabTo(page, button(timer, t('timer.minutes', { count: 3 })));
      await page.keyboard.press('Enter');
      await page.locator('header [data-testid="timer"][data-state="running"]').waitFor();
      await focusIsKept(page);
      await tabTo(page, button(timer, t('timer.pause')));
      await page.keyboard.press('Enter');
      await page.locator('header [data-testid="timer"][data-state="paused"]').waitFor();
      await expect.poll(() => isFocused(button(timer, t('timer.resume')))).toBe(true);
      // Clearing it turns the controls into "undo": focus goes there.
      await tabTo(page, button(timer, t('timer.stop')));
      await page.keyboard.press('Enter');
      await page.locator('header [data-testid="timer"]').waitFor({ state: 'detached' });
      await expect.poll(() => isFocused(button(timer, t('timer.undo')))).toBe(true);

      // Hiding the votes.
      await tabTo(page, page.getByTestId('hide-votes'));
      await page.keyboard.press('Enter');
      await page.getByText(t('board.votesHidden'), { exact: true }).waitFor();
      await expect.poll(() => isFocused(page.getByTestId('reveal'))).toBe(true);

      // An idea's history, from its card's staff menu.
      const card = page.getByRole('article', { name: 'かぎを かける', exact: true });
      await tabTo(page, button(card.getByTestId('staff-menu'), t('tidy.menu')));
      await page.keyboard.press('Enter');
      const timeline = link(card, t('timeline.open'));
      await timeline.waitFor();
      // Escape closes the menu and hands focus back to its button; it opens again with Enter.
      await page.keyboard.press('Escape');
      await timeline.waitFor({ state: 'hidden' });
      expect(await isFocused(button(card.getByTestId('staff-menu'), t('tidy.menu')))).toBe(true);
      await page.keyboard.press('Enter');
      await tabTo(page, timeline);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'かぎを かける' }).waitFor();

      // A snapshot, on the board's history page.
      await tabTo(page, link(page, t('timeline.boardHistory')), { max: 120 });
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/staff/boards/${board.id}/history`);
      await typeInto(page, page.getByLabel(t('history.takeLabel'), { exact: true }), '会の前');
      await page.keyboard.press('Enter');
      await page.getByTestId('taken').getByText(t('history.taken', { label: '会の前' }), { exact: true }).waitFor();
      await focusIsKept(page);
      expect(pageErrors).toEqual([]);
    } finally {
      aoiClient.close();
    }
  });

  it('merges two ideas from a card\'s staff menu', { timeout: 120_000 }, async () => {
    const board = await suite.api.createBoard('キーボードの整理', { voteBudget: 3, allowGuests: true });
    const aoiApi = new ApiClient(suite.server.url);
    const aoi: Me = await aoiApi.joinAsGuest(board.joinCode!, 'あおい');
    const aoiClient = connectBoard(suite.server.url, board.id, (await aoiApi.boardToken(board.id)).token);
    try {
      await aoiClient.synced;
      addIdea(aoiClient.doc, { id: 'idea-paint', text: '箱に色をつける', authorId: aoi.actorId, createdAt: Date.now() - 2000 });
      addIdea(aoiClient.doc, { id: 'idea-sort', text: '箱の色を分ける', authorId: aoi.actorId, createdAt: Date.now() - 1000 });

      const { page, pageErrors } = await suite.person({ viewport: LAPTOP });
      await signIn(page);
      await openBoard(page, 'キーボードの整理');

      // Merge from the card's staff menu: the dialog lists the other ideas, one is chosen with Enter.
      const duplicate = page.getByRole('article', { name: '箱の色を分ける', exact: true });
      await tabTo(page, button(duplicate.getByTestId('staff-menu'), t('tidy.menu')));
      await page.keyboard.press('Enter');
      await tabTo(page, button(duplicate.getByTestId('staff-menu'), t('tidy.merge')));
      await page.keyboard.press('Enter');
      const mergeDialog = page.getByTestId('merge-dialog');
      await tabTo(page, mergeDialog.getByRole('button', { name: /箱に色をつける/ }));
      await page.keyboard.press('Enter');
      await page.getByText(t('tidy.merged'), { exact: true }).waitFor();
      // Known gap (docs/accessibility.md, "Known problems"): the merged card leaves the list with the
      // menu button the dialog gave focus back to, so focus falls to <body> here and the next Tab
      // starts from the top of the page. The merge itself is done by keyboard.
      await expect.poll(() => boardRoots(aoiClient.doc).ideas.get('idea-sort')?.get('mergedInto')).toBe('idea-paint');

      expect(pageErrors).toEqual([]);
    } finally {
      aoiClient.close();
    }
  });
});
