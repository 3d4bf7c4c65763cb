/**
 * [issue 9, "What must show that it works"] A whole meeting, through the screens only: one staff
 * member on a PC, three participants on a phone, a tablet and a PC, and the projector: the window
 * that staff open from the panel, sized for a big screen (1920 × 1080). Staff start the meeting, everyone collects ideas, a timer runs on all five
 * screens within a second of each other, the vote runs with hidden tallies (neither the staff
 * screen nor the projector shows one), staff reveal, merge two ideas (the dots move, every budget
 * holds), park one, make a project, a participant volunteers as its lead, and staff close the
 * meeting. Afterwards the meeting's snapshot, its attendance and its events are in the database.
 *
 * The only things done outside the screens are the setup (a board, three name cards) and the
 * final look into the database.
 */
import { asc, eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { boardEvents, boardSnapshots } from '../../drizzle/schema';
import type { Meeting, Participant } from '../../shared/api';
import { boardToJson } from '../../shared/board';
import { expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, LAPTOP, PHONE, screenshot, useBrowserSuite, waitUntilLive, type Viewport } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { eventually } from '../helpers/yjs-client';

const TABLET: Viewport = { width: 820, height: 1180 };
const PROJECTOR: Viewport = { width: 1920, height: 1080 };
const BUDGET = 3;

const flows = boardFlows('ja');
const { t } = flows;
const card = (page: Page, text: string): Locator => page.getByRole('article', { name: text, exact: true });
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });

/** The seconds a screen's timer shows (the header's on the board, the big one on the projector). */
async function timerSeconds(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid="timer"]').first().getAttribute('data-seconds'));
}

