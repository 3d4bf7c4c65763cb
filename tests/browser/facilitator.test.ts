/**
 * [issue 9, items 1, 3, 8, 11] The facilitator's screen in a real browser: staff start a meeting, a
 * participant joins and is seen, staff write an idea for her (scribed) that her own screen shows
 * as hers, staff name a project's supporter, close the meeting with a corrected attendance, find it
 * in the board's meeting list, and print its summary as one A4 page. axe finds nothing on the
 * panel, the QR dialog and the summary, in Japanese and English.
 *
 * Screenshots go to TEIAN_SCREENSHOT_DIR when it is set (tablet 820 × 1180, PC 1366 × 768 and
 * 1920 × 1080), and the summary's PDF beside them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Me, Meeting, Participant } from '../../shared/api';
import { boardToJson, castVote, createProject, setMeta } from '../../shared/board';
import { expectOk } from '../helpers/api-client';
import {
  boardFlows,
  browserAvailable,
  checkA11y,
  describeViolations,
  LAPTOP,
  PHONE,
  screenshot,
  useBrowserSuite,
  waitUntilLive,
  type AppLocale,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually } from '../helpers/yjs-client';

const TABLET = { width: 820, height: 1180 };
const FULL_HD = { width: 1920, height: 1080 };

async function expectAxeClean(page: Page, where: string) {
  const violations = await checkA11y(page);
  expect(violations, `${where}\n${describeViolations(violations)}`).toEqual([]);
}

describe.skipIf(!browserAvailable())('[issue 9] the facilitator’s screen', () => {
  const suite = useBrowserSuite();

  it('runs a meeting: start, a participant is seen, an idea written for her, a supporter, a corrected close, the list and the printed summary', { timeout: 120_000 }, async () => {
    const locale: AppLocale = 'ja';
    const flows = boardFlows(locale);
    const { t } = flows;
    const { api } = suite;
    const board = await api.createBoard('かいぎのボード');
    const aoi = expectOk(await api.post<Participant>('/api/participants', { displayName: 'あおい', reading: 'あおい' }));
    const ken = expectOk(await api.post<Participant>('/api/participants', { displayName: 'けん', reading: 'けん' }));
    const adminMe = expectOk(await api.get<Me>('/api/me'));

    const staff = await suite.person({ viewport: LAPTOP, locale });
    const { page } = staff;
    await flows.staffOpensBoard(page, ADMIN, board.id);
    const panel = page.getByRole('region', { name: t('facilitator.title'), exact: true });
    await panel.getByTestId('join-code').waitFor();
    expect(await panel.getByTestId('join-code').getAttribute('data-code')).toBe(board.joinCode);
    await panel.getByText(t('meetings.none'), { exact: true }).waitFor();

    // Start: one tap, and the panel says since when.
    await panel.getByRole('button', { name: t('meetings.start'), exact: true }).click();
    await panel.getByTestId('meeting-state').and(page.locator('[data-open="true"]')).waitFor();
    const [open] = expectOk(await api.get<Meeting[]>(`/api/boards/${board.id}/meetings`));
    expect(open?.closedAt).toBeNull();

    // aoi joins on her phone with her name card.
    const aoiDevice = await suite.person({ viewport: PHONE, locale });
    await aoiDevice.page.goto(`/join/${board.joinCode}`);
    await aoiDevice.page.getByRole('button', { name: 'あおい あおい' }).click();
    await aoiDevice.page.getByRole('button', { name: t('join.enter'), exact: true }).click();
    await aoiDevice.page.waitForURL('**/b/*');
    await waitUntilLive(aoiDevice.page);
    await eventually(async () => expect(expectOk(await api.get<Meeting>(`/api/meetings/${open!.id}`)).attendance).toEqual([aoi.id]));
    // A guest comes too, after the staff page was opened: the close dialog still lists her.
    const guest = await suite.person({ viewport: PHONE, locale });
    await flows.guestJoins(guest.page, board.joinCode!, 'はな');
    await eventually(async () => expect(expectOk(await api.get<Meeting>(`/api/meetings/${open!.id}`)).attendance).toHaveLength(2));
    await guest.close();

    // Staff write down what aoi said: the idea is hers on her own screen, with no mark there.
    const text = '道具に名前のシールをはる';
    await page.getByRole('button', { name: t('board.write'), exact: true }).click();
    const composer = page.getByRole('dialog');
    const forWhom = composer.getByRole('group', { name: t('onBehalf.forWhom') });
    await forWhom.getByRole('radio', { name: 'あおい', exact: true }).check();
    await composer.getByRole('radio', { name: t('onBehalf.help.scribed'), exact: true }).waitFor();
    expect(await composer.getByRole('radio', { name: t('onBehalf.help.scribed'), exact: true }).isChecked()).toBe(true);
    await composer.getByLabel(t('composer.label'), { exact: true }).fill(text);
    await composer.getByRole('heading', { name: t('onBehalf.titleFor', { name: 'あおい' }) }).waitFor();
    await screenshot(page, 'composer-on-behalf-1366x768');
    await composer.getByRole('button', { name: t('composer.post'), exact: true }).click();
    await composer.waitFor({ state: 'hidden' });
    const staffCard = page.getByRole('article', { name: text, exact: true });
    await staffCard.getByText(t('onBehalf.mark.scribed')).waitFor();
    await staffCard.getByText('あおい', { exact: true }).waitFor();
    const aoiCard = aoiDevice.page.getByRole('article', { name: text, exact: true });
    await aoiCard.getByText(t('board.you'), { exact: true }).waitFor();
    expect(await aoiCard.getByText(t('onBehalf.mark.scribed')).count()).toBe(0);

    // The document says so too: aoi's idea, entered by staff, scribed.
    const probe = connectBoard(suite.server.url, board.id, (await api.boardToken(board.id)).token);
    try {
      await probe.synced;
      await eventually(() => Object.values(boardToJson(probe.doc).ideas).some((idea) => idea.text === text));
      const idea = Object.values(boardToJson(probe.doc).ideas).find((candidate) => candidate.text === text)!;
      expect(idea).toMatchObject({ authorId: aoi.id, help: 'scribed', enteredBy: adminMe.actorId, anonymous: false });
      // A project from it (made here: making one through the UI is the tidying part's test).
      createProject(probe.doc, { id: 'p-tools', ideaId: idea.id, title: text });
      // Some votes for the summary's results.
      setMeta(probe.doc, { phase: 'vote' });
      castVote(probe.doc, adminMe.actorId, idea.id, 2);
      await eventually(() => boardToJson(probe.doc).votes[adminMe.actorId]?.[idea.id] === 2);
    } finally {
      probe.close();
    }

    // Staff name themselves the project's supporter.
    await flows.showView(page, 'projects');
    const project = page.getByRole('article', { name: text });
    const supporter = project.getByLabel(t('supporter.choose', { title: text }), { exact: true });
    await supporter.selectOption({ label: adminMe.name });
    await page.getByText(t('supporter.set'), { exact: true }).waitFor();
    await eventually(async () => {
      const summary = expectOk(await api.get<{ board: { projects: Record<string, { supporterId: string }> } }>(`/api/meetings/${open!.id}/summary`));
      expect(summary.board.projects['p-tools']?.supporterId).toBe(adminMe.actorId);
    });
    await flows.showView(page, 'ideas');

    // Screenshots of the facilitator's screen; the QR dialog; axe on both.
    await screenshot(page, 'facilitator-pc-1366x768');
    await expectAxeClean(page, 'the facilitator screen, PC');
    await panel.getByRole('button', { name: t('facilitator.showQr'), exact: true }).click();
    const qr = page.getByRole('dialog', { name: t('facilitator.qrTitle') });
    await qr.getByRole('img', { name: t('facilitator.qrLabel', { code: board.joinCode! }) }).waitFor();
    expect(await qr.getByTestId('qr-code').getAttribute('data-value')).toBe(`${suite.server.url}/join/${board.joinCode}`);
    await screenshot(page, 'facilitator-qr-1366x768');
    await expectAxeClean(page, 'the QR dialog');
    await qr.getByRole('button', { name: t('common.close'), exact: true }).click();
    await qr.waitFor({ state: 'hidden' });
    await page.setViewportSize(FULL_HD);
    await screenshot(page, 'facilitator-pc-1920x1080');
    await page.setViewportSize(TABLET);
    await page.evaluate(() => scrollTo({ top: 0 }));
    await screenshot(page, 'facilitator-tablet-820x1180');
    await expectAxeClean(page, 'the facilitator screen, tablet');
    // On a tablet the tools fold away for more ideas; the meeting, the code and the QR stay.
    const phases = page.getByRole('group', { name: t('meeting.phase'), exact: true });
    await panel.getByRole('button', { name: t('facilitator.fold'), exact: true }).click();
    await phases.waitFor({ state: 'hidden' });
    await panel.getByRole('button', { name: t('facilitator.showQr'), exact: true }).waitFor();
    await screenshot(page, 'facilitator-tablet-folded-820x1180');
    await panel.getByRole('button', { name: t('facilitator.unfold'), exact: true }).click();
    await phases.waitFor();

    // Close: ken was there too (on aoi's tablet, say); staff tick him, and untick the guest.
    await panel.getByRole('button', { name: t('meetings.close'), exact: true }).click();
    const closing = page.getByRole('dialog', { name: t('meetings.closeTitle') });
    const aoiBox = closing.getByRole('checkbox', { name: /あおい/ });
    await aoiBox.waitFor();
    expect(await aoiBox.isChecked()).toBe(true);
    expect(await closing.getByRole('checkbox', { name: /はな/ }).isChecked()).toBe(true);
    expect(await closing.getByRole('checkbox', { name: /けん/ }).isChecked()).toBe(false);
    // はな only looked in by mistake: staff untick her.
    await closing.getByRole('checkbox', { name: /けん/ }).check();
    await closing.getByRole('checkbox', { name: /はな/ }).uncheck();
    await closing.getByRole('group', { name: t('meetings.attendance', { count: 2 }) }).waitFor();
    await screenshot(page, 'facilitator-close-tablet-820x1180');
    await expectAxeClean(page, 'the attendance dialog');
    await closing.getByRole('button', { name: t('meetings.closeConfirm'), exact: true }).click();
    await closing.waitFor({ state: 'hidden' });
    await panel.getByText(t('meetings.none'), { exact: true }).waitFor();
    const closed = expectOk(await api.get<Meeting>(`/api/meetings/${open!.id}`));
    expect(closed.closedAt).not.toBeNull();
    expect([...closed.attendance].sort()).toEqual([aoi.id, ken.id].sort());

    // The board's meeting list shows it (folded away on a tablet: one tap opens it; this page
    // was opened on a PC, where it starts open).
    const more = panel.locator('details.more');
    if (!(await more.evaluate((details: HTMLDetailsElement) => details.open))) await panel.getByText(t('facilitator.more'), { exact: true }).click();
    const row = panel.locator(`[data-meeting-id="${closed.id}"]`);
    await row.getByText(t('meetings.attended', { count: 2 }), { exact: true }).waitFor();
    await screenshot(page, 'facilitator-list-tablet-820x1180');

    // The summary: open it from the panel, check it, print it as one A4 page.
    await page.setViewportSize(LAPTOP);
    await panel.getByRole('link', { name: t('meetings.summary'), exact: true }).click();
    await page.waitForURL(`**/staff/meetings/${closed.id}/summary`);
    const sheet = page.getByRole('article', { name: 'かいぎのボード' });
    await sheet.waitFor();
    await sheet.getByRole('heading', { name: t('summary.projects'), exact: true }).waitFor();
    await sheet.getByText(t('summary.lead', { name: t('summary.nobodyYet') }), { exact: true }).waitFor();
    await sheet.getByText(t('summary.supporter', { name: adminMe.name }), { exact: true }).waitFor();
    const results = sheet.getByRole('table');
    await results.getByRole('row', { name: `${t('summary.rankN', { rank: 1 })} ${text}` }).waitFor();
    await sheet.getByText(text).first().waitFor();
    await screenshot(page, 'summary-1366x768');
    await expectAxeClean(page, 'the summary page');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // One page: the sheet fits A4.
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
    if (process.env.TEIAN_SCREENSHOT_DIR) await writeFile(path.join(process.env.TEIAN_SCREENSHOT_DIR, 'summary.pdf'), pdf);

    expect(staff.pageErrors).toEqual([]);
    expect(aoiDevice.pageErrors).toEqual([]);
  });

  it('passes axe in English: the panel, the QR dialog and the summary', { timeout: 60_000 }, async () => {
    const flows = boardFlows('en');
    const { t } = flows;
    const board = await suite.api.createBoard('Meeting board');
    const meeting = expectOk(await suite.api.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const staff = await suite.person({ viewport: TABLET, locale: 'en' });
    const { page } = staff;
    await flows.staffOpensBoard(page, ADMIN, board.id);
    const panel = page.getByRole('region', { name: t('facilitator.title'), exact: true });
    await panel.getByTestId('meeting-state').and(page.locator('[data-open="true"]')).waitFor();
    await expectAxeClean(page, 'the facilitator screen (en)');
    await panel.getByRole('button', { name: t('facilitator.showQr'), exact: true }).click();
    await page.getByRole('dialog', { name: t('facilitator.qrTitle') }).getByTestId('qr-code').waitFor();
    await expectAxeClean(page, 'the QR dialog (en)');

    expectOk(await suite.api.post<Meeting>(`/api/meetings/${meeting.id}/close`, { attendance: [] }));
    await page.goto(`/staff/meetings/${meeting.id}/summary`);
    await page.getByRole('article', { name: 'Meeting board' }).getByText(t('summary.noIdeas'), { exact: true }).waitFor();
    await expectAxeClean(page, 'the summary page (en)');
    expect(staff.pageErrors).toEqual([]);
  });
});
