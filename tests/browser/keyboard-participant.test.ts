/**
 * [issue 12, item 5] Every participant task with the keyboard alone: joining (by the board's code,
 * a name card and its PIN; or as a guest), posting an idea, voting and taking a vote back, saying
 * thanks, volunteering to lead, joining a project and ticking a step.
 *
 * Nothing here clicks or fills: focus moves with Tab and Shift+Tab, controls work with Enter and
 * Space, dialogs close with Escape, words are typed. After each step focus is somewhere useful (a
 * closed dialog hands it back to the button that opened it), never dropped to <body>.
 * Staff set the scene (phases, a project) on a Yjs client: those are staff tasks, tested in
 * keyboard-staff.test.ts.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addIdea, addStep, boardRoots, createProject, setMeta } from '../../shared/board';
import { expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, LAPTOP, PHONE, useBrowserSuite, waitUntilLive } from '../helpers/browser';
import { focusIsKept, isFocused, tabTo } from '../helpers/keyboard';
import { connectBoard } from '../helpers/yjs-client';

const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const card = (page: Page, text: string) => page.getByRole('article', { name: text, exact: true });

describe.skipIf(!browserAvailable())('participant tasks with the keyboard only', () => {
  const suite = useBrowserSuite();
  const { t } = boardFlows('ja');

  /** Home page → the code → the join page, by keyboard. */
  async function enterCode(page: Page, code: string) {
    await page.goto('/');
    await tabTo(page, page.getByLabel(t('home.codeLabel'), { exact: true }));
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/join/*');
  }

  /** Writes an idea in the composer and posts it; focus comes back to the write button. */
  async function postIdea(page: Page, text: string) {
    const write = button(page, t('board.write'));
    await tabTo(page, write);
    await page.keyboard.press('Enter');
    const composer = page.getByRole('dialog');
    // The dialog opens on its text box: writing starts at once.
    await expect.poll(() => isFocused(composer.getByLabel(t('composer.label'), { exact: true }))).toBe(true);
    await page.keyboard.type(text);
    await tabTo(page, button(composer, t('composer.post')));
    await page.keyboard.press('Enter');
    await composer.waitFor({ state: 'hidden' });
    await card(page, text).waitFor();
    await expect.poll(() => isFocused(write)).toBe(true);
  }

  it('joins by name card and PIN, and as a guest; posts, votes, takes back and thanks', { timeout: 120_000 }, async () => {
    const board = await suite.api.createBoard('キーボードのボード', { voteBudget: 3, allowGuests: true });
    expectOk(await suite.api.post('/api/participants', { displayName: '山田 花子', reading: 'やまだ はなこ', avatar: '🌻', pin: '4821' }));
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    try {
      await staff.synced;
      const [hana, ken] = await Promise.all([suite.person({ viewport: PHONE }), suite.person({ viewport: LAPTOP })]);

      // Hana: the code, her name card, her PIN (focus goes to the PIN box by itself).
      await enterCode(hana.page, board.joinCode!);
      await tabTo(hana.page, hana.page.getByRole('button', { name: '山田 花子 やまだ はなこ' }));
      await hana.page.keyboard.press('Enter');
      await expect.poll(() => isFocused(hana.page.getByLabel(t('join.pinLabel'), { exact: true }))).toBe(true);
      await hana.page.keyboard.type('4821');
      await hana.page.keyboard.press('Enter');
      await hana.page.waitForURL('**/b/*');
      await waitUntilLive(hana.page);

      // Ken: the code, then his own name as a guest.
      await enterCode(ken.page, board.joinCode!);
      await tabTo(ken.page, ken.page.getByLabel(t('join.guestLabel'), { exact: true }));
      await ken.page.keyboard.type('けん');
      await ken.page.keyboard.press('Enter');
      await ken.page.waitForURL('**/b/*');
      await waitUntilLive(ken.page);

      // Posting: the main action comes before the ideas in the tab order.
      const beforeWrite = await tabTo(hana.page, button(hana.page, t('board.write')));
      expect(beforeWrite.filter((name) => name.includes(t('board.thank')))).toEqual([]);
      await postIdea(hana.page, 'まどを あける');
      await postIdea(ken.page, 'いすを ふやす');
      await card(hana.page, 'いすを ふやす').waitFor();

      // Voting, with Enter and with Space; taking a vote back. Focus stays on the card's buttons.
      setMeta(staff.doc, { phase: 'vote' });
      const kensIdea = card(hana.page, 'いすを ふやす');
      const vote = button(kensIdea, t('board.vote'));
      await vote.waitFor();
      await tabTo(hana.page, vote);
      await hana.page.keyboard.press('Enter');
      await boardFlows('ja').dotsLeftIs(hana.page, 2);
      expect(await isFocused(vote)).toBe(true);
      await hana.page.keyboard.press('Space');
      await boardFlows('ja').dotsLeftIs(hana.page, 1);
      await tabTo(hana.page, button(kensIdea, t('board.takeBack')));
      await hana.page.keyboard.press('Enter');
      await boardFlows('ja').dotsLeftIs(hana.page, 2);
      await hana.page.keyboard.press('Enter');
      await boardFlows('ja').dotsLeftIs(hana.page, 3);
      // The last vote taken back takes its button away: focus goes to the vote button, not <body>.
      await expect.poll(() => isFocused(vote)).toBe(true);
      await hana.page.keyboard.press('Enter');
      await boardFlows('ja').dotsLeftIs(hana.page, 2);
      await card(ken.page, 'いすを ふやす').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();

      // Thanks: a toggle button, pressed with Space.
      await tabTo(hana.page, kensIdea.getByRole('button', { name: t('board.thank'), exact: true, pressed: false }));
      await hana.page.keyboard.press('Space');
      await kensIdea.getByRole('button', { name: t('board.thank'), exact: true, pressed: true }).waitFor();
      await focusIsKept(hana.page);

      for (const someone of [hana, ken]) expect(someone.pageErrors).toEqual([]);
    } finally {
      staff.close();
    }
  });

  it('volunteers to lead (Escape first, then yes), joins a project and ticks a step', { timeout: 120_000 }, async () => {
    const board = await suite.api.createBoard('キーボードのプロジェクト', { voteBudget: 3, allowGuests: true });
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    try {
      await staff.synced;
      const [hana, ken] = await Promise.all([suite.person({ viewport: LAPTOP }), suite.person({ viewport: PHONE })]);
      const flows = boardFlows('ja');
      await Promise.all([flows.guestJoins(hana.page, board.joinCode!, 'はな'), flows.guestJoins(ken.page, board.joinCode!, 'けん')]);
      await postIdea(hana.page, '道具に 名前を はる');
      const ideaId = [...boardRoots(staff.doc).ideas.entries()].find(([, idea]) => idea.get('text') === '道具に 名前を はる')?.[0];
      expect(ideaId).toBeDefined();
      createProject(staff.doc, { id: 'project-tags', ideaId: ideaId!, title: '名前シール' });
      addStep(staff.doc, 'project-tags', { id: 'step-buy', text: 'シールを 買う' });
      setMeta(staff.doc, { phase: 'projects' });

      // Hana opens the question, changes her mind with Escape: focus is back on her button.
      const hanasProject = card(hana.page, '名前シール');
      const lead = button(hanasProject, t('project.becomeLead'));
      await lead.waitFor();
      await tabTo(hana.page, lead);
      await hana.page.keyboard.press('Enter');
      const confirm = hana.page.getByRole('dialog', { name: t('project.confirmTitle') });
      await confirm.waitFor();
      await hana.page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'hidden' });
      await expect.poll(() => isFocused(lead)).toBe(true);

      // Then yes: the dialog's own buttons, reached by Tab inside it.
      await hana.page.keyboard.press('Enter');
      await confirm.waitFor();
      await tabTo(hana.page, button(confirm, t('project.becomeLead')));
      await hana.page.keyboard.press('Enter');
      await confirm.waitFor({ state: 'hidden' });
      await hanasProject.getByText(t('project.you'), { exact: true }).waitFor();
      await focusIsKept(hana.page);

      // Ken joins the project and ticks its step, with Space.
      const kensProject = card(ken.page, '名前シール');
      await kensProject.getByText('はな', { exact: true }).waitFor();
      await tabTo(ken.page, button(kensProject, t('project.join')));
      await ken.page.keyboard.press('Enter');
      await hanasProject.getByText('けん').waitFor();
      await focusIsKept(ken.page);
      const step = kensProject.getByRole('checkbox', { name: 'シールを 買う' });
      await tabTo(ken.page, step);
      await ken.page.keyboard.press('Space');
      await hanasProject.getByText(t('project.progress', { total: 1, done: 1 }), { exact: true }).waitFor();
      expect(await step.isChecked()).toBe(true);
      expect(await isFocused(step)).toBe(true);

      for (const someone of [hana, ken]) expect(someone.pageErrors).toEqual([]);
    } finally {
      staff.close();
    }
  });

  it('never leaves the focused control, even in part, under a phone\'s fixed action bar (WCAG 2.4.11)', { timeout: 120_000 }, async () => {
    const board = await suite.api.createBoard('キーボードのスクロール', { voteBudget: 3, allowGuests: true });
    const staffId = expectOk(await suite.api.get<{ actorId: string }>('/api/me')).actorId;
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    try {
      await staff.synced;
      const start = Date.now() - 60_000;
      for (let index = 0; index < 6; index++) {
        addIdea(staff.doc, { id: `idea-${index}`, text: `たなの ${index + 1}だんめを 片づける`, authorId: staffId, createdAt: start + index * 1000 });
      }
      setMeta(staff.doc, { phase: 'vote' });
      const ken = await suite.person({ viewport: PHONE });
      await boardFlows('ja').guestJoins(ken.page, board.joinCode!, 'けん');
      // Newest first: the sixth is the top card.
      await card(ken.page, 'たなの 6だんめを 片づける').waitFor();

      // Every stop of forty Tabs down the board: the focused control must end above the bar.
      const hidden: string[] = [];
      for (let stop = 0; stop < 40; stop++) {
        await ken.page.keyboard.press('Tab');
        const seen = await ken.page.evaluate(() => {
          const focused = document.activeElement;
          const bar = document.querySelector('.action-bar');
          if (!(focused instanceof HTMLElement) || !bar || bar.contains(focused)) return null;
          const { top, bottom } = focused.getBoundingClientRect();
          const barTop = bar.getBoundingClientRect().top;
          // A region taller than the space above the bar (the list itself) cannot be wholly shown.
          if (bottom - top > barTop) return null;
          return { name: focused.getAttribute('aria-label') ?? focused.textContent?.trim().slice(0, 30) ?? '', under: bottom > barTop };
        });
        // Before the fix, a card's buttons stopped half under the bar (753–802 px, the bar at 776).
        if (seen?.under) hidden.push(`${stop}: ${seen.name}`);
      }
      expect(hidden).toEqual([]);
    } finally {
      staff.close();
    }
  });
});
