/**
 * [issue 9, items 4 and 5] The meeting timer and the phases, in a real browser.
 *
 * Staff run the timer from the facilitator's panel; a participant on a phone whose clock is five
 * minutes ahead (Date shifted in the page before any script runs) shows the same second, because
 * both count against the server's clock (docs/protocol.md "The meeting timer"). Pause, resume,
 * +1 minute and clearing reach every screen; the end says 「時間です」 and takes nothing away. Each
 * phase shows its banner and offers only its actions; going back a phase asks first.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readMeta } from '../../shared/board';
import { restoreTimer, startTimer } from '../../shared/timer';
import {
  boardFlows,
  browserAvailable,
  checkA11y,
  describeViolations,
  screenshot,
  useBrowserSuite,
  type AppLocale,
  type Viewport,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard } from '../helpers/yjs-client';

const PHONE_360: Viewport = { width: 360, height: 740 };
const TABLET: Viewport = { width: 820, height: 1180 };
const FIVE_MINUTES = 5 * 60_000;

/** This device's clock runs `shiftMs` ahead: Date.now() and new Date() alike, from the first script on. */
async function skewClock(context: BrowserContext, shiftMs: number): Promise<void> {
  await context.addInitScript((shift) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: ConstructorParameters<DateConstructor> | []) {
        if (args.length === 0) super(RealDate.now() + shift);
        else super(...(args as ConstructorParameters<DateConstructor>));
      }
      static override now(): number {
        return RealDate.now() + shift;
      }
    }
    window.Date = SkewedDate as DateConstructor;
  }, shiftMs);
}

/** The header's timer: every screen has one while a timer is set. */
const headerTimer = (page: Page): Locator => page.locator('header [data-testid="timer"]');

async function shownSeconds(page: Page): Promise<number> {
  return Number(await headerTimer(page).getAttribute('data-seconds'));
}

/** Both screens at (nearly) the same moment: the seconds they show differ by at most one. */
async function expectSameSecond(a: Page, b: Page): Promise<number> {
  const [x, y] = await Promise.all([shownSeconds(a), shownSeconds(b)]);
  expect(Math.abs(x - y), `one screen shows ${x} s, the other ${y} s`).toBeLessThanOrEqual(1);
  return x;
}

