/**
 * [issue 10, items 2 and 4] An idea's timeline and a participant's printable report, in Chromium.
 * A meeting is played through real websocket clients (a roster participant, a guest, staff): ideas,
 * one written for her by staff, an edit, thanks, votes, a park and its return, a project with her as
 * lead and a step she finished, the meeting closed with who came. Staff then open the idea's
 * timeline (creation, the edit side by side, the votes' running total, the park, the project) and
 * her report for this month (the tiles' numbers, the ideas and what became of them), print it to
 * an A4 PDF and check its pages; axe finds nothing on either page in Japanese.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Me, Meeting, Participant } from '../../shared/api';
import { addIdea, addStep, castVote, createProject, editIdea, giveThanks, setLead, setMeta, tickStep } from '../../shared/board';
import type { ParticipantReport } from '../../shared/history';
import { FACILITY_TIME_ZONE } from '../../shared/history';
import { ApiClient, expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, checkA11y, describeViolations, LAPTOP, PHONE, screenshot, useBrowserSuite, waitUntilLive } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually, type BoardClient } from '../helpers/yjs-client';

/** A4 at 96 dpi: what the print view is looked at in. */
const A4_VIEWPORT = { width: 794, height: 1123 };

async function expectAxeClean(page: Page, what: string) {
  const violations = await checkA11y(page);
  expect(violations, `${what}: ${describeViolations(violations)}`).toEqual([]);
}

/** The whole page, not only the viewport, when screenshots are asked for. */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TEIAN_SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Today in Japan, and the first of its month: the report's "this month". */
function thisMonth(): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: FACILITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

