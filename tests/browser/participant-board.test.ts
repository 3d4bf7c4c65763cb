/**
 * [issue 4] The participant's board, in a real browser, through the UI only: two participants and a
 * staff member on separate devices (browser contexts) post, vote, thank and run a project together,
 * and each sees the others' changes live.
 *
 * Setup that is not the board's own UI (the board and the roster) goes through the HTTP API; every
 * change to the board document is made by tapping the screen. Wording comes from the message files.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import {
  boardFlows,
  browserAvailable,
  LAPTOP,
  useBrowserSuite,
  type Viewport,
  PHONE,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const flows = boardFlows('ja');
const { t } = flows;
const packing = DEFAULT_CATEGORIES.find((category) => category.id === 'packing')!.label.ja;

/** Marks a page; the mark survives only while the page is not reloaded (proof that a change came live). */
const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
const stillMarked = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

const idea = (page: Page, text: string): Locator => page.getByRole('article', { name: text, exact: true });
const button = (scope: Page | Locator, name: string, options: { pressed?: boolean } = {}) =>
  scope.getByRole('button', { name, exact: true, ...options });

describe.skipIf(!browserAvailable())('the participant board, live on three devices', () => {
  const suite = useBrowserSuite();
  const person = (viewport: Viewport = PHONE) => suite.person({ viewport });

  /** A fresh board with staff on a laptop and two guests on phones, all live on it. */
  async function meeting(title: string, extra: Record<string, unknown> = {}) {
    const board = await suite.api.createBoard(title, extra);
    const [staff, hana, ken] = await Promise.all([person(LAPTOP), person(), person()]);
    await Promise.all([
      flows.staffOpensBoard(staff.page, ADMIN, board.id),
      flows.guestJoins(hana.page, board.joinCode!, 'はな'),
      flows.guestJoins(ken.page, board.joinCode!, 'けん'),
    ]);
    return { board, staff, hana, ken };
  }

  it('posts an idea with a category and anonymously, edits it, and deletes it with an undo', { timeout: 60_000 }, async () => {
    const { staff, hana, ken } = await meeting('アイデアのボード');
    await markPage(ken.page);

    await flows.postIdea(hana.page, '箱に番号をかく', { category: packing });
    const kensView = idea(ken.page, '箱に番号をかく');
    await kensView.waitFor();
    // The category shows as its pictogram and its word; the author by name.
    await kensView.getByText(packing, { exact: true }).waitFor();
    await kensView.getByText('はな', { exact: true }).waitFor();

    await flows.postIdea(hana.page, 'ひみつのアイデア', { anonymous: true });
    await idea(ken.page, 'ひみつのアイデア').getByText(t('board.anonymous'), { exact: true }).waitFor();
    await idea(hana.page, 'ひみつのアイデア').getByText(t('board.anonymousMine'), { exact: true }).waitFor();
    expect(await idea(ken.page, 'ひみつのアイデア').getByText('はな').count()).toBe(0);

    // Only the author may change or delete an idea: Ken sees no such buttons on Hana's idea.
    expect(await button(kensView, t('board.edit')).count()).toBe(0);
    expect(await button(kensView, t('board.delete')).count()).toBe(0);

    // Hana edits her idea; Ken sees the new text.
    await button(idea(hana.page, '箱に番号をかく'), t('board.edit')).click();
    const composer = hana.page.getByRole('dialog');
    await composer.getByLabel(t('composer.label'), { exact: true }).fill('箱に大きく番号をかく');
    await button(composer, t('composer.save')).click();
    await idea(ken.page, '箱に大きく番号をかく').waitFor();

    // She deletes it, and puts it back with the undo; it is back for Ken too.
    await button(idea(hana.page, '箱に大きく番号をかく'), t('board.delete')).click();
    await idea(ken.page, '箱に大きく番号をかく').waitFor({ state: 'detached' });
    await hana.page.getByRole('status').getByText(t('board.deleted'), { exact: true }).waitFor();
    await button(hana.page, t('board.restore')).click();
    await idea(ken.page, '箱に大きく番号をかく').getByText(packing, { exact: true }).waitFor();

    // "Undo posting" goes once somebody else has thanked the idea: it would take their thanks too.
    await flows.postIdea(hana.page, 'すぐに消すかもしれない');
    const undoPost = button(hana.page.getByRole('status'), t('composer.undo'));
    await undoPost.waitFor();
    await button(idea(ken.page, 'すぐに消すかもしれない'), t('board.thank')).click();
    await undoPost.waitFor({ state: 'detached' });

    expect(await stillMarked(ken.page)).toBe(true);
    for (const someone of [staff, hana, ken]) expect(someone.pageErrors).toEqual([]);
  });

  it('votes only in the vote phase, until the dots are spent, and takes a dot back', { timeout: 60_000 }, async () => {
    const { board, staff, hana, ken } = await meeting('投票のボード', { voteBudget: 3 });
    await flows.postIdea(hana.page, 'ごみ箱をふやす');
    await flows.postIdea(ken.page, '手あらいの絵をはる');

    // Before the vote phase there is no vote button at all (issue 9, item 4: none while collecting).
    const before = idea(ken.page, 'ごみ箱をふやす');
    const vote = button(before, t('board.vote'));
    expect(await vote.count()).toBe(0);
    // Participants get no facilitator controls.
    expect(await ken.page.getByRole('group', { name: t('meeting.phase'), exact: true }).count()).toBe(0);

    await flows.setPhase(staff.page, 'vote');
    await ken.page.getByText(t('board.phaseLabel', { phase: t('board.phase.vote') })).waitFor();
    // Nobody writes new ideas while voting.
    await button(ken.page, t('board.write')).waitFor({ state: 'detached' });
    await flows.dotsLeftIs(ken.page, 3);

    await vote.click();
    await flows.dotsLeftIs(ken.page, 2);
    await vote.click();
    await flows.dotsLeftIs(ken.page, 1);
    await button(idea(ken.page, '手あらいの絵をはる'), t('board.vote')).click();
    await flows.dotsLeftIs(ken.page, 0);

    // Every vote button now greys, pointing to the one line in the bar that says why (issue 12:
    // not the same hint on every card).
    await ken.page.getByTestId('no-votes-hint').getByText(t('board.noDotsHint'), { exact: true }).waitFor();
    for (const text of ['ごみ箱をふやす', '手あらいの絵をはる']) {
      const card = idea(ken.page, text);
      expect(await button(card, t('board.vote')).getAttribute('aria-disabled')).toBe('true');
      expect(await button(card, t('board.vote')).getAttribute('aria-describedby')).toBe('no-votes-hint');
      expect(await card.getByText(t('board.noDotsShort'), { exact: true }).count()).toBe(0);
    }
    // It stays focusable, so its reason is read out; pressing it anyway is answered in words.
    await button(before, t('board.vote')).press('Enter');
    await ken.page.getByRole('status').getByText(t('board.noDotsShort'), { exact: true }).waitFor();
    await before.getByText(t('board.myDots', { count: 2 }), { exact: true }).waitFor();

    // Hana and staff see the tallies live.
    await idea(hana.page, 'ごみ箱をふやす').getByText(t('board.tally', { count: 2 }), { exact: true }).waitFor();
    await idea(staff.page, '手あらいの絵をはる').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();

    // A dot taken back can be spent again.
    await button(before, t('board.takeBack')).click();
    await flows.dotsLeftIs(ken.page, 1);
    await idea(hana.page, 'ごみ箱をふやす').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();

    // With tallies hidden, participants see only their own dots.
    await staff.page.getByLabel(t('meeting.votesHidden'), { exact: true }).check();
    await hana.page.getByText(t('board.votesHidden'), { exact: true }).waitFor();
    await idea(hana.page, 'ごみ箱をふやす').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor({ state: 'detached' });
    await idea(ken.page, 'ごみ箱をふやす').getByText(t('board.myDots', { count: 1 }), { exact: true }).waitFor();
    expect(await ken.page.getByText(t('board.tally', { count: 1 }), { exact: true }).count()).toBe(0);
    // So do staff (their screen is often the projected one), until they ask to see them themselves.
    await idea(staff.page, 'ごみ箱をふやす').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor({ state: 'detached' });
    await staff.page.getByLabel(t('meeting.peek'), { exact: true }).check();
    await idea(staff.page, 'ごみ箱をふやす').getByText(t('board.tally', { count: 1 }), { exact: true }).waitFor();
    expect(await hana.page.getByText(t('board.tally', { count: 1 }), { exact: true }).count()).toBe(0);

    // Staff lower the budget below Ken's two dots: they stay, and his screen says what to do.
    await suite.api.patch(`/api/boards/${board.id}`, { voteBudget: 1 });
    const over = ken.page.getByTestId('dots-over');
    await over.getByText(t('board.dotsOverBudget', { budget: 1, count: 1 }), { exact: true }).waitFor();
    await flows.dotsLeftIs(ken.page, 0);
    await idea(ken.page, 'ごみ箱をふやす').getByText(t('board.myDots', { count: 1 }), { exact: true }).waitFor();
    await button(before, t('board.takeBack')).click();
    await over.waitFor({ state: 'detached' });
    await flows.dotsLeftIs(ken.page, 0);

    for (const someone of [staff, hana, ken]) expect(someone.pageErrors).toEqual([]);
  });

  it('counts thank-yous live, once per person, and lets one be taken back', { timeout: 60_000 }, async () => {
    const { staff, hana, ken } = await meeting('ありがとうのボード');
    await flows.postIdea(hana.page, 'あさの体そうをする');
    await markPage(hana.page);

    const kensThanks = button(idea(ken.page, 'あさの体そうをする'), t('board.thank'));
    await kensThanks.click();
    await button(idea(ken.page, 'あさの体そうをする'), t('board.thank'), { pressed: true }).waitFor();
    // The message says what the tap did (it once said "taken back" here: issue 9).
    await ken.page.getByRole('status').getByText(t('board.thanked'), { exact: true }).waitFor();
    expect(await ken.page.getByText(t('board.unthanked'), { exact: true }).count()).toBe(0);
    const hanasCard = idea(hana.page, 'あさの体そうをする');
    await hanasCard.getByText(t('board.thanksCount', { count: 1 }), { exact: true }).waitFor();

    await button(idea(staff.page, 'あさの体そうをする'), t('board.thank')).click();
    await hanasCard.getByText(t('board.thanksCount', { count: 2 }), { exact: true }).waitFor();

    // A second tap takes Ken's thank-you back: once per person, never twice.
    await kensThanks.click();
    await button(idea(ken.page, 'あさの体そうをする'), t('board.thank'), { pressed: false }).waitFor();
    await ken.page.getByRole('status').getByText(t('board.unthanked'), { exact: true }).waitFor();
    expect(await ken.page.getByText(t('board.thanked'), { exact: true }).count()).toBe(0);
    await hanasCard.getByText(t('board.thanksCount', { count: 1 }), { exact: true }).waitFor();
    expect(await stillMarked(hana.page)).toBe(true);

    for (const someone of [staff, hana, ken]) expect(someone.pageErrors).toEqual([]);
  });

  it('staff make a project; a participant leads it, another joins, and steps are ticked across devices', { timeout: 90_000 }, async () => {
    const { staff, hana, ken } = await meeting('プロジェクトのボード');
    await flows.postIdea(hana.page, '道具に名前シールをはる');
    await markPage(ken.page);

    // Participants cannot make projects; staff can, from the idea's card.
    await idea(ken.page, '道具に名前シールをはる').waitFor();
    expect(await button(idea(ken.page, '道具に名前シールをはる'), t('board.makeProject')).count()).toBe(0);
    await flows.staffMakesProject(staff.page, '道具に名前シールをはる');
    await idea(hana.page, '道具に名前シールをはる').getByText(t('board.status.project'), { exact: true }).waitFor();

    // Moving to the projects phase brings everyone to the projects view.
    await flows.setPhase(staff.page, 'projects');
    const hanasProject = hana.page.getByRole('article', { name: '道具に名前シールをはる' });
    const kensProject = ken.page.getByRole('article', { name: '道具に名前シールをはる' });
    await kensProject.getByText(t('project.noLead'), { exact: true }).waitFor();

    // Ken volunteers: one tap, and a confirm that says what a lead does.
    await button(kensProject, t('project.becomeLead')).click();
    const confirm = ken.page.getByRole('dialog', { name: t('project.confirmTitle') });
    await confirm.getByText(t('project.confirm1'), { exact: true }).waitFor();
    await button(confirm, t('project.becomeLead')).click();
    await confirm.waitFor({ state: 'hidden' });
    await kensProject.getByText(t('project.you'), { exact: true }).waitFor();

    // Hana sees him lead, live; she can no longer claim it, and joins as a member.
    await hanasProject.getByText('けん', { exact: true }).waitFor();
    expect(await button(hanasProject, t('project.becomeLead')).count()).toBe(0);
    await button(hanasProject, t('project.join')).click();
    await kensProject.getByText('はな').waitFor();

    // Ken adds two steps on his phone; Hana sees them and ticks one; Ken sees who ticked it.
    for (const step of ['シールを買う', '名前を書く']) {
      await kensProject.getByLabel(t('project.stepLabel'), { exact: true }).fill(step);
      await button(kensProject, t('project.addStep')).click();
    }
    await kensProject.getByText(t('project.progress', { total: 2, done: 0 }), { exact: true }).waitFor();
    const hanasStep = hanasProject.getByRole('checkbox', { name: 'シールを買う' });
    await hanasStep.check();
    const kensStep = kensProject.getByRole('checkbox', { name: 'シールを買う' });
    await kensProject.getByText(t('project.progress', { total: 2, done: 1 }), { exact: true }).waitFor();
    expect(await kensStep.isChecked()).toBe(true);
    expect(await kensStep.getAttribute('aria-label')).toBeNull();
    await kensProject.getByText(new RegExp(`^${t('project.doneBy', { name: 'はな', time: '' })}`)).waitFor();

    // Staff see the same project and its progress.
    await staff.page.getByRole('article', { name: '道具に名前シールをはる' }).getByText(t('project.progress', { total: 2, done: 1 })).waitFor();

    // Ken steps down; the project invites a lead again, for Hana too.
    await button(kensProject, t('project.stepDown')).click();
    await hanasProject.getByText(t('project.noLead'), { exact: true }).waitFor();

    expect(await stillMarked(ken.page)).toBe(true);
    for (const someone of [staff, hana, ken]) expect(someone.pageErrors).toEqual([]);
  });
});
