/**
 * [issue 9, items 6 and 7] Votes and tidying in a real browser, with one staff member and two
 * participants (guests) on their own devices: tallies stay hidden on the staff screen while voting,
 * the facilitator sees how many placed all, some or none of their dots and who passed (counts
 * only), the reveal ranks ideas with ties sharing a place, and staff merge two ideas (the dots move,
 * budgets hold, the merged card shows under the survivor), undo the merge, park an idea and bring
 * it back, set a category and make a project with two steps — each from the card's staff menu.
 * axe finds nothing on the staff board with the menus and the dialogs open, in Japanese and English.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { boardToJson, setMeta } from '../../shared/board';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { boardFlows, browserAvailable, checkA11y, describeViolations, LAPTOP, PHONE, screenshot, useBrowserSuite, type AppLocale } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually, type BoardClient } from '../helpers/yjs-client';

const TABLET = { width: 820, height: 1180 };

async function expectAxeClean(page: Page, what: string) {
  const violations = await checkA11y(page);
  expect(violations, `${what}: ${describeViolations(violations)}`).toEqual([]);
}

describe.skipIf(!browserAvailable())('[issue 9] votes and tidying', () => {
  const suite = useBrowserSuite();

  /** A staff y-websocket client: moves the meeting's phase the way any staff device would. */
  async function staffClient(boardId: string): Promise<BoardClient> {
    const client = connectBoard(suite.server.url, boardId, (await suite.api.boardToken(boardId)).token);
    await client.synced;
    return client;
  }

  it('runs a vote and tidies the ideas', { timeout: 180_000 }, async () => {
    const flows = boardFlows('ja');
    const { t } = flows;
    const board = await suite.api.createBoard('せいりのボード', { voteBudget: 3, allowGuests: true });
    const staff = await suite.person({ viewport: LAPTOP });
    const aoi = await suite.person({ viewport: PHONE });
    const ken = await suite.person({ viewport: PHONE });
    const control = await staffClient(board.id);
    try {
      await flows.staffOpensBoard(staff.page, ADMIN, board.id);
      await flows.guestJoins(aoi.page, board.joinCode!, 'あおい');
      await flows.guestJoins(ken.page, board.joinCode!, 'けん');
      await flows.postIdea(aoi.page, '箱に色をつける');
      await flows.postIdea(aoi.page, '箱の色を分ける');
      await flows.postIdea(ken.page, '休けいを長くする');
      await flows.postIdea(ken.page, '道具の場所を決める');
      const card = (page: Page, text: string) => page.getByRole('article', { name: text, exact: true });
      await card(staff.page, '道具の場所を決める').waitFor();

      // Voting, with the counts hidden from the staff's own screen too.
      setMeta(control.doc, { phase: 'vote' });
      const controls = staff.page.getByTestId('vote-controls');
      await controls.getByRole('button', { name: t('votes.hide'), exact: true }).click();
      await controls.getByRole('button', { name: t('votes.reveal'), exact: true }).waitFor();
      const progress = staff.page.getByTestId('vote-progress');
      const count = (kind: string) => progress.locator(`li[data-kind="${kind}"] strong`);
      const progressIs = async (all: number, passed: number, some: number, none: number) => {
        await eventually(async () => {
          expect(await Promise.all(['all', 'passed', 'some', 'none'].map((kind) => count(kind).textContent()))).toEqual(
            [all, passed, some, none].map((n) => t('votes.people', { count: n })),
          );
        });
      };
      await progressIs(0, 0, 0, 2);

      const vote = async (page: Page, text: string, times: number) => {
        for (let i = 0; i < times; i++) await card(page, text).getByRole('button', { name: t('board.vote'), exact: true }).click();
      };
      await vote(aoi.page, '箱に色をつける', 2);
      await vote(aoi.page, '箱の色を分ける', 1);
      await flows.dotsLeftIs(aoi.page, 0);
      await vote(ken.page, '箱の色を分ける', 1);
      await vote(ken.page, '休けいを長くする', 1);
      await flows.dotsLeftIs(ken.page, 1);
      await progressIs(1, 0, 1, 0);
      // ken passes on his last dot: done. He can take it back, and pass again.
      await ken.page.getByRole('button', { name: t('pass.button'), exact: true }).click();
      await progressIs(1, 1, 0, 0);
      await ken.page.getByRole('button', { name: t('pass.undo'), exact: true }).click();
      await progressIs(1, 0, 1, 0);
      await ken.page.getByRole('button', { name: t('pass.button'), exact: true }).click();
      await progressIs(1, 1, 0, 0);
      await progress.getByText(t('votes.progressDone', { done: 2, total: 2 }), { exact: true }).waitFor();

      // Hidden means hidden on the staff screen: no counts, no dots, no ranking.
      expect(await staff.page.locator('article .votes').count()).toBe(0);
      expect(await staff.page.getByTestId('ranking').count()).toBe(0);
      expect(await aoi.page.getByTestId('ranking').count()).toBe(0);
      for (const size of [TABLET, LAPTOP]) {
        await staff.page.setViewportSize(size);
        await screenshot(staff.page, `tidy-staff-voting-${size.width}x${size.height}`);
      }
      await staff.page.setViewportSize(LAPTOP);

      // The reveal: every screen shows the ranking, the two ideas with two dots share first place.
      await controls.getByRole('button', { name: t('votes.reveal'), exact: true }).click();
      for (const page of [staff.page, aoi.page, ken.page]) {
        const ranking = page.getByTestId('ranking');
        await ranking.waitFor();
        const first = ranking.locator('li[data-place="1"]');
        await first.getByText(t('ranking.tie'), { exact: true }).waitFor();
        expect(await first.locator('.entry .text').allTextContents()).toEqual(['箱に色をつける', '箱の色を分ける']);
        expect(await ranking.locator('li[data-place="3"] .entry .text').allTextContents()).toEqual(['休けいを長くする']);
        expect(await ranking.locator('li[data-place="2"]').count()).toBe(0);
      }
      for (const size of [TABLET, LAPTOP]) {
        await staff.page.setViewportSize(size);
        await screenshot(staff.page, `tidy-staff-revealed-${size.width}x${size.height}`);
      }
      await staff.page.setViewportSize(LAPTOP);

      // Merge: pick the survivor from a list. aoi had dots on both: she keeps all three on it.
      const openMenu = async (text: string) => {
        const menu = card(staff.page, text).getByTestId('staff-menu');
        await menu.getByRole('button', { name: t('tidy.menu'), exact: true }).click();
        return menu;
      };
      let menu = await openMenu('箱の色を分ける');
      await expectAxeClean(staff.page, 'the staff menu open (ja)');
      await menu.getByRole('button', { name: t('tidy.merge'), exact: true }).click();
      const mergeDialog = staff.page.getByTestId('merge-dialog');
      await expectAxeClean(staff.page, 'the merge dialog (ja)');
      await mergeDialog.getByRole('button', { name: '箱に色をつける' }).click();
      await staff.page.getByText(t('tidy.merged'), { exact: true }).waitFor();
      const survivor = card(staff.page, '箱に色をつける');
      await survivor.getByTestId('merged-ideas').getByText(t('tidy.mergedCount', { count: 1 }), { exact: true }).click();
      await survivor.getByTestId('merged-ideas').getByText('箱の色を分ける', { exact: true }).waitFor();
      await survivor.getByText(t('board.tally', { count: 4 }), { exact: true }).waitFor();
      expect(await card(staff.page, '箱の色を分ける').count(), 'the merged card is not on the board by itself').toBe(0);
      await eventually(() => {
        const { votes, ideas } = boardToJson(control.doc);
        const survivorId = Object.values(ideas).find((idea) => idea.text === '箱に色をつける')!.id;
        const totals = Object.values(votes).map((own) => Object.values(own).reduce((sum, n) => sum + n, 0));
        expect(totals.every((total) => total <= 3), 'every budget holds').toBe(true);
        expect(Object.values(votes).map((own) => own[survivorId]).sort()).toEqual([1, 3]);
      });
      await flows.dotsLeftIs(aoi.page, 0);
      await flows.dotsLeftIs(ken.page, 1);
      // A merged idea takes no dots: its vote button is gone on the participants' screens.
      await card(aoi.page, '箱に色をつける').getByTestId('merged-ideas').waitFor();
      expect(await card(aoi.page, '箱の色を分ける').count()).toBe(0);
      await expectAxeClean(staff.page, 'a survivor with a merged idea (ja)');

      // Undo the merge from the message: everything as it was.
      await staff.page.getByRole('button', { name: t('tidy.undo'), exact: true }).click();
      await staff.page.getByText(t('tidy.unmerged'), { exact: true }).waitFor();
      await card(staff.page, '箱の色を分ける').waitFor();
      await card(staff.page, '箱に色をつける').getByText(t('board.tally', { count: 2 }), { exact: true }).waitFor();
      await card(staff.page, '箱の色を分ける').getByText(t('board.tally', { count: 2 }), { exact: true }).waitFor();
      expect(await card(staff.page, '箱に色をつける').getByTestId('merged-ideas').count()).toBe(0);

      // Park an idea: it waits in the calm 保留 section at the bottom, and comes back.
      menu = await openMenu('道具の場所を決める');
      await menu.getByRole('button', { name: t('tidy.park'), exact: true }).click();
      const parked = staff.page.getByTestId('parked');
      await parked.getByRole('heading', { name: t('tidy.parkedHeading', { count: 1 }) }).waitFor();
      await parked.getByRole('article', { name: '道具の場所を決める', exact: true }).waitFor();
      await aoi.page.getByTestId('parked').getByRole('article', { name: '道具の場所を決める', exact: true }).waitFor();
      menu = await openMenu('道具の場所を決める');
      await menu.getByRole('button', { name: t('tidy.unpark'), exact: true }).click();
      await parked.waitFor({ state: 'detached' });
      await card(staff.page, '道具の場所を決める').waitFor();

      // A category, from the same menu; undo takes it off again, and it can be set once more.
      const packing = DEFAULT_CATEGORIES[0]!;
      menu = await openMenu('休けいを長くする');
      await menu.getByRole('button', { name: packing.label.ja, exact: true }).click();
      await card(staff.page, '休けいを長くする').getByText(t('board.category', { name: packing.label.ja }), { exact: true }).waitFor();
      await card(ken.page, '休けいを長くする').getByText(t('board.category', { name: packing.label.ja }), { exact: true }).waitFor();
      await staff.page.getByRole('button', { name: t('tidy.undo'), exact: true }).click();
      await card(staff.page, '休けいを長くする').getByText(t('board.category', { name: packing.label.ja }), { exact: true }).waitFor({ state: 'detached' });

      // A project with a title and two first steps.
      menu = await openMenu('箱に色をつける');
      await menu.getByRole('button', { name: t('board.makeProject'), exact: true }).click();
      const projectDialog = staff.page.getByTestId('make-project-dialog');
      expect(await projectDialog.getByLabel(t('makeProject.name'), { exact: true }).inputValue()).toBe('箱に色をつける');
      await expectAxeClean(staff.page, 'the project dialog (ja)');
      await projectDialog.getByLabel(t('makeProject.name'), { exact: true }).fill('箱の色わけ');
      await projectDialog.getByLabel(t('makeProject.step', { n: 1 }), { exact: true }).fill('色のテープを買う');
      await projectDialog.getByLabel(t('makeProject.step', { n: 2 }), { exact: true }).fill('箱にはる');
      await projectDialog.getByRole('button', { name: t('makeProject.create'), exact: true }).click();
      await staff.page.getByText(t('board.madeProject'), { exact: true }).waitFor();
      await eventually(() => {
        const projects = Object.values(boardToJson(control.doc).projects);
        expect(projects.map((project) => ({ title: project.title, steps: project.steps.map((step) => step.text) }))).toEqual([
          { title: '箱の色わけ', steps: ['色のテープを買う', '箱にはる'] },
        ]);
      });
      // Undo takes the project back and reopens the idea; a second try keeps it.
      await staff.page.getByRole('button', { name: t('tidy.undo'), exact: true }).click();
      await staff.page.getByText(t('makeProject.undone'), { exact: true }).waitFor();
      await eventually(() => expect(Object.keys(boardToJson(control.doc).projects)).toEqual([]));
      await card(staff.page, '箱に色をつける').getByText(t('board.status.project'), { exact: true }).waitFor({ state: 'detached' });

      expect([...staff.pageErrors, ...aoi.pageErrors, ...ken.pageErrors]).toEqual([]);
    } finally {
      control.close();
    }
  });

  it.each(['ja', 'en'] as const)('has no axe violations on the staff board with the menus open (%s)', { timeout: 90_000 }, async (locale: AppLocale) => {
    const flows = boardFlows(locale);
    const { t } = flows;
    const board = await suite.api.createBoard(`axe ${locale}`, { allowGuests: true });
    const staff = await suite.person({ viewport: TABLET, locale });
    const guest = await suite.person({ viewport: PHONE, locale });
    const control = await staffClient(board.id);
    try {
      await flows.staffOpensBoard(staff.page, ADMIN, board.id);
      await flows.guestJoins(guest.page, board.joinCode!, 'Mio');
      await flows.postIdea(guest.page, locale === 'ja' ? '水をのむ時間' : 'A time to drink water');
      await flows.postIdea(guest.page, locale === 'ja' ? '水の時間をきめる' : 'Set a water break');
      setMeta(control.doc, { phase: 'vote', votesHidden: true });
      const progress = staff.page.getByTestId('vote-progress');
      await progress.waitFor();
      await guest.page.getByRole('button', { name: t('pass.button'), exact: true }).click();
      await progress.locator('li[data-kind="passed"] strong').getByText(t('votes.people', { count: 1 }), { exact: true }).waitFor();
      const menu = staff.page.getByTestId('staff-menu').first();
      await menu.getByRole('button', { name: t('tidy.menu'), exact: true }).click();
      await expectAxeClean(staff.page, `voting, the staff menu open (${locale})`);
      await expectAxeClean(guest.page, `a participant who passed (${locale})`);
      await menu.getByRole('button', { name: t('tidy.merge'), exact: true }).click();
      await staff.page.getByTestId('merge-dialog').getByRole('heading', { name: t('merge.title') }).waitFor();
      await expectAxeClean(staff.page, `the merge dialog (${locale})`);
      await staff.page.keyboard.press('Escape');
      await staff.page.getByTestId('vote-controls').getByRole('button', { name: t('votes.reveal'), exact: true }).click();
      await staff.page.getByTestId('staff-menu').first().getByRole('button', { name: t('tidy.menu'), exact: true }).click();
      await expectAxeClean(staff.page, `after the reveal, the staff menu open (${locale})`);
    } finally {
      control.close();
    }
  });
});