describe.skipIf(!browserAvailable())('[issue 10] the idea timeline and the printed report', () => {
  const suite = useBrowserSuite();

  it('tells an idea’s story and prints a participant’s report on A4', { timeout: 90_000 }, async () => {
    const flows = boardFlows('ja');
    const { t } = flows;
    const staffApi = suite.api;
    const board = await staffApi.createBoard('作業の改善ボード', { voteBudget: 3, allowGuests: true });
    const code = board.joinCode!;
    const hana = expectOk(await staffApi.post<Participant>('/api/participants', { displayName: '花子', reading: 'はなこ' }));
    const hanaApi = new ApiClient(suite.server.url);
    const hanaMe = expectOk(await hanaApi.post<Me>('/api/join', { code, participantId: hana.id }));
    const kenApi = new ApiClient(suite.server.url);
    const kenMe = await kenApi.joinAsGuest(code, 'けん');
    const staffMe = expectOk(await staffApi.get<Me>('/api/me'));
    const clients: BoardClient[] = [];
    const connect = async (api: ApiClient) => {
      const client = connectBoard(suite.server.url, board.id, (await api.boardToken(board.id)).token);
      clients.push(client);
      await client.synced;
      return client;
    };
    try {
      const meeting = expectOk(await staffApi.post<Meeting>(`/api/boards/${board.id}/meetings`, {}));
      const [{ doc: hanaDoc }, { doc: kenDoc }, { doc: staffDoc }] = await Promise.all([connect(hanaApi), connect(kenApi), connect(staffApi)]);
      /** Every change reaches the staff's copy (so the server accepted it) before the next one. */
      const seen = (check: () => boolean) => eventually(() => expect(check()).toBe(true));
      const idea = (id: string) => staffDoc.getMap('ideas').get(id) as { get(key: string): unknown } | undefined;

      addIdea(hanaDoc, { id: 'box', text: '箱に色をつける', authorId: hanaMe.actorId });
      addIdea(hanaDoc, { id: 'rest', text: '休けいの時間をきめる', authorId: hanaMe.actorId });
      addIdea(staffDoc, { id: 'tools', text: '道具に名前をはる', authorId: hanaMe.actorId, help: 'scribed', enteredBy: staffMe.actorId });
      addIdea(kenDoc, { id: 'water', text: '水をのむ時間', authorId: kenMe.actorId });
      await seen(() => idea('box') !== undefined && idea('rest') !== undefined && idea('water') !== undefined);
      editIdea(hanaDoc, 'box', { text: '箱に色のシールをはる' });
      await seen(() => idea('box')?.get('text') === '箱に色のシールをはる');
      giveThanks(kenDoc, kenMe.actorId, 'box');
      giveThanks(hanaDoc, hanaMe.actorId, 'water');
      setMeta(staffDoc, { phase: 'vote' });
      await seen(() => (kenDoc.getMap('meta').get('phase') as string) === 'vote' && (hanaDoc.getMap('meta').get('phase') as string) === 'vote');
      castVote(kenDoc, kenMe.actorId, 'box', 2);
      castVote(hanaDoc, hanaMe.actorId, 'water', 1);
      await seen(() => (staffDoc.getMap('votes').get(kenMe.actorId) as { get(k: string): unknown } | undefined)?.get('box') === 2);
      editIdea(staffDoc, 'box', { status: 'parked' });
      editIdea(staffDoc, 'rest', { status: 'parked' });
      await seen(() => idea('box')?.get('status') === 'parked');
      editIdea(staffDoc, 'box', { status: 'open' });
      setMeta(staffDoc, { phase: 'projects' });
      createProject(staffDoc, { id: 'seal', ideaId: 'box', title: '色シールの箱' });
      addStep(staffDoc, 'seal', { id: 'buy', text: 'シールを買う' });
      await seen(() => (hanaDoc.getMap('projects').get('seal') as unknown) !== undefined && (hanaDoc.getMap('meta').get('phase') as string) === 'projects');
      setLead(hanaDoc, 'seal', hanaMe.actorId);
      tickStep(hanaDoc, 'seal', 'buy', hanaMe.actorId, true);
      await eventually(async () => {
        const { events } = expectOk(await staffApi.get<{ events: { type: string }[] }>(`/api/boards/${board.id}/events?projectId=seal`));
        expect(events.map((event) => event.type)).toContain('step.done');
      });
      expectOk(await staffApi.post<Meeting>(`/api/meetings/${meeting.id}/close`, { attendance: [hanaMe.actorId, kenMe.actorId] }));

      // The timeline, as staff open it from the card's menu.
      const staff = await suite.person({ viewport: LAPTOP });
      const { page } = staff;
      await page.goto('/staff/login');
      await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
      await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
      await page.waitForURL('**/staff');
      await page.goto(`/b/${board.id}`);
      await waitUntilLive(page);
      // In the projects phase the board opens on its projects; the idea cards are one tap away.
      await flows.showView(page, 'ideas');
      const card = page.getByRole('article', { name: '箱に色のシールをはる', exact: true });
      await card.getByTestId('staff-menu').getByRole('button', { name: t('tidy.menu'), exact: true }).click();
      if (process.env.TEIAN_SCREENSHOT_DIR) await card.screenshot({ path: path.join(process.env.TEIAN_SCREENSHOT_DIR, 'board-staff-menu.png') });
      await card.getByRole('link', { name: t('timeline.open'), exact: true }).click();
      await page.waitForURL(`**/staff/boards/${board.id}/ideas/box`);
      await page.getByRole('heading', { level: 1, name: '箱に色のシールをはる' }).waitFor();
      /** A name as the timeline's sentences say it (「花子 さん」). */
      const someone = (name: string) => t('timeline.person', { name });
      const entry = (type: string) => page.locator(`li.entry[data-type="${type}"]`);
      await entry('idea.created').getByText(t('timeline.created', { name: someone('花子') }), { exact: true }).waitFor();
      const edit = entry('idea.edited');
      // Side by side, the whole old and new text, with what changed marked character by character.
      expect(await edit.locator('.before .text').textContent()).toBe('箱に色をつける');
      expect(await edit.locator('.after .text').textContent()).toBe('箱に色のシールをはる');
      expect(await edit.locator('del').allTextContents()).toEqual(['つけ']);
      expect(await edit.locator('ins').allTextContents()).toEqual(['のシール', 'は']);
      await edit.getByText(t('timeline.before'), { exact: true }).waitFor();
      await entry('vote.cast').getByText(t('timeline.voteCast', { name: someone('けん'), count: 2 }), { exact: true }).waitFor();
      await entry('vote.cast').getByText(t('timeline.dotsTotal', { count: 2 }), { exact: true }).waitFor();
      expect(await entry('vote.cast').locator('.dot').count()).toBe(2);
      await entry('thanks.given').getByText(t('timeline.thanksGiven', { name: someone('けん') }), { exact: true }).waitFor();
      const staffName = someone(staffMe.kind === 'staff' ? staffMe.name : '');
      await page.getByText(t('timeline.parked', { name: staffName }), { exact: true }).waitFor();
      await page.getByText(t('timeline.unparked', { name: staffName }), { exact: true }).waitFor();
      await entry('project.created').getByText('色シールの箱', { exact: false }).waitFor();
      await entry('project.lead_claimed').getByText(t('timeline.leadClaimed', { lead: someone('花子') }), { exact: true }).waitFor();
      await entry('step.done').getByText(t('timeline.stepDone', { name: someone('花子'), step: 'シールを買う' }), { exact: true }).waitFor();
      // Oldest first: created, then the edit, …, the step last.
      const types = await page.locator('li.entry').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
      expect(types[0]).toBe('idea.created');
      expect(types.indexOf('idea.edited')).toBeLessThan(types.indexOf('vote.cast'));
      expect(types.indexOf('idea.status')).toBeLessThan(types.indexOf('project.created'));
      expect(types.at(-1)).toBe('step.done');
      await page.getByRole('link', { name: t('timeline.boardHistory'), exact: true }).waitFor();
      await expectAxeClean(page, 'the idea timeline (ja)');
      await screenshot(page, 'timeline-1366x768');
      await fullScreenshot(page, 'timeline-1366x768-full');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'timeline-390x844');
      await fullScreenshot(page, 'timeline-390x844-full');
      await page.setViewportSize(LAPTOP);

      // The report, opened from the roster; the address gets a period, and "this month" is one tap.
      await page.goto('/staff#roster');
      // The staff page also offers everyone's counts as a CSV, this month in Japanese unless changed.
      const csv = page.getByRole('link', { name: t('report.csv.download'), exact: true });
      const month = thisMonth();
      expect(await csv.getAttribute('href')).toBe(`/api/reports/contributions.csv?from=${month.from}&to=${month.to}&lang=ja`);
      await page.getByRole('radio', { name: t('report.csv.en'), exact: true }).check();
      expect(await csv.getAttribute('href')).toBe(`/api/reports/contributions.csv?from=${month.from}&to=${month.to}&lang=en`);
      if (process.env.TEIAN_SCREENSHOT_DIR) {
        await page.locator('.contributions-csv').screenshot({ path: path.join(process.env.TEIAN_SCREENSHOT_DIR, 'staff-contributions-csv.png') });
        await page.locator('#roster li').first().screenshot({ path: path.join(process.env.TEIAN_SCREENSHOT_DIR, 'staff-roster-card.png') });
      }
      await page.getByRole('link', { name: t('report.openNamed', { name: '花子' }), exact: true }).click();
      await page.waitForURL(/\/report\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
      await page.getByRole('heading', { level: 1, name: /花子/ }).waitFor();
      await page.getByRole('button', { name: t('report.period.month'), exact: true }).click();
      await page.waitForURL(`**/report?from=${month.from}&to=${month.to}`);
      await page.getByRole('button', { name: t('report.period.month'), exact: true, pressed: true }).waitFor();
      const report = expectOk(await staffApi.get<ParticipantReport>(`/api/participants/${hana.id}/report?from=${month.from}&to=${month.to}`));
      expect(report.totals).toMatchObject({
        ideasIndependent: 2,
        ideasHelped: 1,
        votesCast: 1,
        thanksGiven: 1,
        thanksReceived: 1,
        projectsLed: 1,
        stepsDone: 1,
        meetingsAttended: 1,
      });
      const tile = (key: string) => page.locator(`li[data-tile="${key}"] strong`);
      await eventually(async () => expect(await tile('ideasIndependent').textContent()).toBe('2'));
      for (const [key, value] of Object.entries(report.totals)) {
        if (value > 0) expect(await tile(key).textContent(), key).toBe(String(value));
        else expect(await tile(key).count(), `${key}: a count of nothing is not a tile`).toBe(0);
      }
      await page.getByText(t('report.says.ideas', { count: 3 }), { exact: false }).waitFor();
      const ideas = page.locator('.report-ideas > li');
      // Hers only (not the guest's), newest first.
      expect(await ideas.locator('.text').allTextContents()).toEqual(['道具に名前をはる', '休けいの時間をきめる', '箱に色のシールをはる']);
      const fate = (text: string) => ideas.filter({ hasText: text }).locator('.fate');
      expect(await fate('箱に色のシールをはる').textContent()).toContain(t('report.fate.project', { title: '色シールの箱' }));
      expect(await fate('休けいの時間をきめる').textContent()).toContain(t('report.fate.parked'));
      await ideas.filter({ hasText: '道具に名前をはる' }).getByText(t('report.helped'), { exact: true }).waitFor();
      await ideas.filter({ hasText: '箱に色のシールをはる' }).getByText(t('report.steps', { done: 1, total: 1 }), { exact: true }).waitFor();
      // The chart draws under the app's CSP (a refused style or script would leave it blank), and its table has the numbers.
      await page.locator('.chart-box canvas').waitFor();
      expect(await page.locator('.chart-box canvas').evaluate((canvas: HTMLCanvasElement) => canvas.width > 0 && canvas.height > 0)).toBe(true);
      await page.getByRole('table', { name: t('report.table.caption') }).waitFor();
      await expectAxeClean(page, 'the participant report (ja)');
      await screenshot(page, 'report-1366x768');
      await fullScreenshot(page, 'report-1366x768-full');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'report-390x844');
      await fullScreenshot(page, 'report-390x844-full');
      // On a phone the month table scrolls sideways: still reachable by keyboard.
      await expectAxeClean(page, 'the participant report on a phone (ja)');

      // The print view: no buttons, A4.
      await page.setViewportSize(A4_VIEWPORT);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav, button, a').count(), 'the page has menus, buttons and links').toBeGreaterThan(0);
      expect(await page.locator('nav:visible, button:visible, a:visible').count(), 'none of them is printed').toBe(0);
      await fullScreenshot(page, 'report-print-794x1123');
      // page.pdf prints with print media, as a person's "印刷する" does.
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      if (process.env.TEIAN_SCREENSHOT_DIR) await writeFile(path.join(process.env.TEIAN_SCREENSHOT_DIR, 'report.pdf'), pdf);
      const text = pdf.toString('latin1');
      const pages = text.match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
      expect(pages, 'the report fits one A4 page').toHaveLength(1);
      const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
      // A4 is 595.28 × 841.89 points (Chromium rounds the page to whole CSS pixels: 595.92 × 842.88).
      expect(box, 'the PDF names its page size').not.toBeNull();
      expect(Math.abs(Number(box![1]) - 595.28)).toBeLessThan(2);
      expect(Math.abs(Number(box![2]) - 841.89)).toBeLessThan(2);

      // The same report in English, switched on the page: the chart and the table follow the language.
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(LAPTOP);
      await page.getByRole('button', { name: 'English', exact: true }).click();
      const en = boardFlows('en').t;
      await page.getByText(en('report.title'), { exact: true }).waitFor();
      await page.getByRole('table', { name: en('report.table.caption') }).waitFor();
      await fullScreenshot(page, 'report-en-1366x768-full');

      expect(staff.pageErrors).toEqual([]);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