describe.skipIf(!browserAvailable())('[issue 9] a whole meeting on five screens', () => {
  const suite = useBrowserSuite();

  it('runs from the start to the close, and the meeting is on record', { timeout: 240_000 }, async () => {
    const { api, server } = suite;
    const board = await api.createBoard('かいぜんの会', { voteBudget: BUDGET });
    const names = ['あおい', 'けん', 'みお'] as const;
    const roster: Participant[] = [];
    for (const name of names) roster.push(expectOk(await api.post<Participant>('/api/participants', { displayName: name, reading: name })));

    // Staff on a PC open the board and start the meeting.
    const staff = await suite.person({ viewport: LAPTOP });
    await flows.staffOpensBoard(staff.page, ADMIN, board.id);
    const panel = staff.page.getByRole('region', { name: t('facilitator.title'), exact: true });
    await button(panel, t('meetings.start')).click();
    await panel.getByTestId('meeting-state').and(staff.page.locator('[data-open="true"]')).waitFor();

    // The projector: staff open it from the panel, in a window of its own that goes on the big screen.
    const [projectorPage] = await Promise.all([staff.page.waitForEvent('popup'), button(panel, t('facilitator.openProjector')).click()]);
    const projectorErrors: Error[] = [];
    projectorPage.on('pageerror', (error) => projectorErrors.push(error));
    await projectorPage.setViewportSize(PROJECTOR);
    const projector = { page: projectorPage, pageErrors: projectorErrors };
    await projector.page.getByTestId('present').waitFor();
    await expect.poll(() => projector.page.getByTestId('present-join-code').getAttribute('data-code')).toBe(board.joinCode);

    // Three participants come in with their name cards: a phone, a tablet, a PC.
    const devices = await Promise.all([PHONE, TABLET, LAPTOP].map((viewport) => suite.person({ viewport })));
    const [aoi, ken, mio] = devices as [(typeof devices)[0], (typeof devices)[0], (typeof devices)[0]];
    for (const [index, device] of devices.entries()) {
      const name = names[index]!;
      await device.page.goto(`/join/${board.joinCode}`);
      await device.page.getByRole('button', { name: `${name} ${name}` }).click();
      await button(device.page, t('join.enter')).click();
      await device.page.waitForURL('**/b/*');
      await waitUntilLive(device.page);
    }

    // Collect.
    await flows.postIdea(aoi.page, '箱に番号をかく');
    await flows.postIdea(ken.page, '箱に番号を書いておく');
    await flows.postIdea(mio.page, '休けいの時間を知らせる');
    await flows.postIdea(aoi.page, '道具をならべる');
    for (const text of ['箱に番号をかく', '箱に番号を書いておく', '休けいの時間を知らせる', '道具をならべる']) {
      await card(staff.page, text).waitFor();
      await projector.page.getByTestId('present-idea').filter({ hasText: text }).waitFor();
    }

    // A three-minute timer: every screen counts the same seconds, within one.
    await button(panel, t('timer.minutes', { count: 3 })).click();
    const screens = [staff.page, aoi.page, ken.page, mio.page, projector.page];
    for (const page of screens) await page.locator('[data-testid="timer"][data-state="running"]').first().waitFor();
    await eventually(async () => {
      const seconds = await Promise.all(screens.map(timerSeconds));
      expect(Math.max(...seconds) - Math.min(...seconds), `the screens show ${seconds.join(', ')} s`).toBeLessThanOrEqual(1);
      expect(Math.min(...seconds)).toBeGreaterThan(170);
    });
    await screenshot(projector.page, 'whole-meeting-projector-collect');

    // Vote, with the tallies hidden until the reveal.
    await flows.setPhase(staff.page, 'vote');
    const votes = staff.page.getByTestId('vote-controls');
    await button(votes, t('votes.hide')).click();
    await button(votes, t('votes.reveal')).waitFor();
    const vote = async (page: Page, text: string, times: number) => {
      for (let i = 0; i < times; i++) await button(card(page, text), t('board.vote')).click();
    };
    await vote(aoi.page, '箱に番号を書いておく', 2);
    await vote(aoi.page, '箱に番号をかく', 1);
    await vote(ken.page, '箱に番号をかく', 1);
    await vote(ken.page, '休けいの時間を知らせる', 2);
    await vote(mio.page, '箱に番号を書いておく', 1);
    await mio.page.getByRole('button', { name: t('pass.button'), exact: true }).click();
    await staff.page.getByTestId('vote-progress').getByText(t('votes.progressDone', { done: 3, total: 3 }), { exact: true }).waitFor();
    // Nobody's screen follows the crowd: no tally on the staff screen, none on the projector.
    expect(await staff.page.locator('article .votes').count()).toBe(0);
    for (const count of [1, 2, 3]) {
      expect(await staff.page.getByRole('article').getByText(t('board.tally', { count }), { exact: true }).count()).toBe(0);
    }
    expect(await projector.page.getByTestId('present-results').count()).toBe(0);
    expect(await projector.page.getByTestId('present-ideas').innerText()).not.toMatch(/\d\s*票/);
    await screenshot(projector.page, 'whole-meeting-projector-hidden');

    // The reveal: ranked, on the staff screen, the participants' and the projector.
    await button(votes, t('votes.reveal')).click();
    await staff.page.getByTestId('ranking').waitFor();
    await aoi.page.getByTestId('ranking').waitFor();
    await projector.page.getByTestId('present-results').waitFor();
    expect(await projector.page.getByTestId('present-result').first().innerText()).toContain('箱に番号を書いておく');
    await screenshot(projector.page, 'whole-meeting-projector-revealed');

    // Merge the two "numbers on boxes" ideas: the dots move, and every budget holds.
    const openMenu = async (text: string) => {
      const menu = card(staff.page, text).getByTestId('staff-menu');
      await button(menu, t('tidy.menu')).click();
      return menu;
    };
    await button(await openMenu('箱に番号をかく'), t('tidy.merge')).click();
    await staff.page.getByTestId('merge-dialog').getByRole('button', { name: '箱に番号を書いておく' }).click();
    await staff.page.getByText(t('tidy.merged'), { exact: true }).waitFor();
    const survivor = card(staff.page, '箱に番号を書いておく');
    await survivor.getByText(t('board.tally', { count: 5 }), { exact: true }).waitFor();
    expect(await card(staff.page, '箱に番号をかく').count()).toBe(0);
    await flows.dotsLeftIs(aoi.page, 0);
    await flows.dotsLeftIs(ken.page, 0);

    // Park one; make a project of the survivor.
    await button(await openMenu('道具をならべる'), t('tidy.park')).click();
    await staff.page.getByTestId('parked').getByRole('article', { name: '道具をならべる', exact: true }).waitFor();
    await button(await openMenu('箱に番号を書いておく'), t('board.makeProject')).click();
    const projectDialog = staff.page.getByTestId('make-project-dialog');
    await projectDialog.getByLabel(t('makeProject.name'), { exact: true }).fill('箱に番号');
    await projectDialog.getByLabel(t('makeProject.step', { n: 1 }), { exact: true }).fill('ペンを用意する');
    await button(projectDialog, t('makeProject.create')).click();
    await staff.page.getByText(t('board.madeProject'), { exact: true }).waitFor();

    // Projects: mio volunteers as the lead, on her PC.
    await flows.setPhase(staff.page, 'projects');
    const project = mio.page.getByRole('article', { name: '箱に番号' });
    await button(project, t('project.becomeLead')).click();
    await button(mio.page.getByRole('dialog'), t('project.becomeLead')).click();
    await mio.page.getByText(t('project.youLead'), { exact: true }).waitFor();
    await flows.showView(staff.page, 'projects');
    await staff.page.getByRole('article', { name: '箱に番号' }).getByText('みお', { exact: true }).waitFor();

    // Close the meeting; everyone who came is ticked already.
    await button(panel, t('meetings.close')).click();
    const closing = staff.page.getByRole('dialog', { name: t('meetings.closeTitle') });
    for (const name of names) expect(await closing.getByRole('checkbox', { name: new RegExp(name) }).isChecked()).toBe(true);
    await button(closing, t('meetings.closeConfirm')).click();
    await panel.getByTestId('meeting-state').and(staff.page.locator('[data-open="false"]')).waitFor();

    // On record: the meeting, its snapshot of the board, who came, and the events.
    const [meeting] = expectOk(await api.get<Meeting[]>(`/api/boards/${board.id}/meetings`));
    expect(meeting?.closedAt).not.toBeNull();
    expect([...meeting!.attendance].sort()).toEqual(roster.map((participant) => participant.id).sort());
    const [snapshot] = await server.database.db.select().from(boardSnapshots).where(eq(boardSnapshots.id, meeting!.snapshotId!));
    expect(snapshot).toMatchObject({ boardId: board.id, kind: 'meeting' });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot!.state);
    const json = boardToJson(doc);
    const byText = (text: string) => Object.values(json.ideas).find((idea) => idea.text === text)!;
    expect(byText('箱に番号をかく').mergedInto).toBe(byText('箱に番号を書いておく').id);
    expect(byText('道具をならべる').status).toBe('parked');
    const [made] = Object.values(json.projects);
    expect(made).toMatchObject({ title: '箱に番号', ideaId: byText('箱に番号を書いておく').id, leadId: roster[2]!.id });
    for (const own of Object.values(json.votes)) {
      expect(Object.values(own).reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(BUDGET);
    }
    // aoi's three dots and ken's one, all on the survivor now; ken's other two stay where they were.
    expect(json.votes[roster[0]!.id]).toEqual({ [byText('箱に番号を書いておく').id]: 3 });

    const events = await server.database.db.select().from(boardEvents).where(eq(boardEvents.boardId, board.id)).orderBy(asc(boardEvents.id));
    const types = new Set(events.map((event) => event.type));
    for (const type of ['meeting.started', 'idea.created', 'vote.cast', 'vote.passed', 'idea.merged', 'idea.status', 'project.created', 'project.lead_claimed', 'attendance', 'meeting.closed']) {
      expect(types, `an event ${type}`).toContain(type);
    }
    expect(events.filter((event) => event.type === 'attendance').map((event) => event.actorId).sort()).toEqual(
      roster.map((participant) => participant.id).sort(),
    );

    expect([staff, projector, ...devices].flatMap((person) => person.pageErrors)).toEqual([]);
  });
});