async function expectAxeClean(page: Page) {
  const violations = await checkA11y(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** The header's height: a timer must not make a phone's header taller (issue 12). */
async function headerHeight(page: Page): Promise<number> {
  return page.locator('header.board-header').evaluate((element) => element.getBoundingClientRect().height);
}

describe.skipIf(!browserAvailable())('the meeting timer and the phases', () => {
  const suite = useBrowserSuite();

  async function meeting(locale: AppLocale, title: string, { skewMs = 0 } = {}) {
    const flows = boardFlows(locale);
    const board = await suite.api.createBoard(title, { voteBudget: 3 });
    const [staff, hana] = await Promise.all([
      suite.person({ viewport: TABLET, locale }),
      suite.person({ viewport: PHONE_360, locale }),
    ]);
    if (skewMs) await skewClock(hana.context, skewMs);
    // Two cores shared by several suites: a cold first page load can take a while.
    for (const someone of [staff, hana]) someone.context.setDefaultNavigationTimeout(30_000);
    await Promise.all([flows.staffOpensBoard(staff.page, ADMIN, board.id), flows.guestJoins(hana.page, board.joinCode!, 'はな')]);
    const controls = staff.page.getByRole('region', { name: flows.t('timer.title'), exact: true });
    return { flows, t: flows.t, board, staff, hana, controls };
  }

  it('shows the same second on a device five minutes off; pause, resume, +1 minute and clearing reach every screen', { timeout: 90_000 }, async () => {
    const { t, staff, hana, controls } = await meeting('ja', 'タイマーのボード', { skewMs: FIVE_MINUTES });
    // The device really is five minutes ahead.
    const skew = (await hana.page.evaluate(() => Date.now())) - Date.now();
    expect(Math.abs(skew - FIVE_MINUTES)).toBeLessThan(2_000);
    expect(await headerTimer(hana.page).count()).toBe(0);

    await controls.getByRole('button', { name: t('timer.minutes', { count: 3 }), exact: true }).click();
    // Counted against its own clock, the phone would say the time was long up; it counts on.
    await headerTimer(hana.page).and(hana.page.locator('[data-state="running"]')).waitFor();
    await headerTimer(staff.page).and(staff.page.locator('[data-state="running"]')).waitFor();
    const started = await expectSameSecond(staff.page, hana.page);
    expect(started).toBeGreaterThan(170);
    expect(started).toBeLessThanOrEqual(180);
    await headerTimer(staff.page).getByText(t('timer.left', { time: '' }).trim(), { exact: true }).waitFor();

    // Pause: both stand still on the very same second.
    await controls.getByRole('button', { name: t('timer.pause'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-state="paused"]')).waitFor();
    await headerTimer(staff.page).getByText(t('timer.paused'), { exact: true }).waitFor();
    await headerTimer(staff.page).and(staff.page.locator('[data-state="paused"]')).waitFor();
    const paused = await shownSeconds(staff.page);
    expect(await shownSeconds(hana.page)).toBe(paused);

    // +1 minute while paused, then resume.
    await controls.getByRole('button', { name: t('timer.addMinute'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator(`[data-seconds="${paused + 60}"]`)).waitFor();
    await controls.getByRole('button', { name: t('timer.resume'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-state="running"]')).waitFor();
    const resumed = await expectSameSecond(staff.page, hana.page);
    expect(resumed).toBeGreaterThan(paused + 50);
    expect(resumed).toBeLessThanOrEqual(paused + 61);

    // +1 minute while running.
    await controls.getByRole('button', { name: t('timer.addMinute'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-seconds]')).waitFor();
    await expect.poll(() => shownSeconds(hana.page)).toBeGreaterThan(resumed + 50);
    await expectSameSecond(staff.page, hana.page);

    // Clearing asks nothing and can be undone; it reaches the phone both ways.
    await controls.getByRole('button', { name: t('timer.stop'), exact: true }).click();
    await headerTimer(hana.page).waitFor({ state: 'detached' });
    await controls.getByRole('button', { name: t('timer.undo'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-state="running"]')).waitFor();
    await expectSameSecond(staff.page, hana.page);
    await controls.getByRole('button', { name: t('timer.stop'), exact: true }).click();
    await headerTimer(hana.page).waitFor({ state: 'detached' });
    await headerTimer(staff.page).waitFor({ state: 'detached' });

    for (const someone of [staff, hana]) expect(someone.pageErrors).toEqual([]);
  });

  it('ends gently: 「時間です」, and the composer still opens and posts', { timeout: 60_000 }, async () => {
    const { t, flows, board, staff, hana } = await meeting('ja', 'おわりのボード', { skewMs: -FIVE_MINUTES });
    // A staff client starts a minute, then brings its end to two seconds from now (the panel's
    // shortest is a minute); the phone sees it running first, then run out.
    const client = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    try {
      await client.synced;
      startTimer(client.doc, { durationMs: 60_000, label: '', now: Date.now() });
      await headerTimer(hana.page).and(hana.page.locator('[data-state="running"]')).waitFor();
      const timer = readMeta(client.doc).timer;
      restoreTimer(client.doc, { ...timer, endsAt: Math.ceil((Date.now() + 2_000) / 1000) * 1000 });
      await headerTimer(hana.page).and(hana.page.locator('[data-state="ended"]')).waitFor();
    } finally {
      client.close();
    }
    await headerTimer(hana.page).getByText(t('timer.ended'), { exact: true }).waitFor();
    await headerTimer(staff.page).and(staff.page.locator('[data-state="ended"]')).waitFor();
    await staff.page.getByTestId('facilitator-panel').getByText(t('timer.endedHint'), { exact: true }).waitFor();
    // Said once to screen readers, not shouted.
    await hana.page.getByRole('status').getByText(t('timer.announceEnded'), { exact: true }).waitFor();
    // Nothing on the phone is disabled, and writing goes on.
    expect(await hana.page.locator(':disabled, [aria-disabled="true"]').count()).toBe(0);
    await flows.postIdea(hana.page, '時間のあとで書いたアイデア');
    await staff.page.getByRole('article', { name: '時間のあとで書いたアイデア', exact: true }).waitFor();
    for (const someone of [staff, hana]) expect(someone.pageErrors).toEqual([]);
  });

  it('each phase shows its banner and offers its actions; going back a phase asks first', { timeout: 90_000 }, async () => {
    const { t, flows, staff, hana } = await meeting('ja', 'すすみかたのボード');
    const banner = hana.page.getByTestId('phase-banner');
    const write = hana.page.getByRole('button', { name: t('board.write'), exact: true });
    const voteButtons = hana.page.getByRole('button', { name: t('board.vote'), exact: true });
    const stepper = staff.page.getByRole('group', { name: t('meeting.phase'), exact: true });

    // Collect: write ideas; no vote buttons yet.
    await banner.getByText(t('phase.banner.collect'), { exact: true }).waitFor();
    await hana.page.getByText(t('board.phaseLabel', { phase: t('board.phase.collect') }), { exact: true }).waitFor();
    await flows.postIdea(hana.page, '道具の場所に絵をはる');
    expect(await voteButtons.count()).toBe(0);
    // Staff see no participant banner: they have the panel.
    expect(await staff.page.getByTestId('phase-banner').count()).toBe(0);

    // Vote: dots to place, and the banner counts them; no composer.
    await flows.setPhase(staff.page, 'vote');
    await banner.getByText(t('phase.banner.vote', { count: 3 }), { exact: true }).waitFor();
    await hana.page.getByRole('status').getByText(t('phase.banner.vote', { count: 3 }), { exact: true }).waitFor();
    await write.waitFor({ state: 'detached' });
    await voteButtons.first().click();
    await banner.getByText(t('phase.banner.vote', { count: 2 }), { exact: true }).waitFor();

    // Going back asks first; "cancel" leaves the phase as it was.
    await stepper.getByRole('button', { name: t('board.phase.collect'), exact: true }).click();
    const question = staff.page.getByText(t('phase.backQuestion', { phase: t('board.phase.collect') }), { exact: true });
    await question.waitFor();
    expect(await stepper.getByRole('button', { name: t('board.phase.vote'), exact: true, pressed: true }).count()).toBe(1);
    await staff.page.getByRole('button', { name: t('common.cancel'), exact: true }).click();
    await question.waitFor({ state: 'detached' });
    await stepper.getByRole('button', { name: t('board.phase.collect'), exact: true }).click();
    await staff.page.getByRole('button', { name: t('phase.backConfirm'), exact: true }).click();
    await stepper.getByRole('button', { name: t('board.phase.collect'), exact: true, pressed: true }).waitFor();
    await banner.getByText(t('phase.banner.collect'), { exact: true }).waitFor();
    await write.waitFor();
    await flows.setPhase(staff.page, 'vote');
    await banner.getByText(t('phase.banner.vote', { count: 2 }), { exact: true }).waitFor();

    // Projects: choose one; neither composer nor vote buttons, and the projects view opens.
    await flows.setPhase(staff.page, 'projects');
    await banner.getByText(t('phase.banner.projects'), { exact: true }).waitFor();
    await hana.page.getByRole('button', { name: t('board.view.projects'), exact: true, pressed: true }).waitFor();
    await flows.showView(hana.page, 'ideas');
    expect(await voteButtons.count()).toBe(0);
    expect(await write.count()).toBe(0);

    // Closed: a thank-you, and nothing to write or vote with.
    await flows.setPhase(staff.page, 'closed');
    await banner.getByText(t('phase.banner.closed'), { exact: true }).waitFor();
    await hana.page.getByRole('status').getByText(t('phase.banner.closed'), { exact: true }).waitFor();
    expect(await voteButtons.count()).toBe(0);
    expect(await write.count()).toBe(0);
    for (const someone of [staff, hana]) expect(someone.pageErrors).toEqual([]);
  });

  it.each(['ja', 'en'] as const)('is axe-clean with a timer running and the banner, and the phone header stays small (%s)', { timeout: 60_000 }, async (locale) => {
    const { t, flows, staff, hana, controls } = await meeting(locale, locale === 'ja' ? 'みんなの改善ボード' : 'Our improvement board');
    await flows.postIdea(hana.page, locale === 'ja' ? '箱に番号をかく' : 'Number the boxes');
    await flows.setPhase(staff.page, 'vote');
    const withoutTimer = await headerHeight(hana.page);
    await controls.getByLabel(t('timer.labelLabel'), { exact: true }).fill(locale === 'ja' ? '投票' : 'Voting');
    await controls.getByRole('button', { name: t('timer.minutes', { count: 5 }), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-state="running"]')).waitFor();
    await hana.page.getByTestId('phase-banner').getByText(t('phase.banner.vote', { count: 3 }), { exact: true }).waitFor();

    await expectAxeClean(hana.page);
    await expectAxeClean(staff.page);
    await screenshot(hana.page, `timer-participant-${locale}-360x740`);
    // The timer sits beside the title: the phone's header grows by no line.
    expect(await headerHeight(hana.page)).toBeLessThanOrEqual(withoutTimer + 4);
    await controls.scrollIntoViewIfNeeded();
    await screenshot(staff.page, `timer-staff-${locale}-820x1180`);

    await controls.getByRole('button', { name: t('timer.pause'), exact: true }).click();
    await headerTimer(hana.page).and(hana.page.locator('[data-state="paused"]')).waitFor();
    await expectAxeClean(hana.page);
    await expectAxeClean(staff.page);
    await screenshot(staff.page, `timer-staff-paused-${locale}-820x1180`);
    for (const someone of [staff, hana]) expect(someone.pageErrors).toEqual([]);
  });
});
