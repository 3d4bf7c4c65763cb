/**
 * [issue 12, "must show"] axe-core, every rule (best practices and experimental ones included, and
 * AAA's 7:1 contrast in the high-contrast theme), finds nothing on any page — join, the board
 * (collecting, voting, the display menu and the composer open, the projects view), the staff
 * sign-in, the staff page and its roster, the facilitator's screen, the projector, the name cards,
 * the board's history, an idea's timeline, a participant's report and a meeting's summary — in
 * Japanese and English, with furigana on and off, in the high-contrast theme and at 200% text size.
 * With furigana on, the ideas' kanji carry <ruby>.
 *
 * The whole cross product would take most of CI's time, so each variant below changes one or two
 * things from the Japanese default, and the last one stacks everything on a phone. One server and
 * one board for the whole file: every variant looks at the same content.
 *
 * The last test goes through a phone at 200% and at 100% with furigana on (join, board, composer,
 * projects): nothing may scroll sideways. With TEIAN_SCREENSHOT_DIR set it saves each screen.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardToken, Board, Me, Meeting, Participant } from '../../shared/api';
import { addIdea, addStep, castVote, createProject, giveThanks, setLead, setMeta, tickStep } from '../../shared/board';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { ApiClient, expectOk } from '../helpers/api-client';
import { checkAllRules, setDisplay, type DisplayChoice } from '../helpers/axe';
import {
  boardFlows,
  browserAvailable,
  describeViolations,
  LAPTOP,
  screenshot,
  setAppLocale,
  useBrowserSuite,
  waitUntilLive,
  type AppLocale,
  type Viewport,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually, type BoardClient } from '../helpers/yjs-client';

/** The phone the participants' screens are designed for first (participant-layout.test.ts). */
const PHONE: Viewport = { width: 360, height: 740 };
const PROJECTOR: Viewport = { width: 1280, height: 720 };

interface Variant extends DisplayChoice {
  name: string;
  locale: AppLocale;
  /** Staff and projector pages on the phone too, not only the participant's. */
  phoneOnly?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'ja', locale: 'ja' },
  { name: 'en', locale: 'en' },
  { name: 'ja, furigana', locale: 'ja', furigana: 'all' },
  { name: 'ja, high contrast', locale: 'ja', contrast: 'high' },
  { name: 'ja, 200%', locale: 'ja', textSize: 2 },
  { name: 'en, high contrast, 200%', locale: 'en', contrast: 'high', textSize: 2 },
  { name: 'phone: ja, furigana, high, 200%', locale: 'ja', furigana: 'all', contrast: 'high', textSize: 2, phoneOnly: true },
];

/** Kanji in each, so furigana has something to do; ordinary workshop ideas. */
const IDEAS = {
  numbers: { id: 'numbers', text: '箱に番号を書く', category: 'packing' },
  rest: { id: 'rest', text: '休けいの時間を決める', category: 'other' },
  song: { id: 'song', text: 'お昼の前に手を洗う歌を流す', category: 'cooking' },
  map: { id: 'map', text: '配達の地図を大きくする', category: 'delivery' },
} as const;
const PROJECT = { id: 'seal', title: '色のシールを箱にはる', steps: [{ id: 'buy', text: 'シールを買う' }, { id: 'stick', text: '箱にはる' }] };
const HANA = { displayName: '田中 花子', reading: 'たなか はなこ', avatar: '🌷' };

interface Scene {
  board: Board;
  hana: Participant;
  meeting: Meeting;
  staff: BoardClient;
}

describe.skipIf(!browserAvailable())('[issue 12] axe on every page, in every display', () => {
  const suite = useBrowserSuite();
  let scene: Scene;
  const clients: BoardClient[] = [];

  beforeAll(async () => {
    const { api } = suite;
    const board = await api.createBoard('作業の改善ボード', { voteBudget: 3, allowGuests: true });
    const hana = expectOk(await api.post<Participant>('/api/participants', HANA));
    expectOk(await api.post<Participant>('/api/participants', { displayName: '山本 健', reading: 'やまもと けん', avatar: '🐶' }));
    const hanaApi = new ApiClient(suite.server.url);
    const hanaMe = expectOk(await hanaApi.post<Me>('/api/join', { code: board.joinCode, participantId: hana.id }));
    const staffMe = expectOk(await api.get<Me>('/api/me'));
    const meeting = expectOk(await api.post<Meeting>(`/api/boards/${board.id}/meetings`, {}));
    const [hanaSide, staff] = await Promise.all(
      [hanaApi, api].map(async (client) => {
        const connected = connectBoard(suite.server.url, board.id, (await client.boardToken(board.id)).token);
        clients.push(connected);
        await connected.synced;
        return connected;
      }),
    );
    const start = Date.now() - 60_000;
    for (const [index, idea] of Object.values(IDEAS).entries()) {
      addIdea(hanaSide!.doc, { id: idea.id, text: idea.text, category: idea.category, authorId: hanaMe.actorId, createdAt: start + index * 1000 });
    }
    giveThanks(staff!.doc, staffMe.actorId, IDEAS.numbers.id);
    setMeta(staff!.doc, { phase: 'vote' });
    await eventually(() => expect(hanaSide!.doc.getMap('meta').get('phase')).toBe('vote'));
    castVote(hanaSide!.doc, hanaMe.actorId, IDEAS.rest.id, 2);
    createProject(staff!.doc, { id: PROJECT.id, ideaId: IDEAS.numbers.id, title: PROJECT.title });
    for (const step of PROJECT.steps) addStep(staff!.doc, PROJECT.id, step);
    await eventually(() => expect(hanaSide!.doc.getMap('projects').get(PROJECT.id)).toBeDefined());
    setLead(hanaSide!.doc, PROJECT.id, hanaMe.actorId);
    tickStep(hanaSide!.doc, PROJECT.id, 'buy', hanaMe.actorId, true);
    // The report and the timeline read the event log: wait until the last change is in it.
    await eventually(async () => {
      const { events } = expectOk(await api.get<{ events: { type: string }[] }>(`/api/boards/${board.id}/events?projectId=${PROJECT.id}`));
      expect(events.map((event) => event.type)).toContain('step.done');
    });
    expectOk(await api.post(`/api/boards/${board.id}/snapshots`, { label: '会議の前' }));
    expectOk(await api.post<Meeting>(`/api/meetings/${meeting.id}/close`, { attendance: [hanaMe.actorId] }));
    scene = { board, hana, meeting, staff: staff! };
  });
  afterAll(() => {
    for (const client of clients.splice(0)) client.close();
  });

  async function device(browser: Browser, variant: Variant, viewport: Viewport): Promise<{ context: BrowserContext; page: Page }> {
    // No offline service worker, as in newPerson (PersonOptions.offlineShell): axe reads the pages.
    const context = await browser.newContext({ baseURL: suite.server.url, viewport, locale: variant.locale === 'en' ? 'en-US' : 'ja-JP', serviceWorkers: 'block' });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(30_000);
    await setAppLocale(context, variant.locale);
    await setDisplay(context, variant);
    return { context, page: await context.newPage() };
  }

  /** Moves the live board to `phase` and waits until the staff's own copy says so. */
  async function phase(value: 'collect' | 'vote'): Promise<void> {
    setMeta(scene.staff.doc, { phase: value });
    await eventually(() => expect(scene.staff.doc.getMap('meta').get('phase')).toBe(value));
  }

  describe.each(VARIANTS)('$name', (variant) => {
    const { t, showView } = boardFlows(variant.locale);
    const contexts: BrowserContext[] = [];
    afterAll(async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });

    /** What axe found, page by page; one assertion at the end, so a run lists every page's findings. */
    const found: string[] = [];
    async function axe(page: Page, where: string): Promise<void> {
      const violations = await checkAllRules(page, { enhancedContrast: variant.contrast === 'high' });
      if (violations.length) found.push(`${where}:\n${describeViolations(violations)}`);
    }
    /** A new device of `viewport`'s size, or the phone's in a phone variant unless `keepSize`. */
    const open = async (viewport: Viewport, keepSize = false) => {
      const opened = await device(suite.browser, variant, variant.phoneOnly && !keepSize ? PHONE : viewport);
      contexts.push(opened.context);
      return opened.page;
    };

    it('the participant’s pages', { timeout: 120_000 }, async () => {
      found.length = 0;
      const { board } = scene;
      await phase('collect');
      const page = await open(PHONE);
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));

      await page.goto(`/join/${board.joinCode}`);
      const card = page.getByRole('button', { name: new RegExp(`^${HANA.displayName}`) });
      await card.waitFor();
      await axe(page, 'join');
      await card.click();
      await page.getByRole('button', { name: t('join.enter'), exact: true }).click();
      await page.waitForURL('**/b/*');
      await waitUntilLive(page);

      // The newest idea: the list draws only the rows in view, and it comes first.
      const idea = page.getByRole('article', { name: IDEAS.map.text, exact: true });
      // At 200% the header and the phase's banner can fill the first screen: scroll to the list.
      await page.locator('[data-testid="phase-banner"][data-phase="collect"]').waitFor();
      await page.locator('.idea-list').first().scrollIntoViewIfNeeded();
      await idea.waitFor();
      if (variant.furigana === 'all' && variant.locale === 'ja') {
        // The readings come from the server's analyser: the idea's own text (what names its card,
        // not the buttons' words) shows them once they have arrived.
        const ruby = page.locator(`[id="${await idea.getAttribute('aria-labelledby')}"] ruby`);
        await ruby
          .first()
          .waitFor({ timeout: 5000 })
          .catch(() => found.push(`furigana: no <ruby> in the text of 「${IDEAS.map.text}」`));
        if ((await ruby.count()) > 0) expect(await ruby.first().locator('rt').textContent()).toMatch(/^[\u3040-\u309f]+$/);
        if ((await page.locator('header ruby').count()) === 0) found.push('furigana: no <ruby> in the board’s header (UI words)');
      }
      await axe(page, 'board, collecting');

      await page.getByRole('button', { name: t('display.menu'), exact: true }).click();
      await page.locator('.display-panel input').first().waitFor();
      await axe(page, 'board, display menu open');
      await page.keyboard.press('Escape');
      await page.locator('.display-panel').waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: t('board.write'), exact: true }).click();
      const composer = page.getByRole('dialog');
      await composer.getByLabel(t('composer.label'), { exact: true }).waitFor();
      const category = DEFAULT_CATEGORIES.find((c) => c.id === 'delivery')!.label[variant.locale];
      // By keyboard: at 200% with furigana on a phone the row of tiles never holds still for a tap.
      await composer.getByRole('radio', { name: category, exact: true }).focus();
      await page.keyboard.press('Space');
      await composer.getByRole('radio', { name: category, exact: true, checked: true }).waitFor({ state: 'attached' });
      await axe(page, 'board, composer open');
      await page.keyboard.press('Escape');
      await composer.waitFor({ state: 'hidden' });

      await phase('vote');
      await page.locator('[data-testid="phase-banner"][data-phase="vote"]').waitFor();
      await page.getByTestId('dots-left').waitFor();
      await axe(page, 'board, voting');

      await showView(page, 'projects');
      await page.getByRole('article', { name: PROJECT.title }).waitFor();
      await axe(page, 'projects view');

      expect(errors).toEqual([]);
      expect(found.join('\n\n')).toBe('');
    });

    it('the staff’s pages and the projector', { timeout: 120_000 }, async () => {
      found.length = 0;
      const { board, hana, meeting } = scene;
      await phase('vote');
      const page = await open(LAPTOP);
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));

      await page.goto('/staff/login');
      await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
      await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
      await axe(page, 'staff sign-in');
      await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
      await page.waitForURL('**/staff');
      await page.getByRole('heading', { name: t('staff.roster.title'), level: 2 }).waitFor();
      await axe(page, 'staff page');

      await page.getByRole('button', { name: t('roster.edit.openNamed', { name: HANA.displayName }), exact: true }).click();
      await page.getByRole('group', { name: t('roster.edit.title', { name: HANA.displayName }), exact: true }).waitFor();
      await axe(page, 'roster, a name card open');

      await page.goto(`/staff/name-cards?board=${board.id}`);
      await page.getByRole('region', { name: t('nameCards.sheet'), exact: true }).getByRole('img').first().waitFor();
      await axe(page, 'name cards');

      await page.goto(`/b/${board.id}`);
      await waitUntilLive(page);
      await page.getByRole('region', { name: t('facilitator.title'), exact: true }).getByTestId('join-code').waitFor();
      await showView(page, 'ideas');
      // The list draws the rows it has in view; under the panel, on a phone at 200%, that may be none.
      await page.locator('.idea-list').first().waitFor({ state: 'attached' });
      await axe(page, 'facilitator’s screen');

      await page.goto(`/staff/boards/${board.id}/history`);
      await page.getByTestId('board-as-of').getByRole('article', { name: IDEAS.rest.text, exact: true }).waitFor();
      await axe(page, 'board history');

      await page.goto(`/staff/boards/${board.id}/ideas/${IDEAS.numbers.id}`);
      await page.getByRole('heading', { level: 1, name: IDEAS.numbers.text }).waitFor();
      await page.locator('li.entry[data-type="project.created"]').waitFor();
      await axe(page, 'idea timeline');

      await page.goto(`/staff/participants/${hana.id}/report`);
      await page.locator('li[data-tile="ideasIndependent"]').waitFor();
      await axe(page, 'participant report');

      await page.goto(`/staff/meetings/${meeting.id}/summary`);
      await page.getByRole('heading', { level: 1, name: board.title }).waitFor();
      await axe(page, 'meeting summary');

      const { token } = expectOk(await suite.api.post<BoardToken>(`/api/boards/${board.id}/viewer-token`));
      // A projector is never a phone: at a phone's width the join panel leaves the ideas no room.
      const projector = await open(PROJECTOR, true);
      projector.on('pageerror', (error) => errors.push(error));
      await projector.goto(`/b/${board.id}/present#token=${encodeURIComponent(token)}`);
      await projector.locator('[data-testid="present"][data-phase="vote"]').waitFor();
      await projector.locator('[data-testid="present-ideas"], [data-testid="present-results"]').first().waitFor();
      await axe(projector, 'projector');

      expect(errors).toEqual([]);
      expect(found.join('\n\n')).toBe('');
    });
  });

  it('at 200% with furigana on a phone nothing scrolls sideways (screenshots to look at)', { timeout: 60_000 }, async () => {
    const { board } = scene;
    const { t, showView } = boardFlows('ja');
    await phase('collect');
    const sideways: string[] = [];
    /** Saves the screen and notes it when the page is wider than the phone (WCAG 1.4.10, reflow). */
    const look = async (page: Page, name: string) => {
      const wide = await page.evaluate(() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth + 1) return null;
        // The culprits: elements that end past the edge while none of their children do.
        const past = (element: Element) => element.getBoundingClientRect().right > root.clientWidth + 1;
        const culprits = [...document.body.querySelectorAll('*')].filter((element) => past(element) && ![...element.children].some(past));
        return `${root.scrollWidth} > ${root.clientWidth}: ${culprits.slice(0, 3).map((element) => element.outerHTML.slice(0, 160)).join(' | ')}`;
      });
      if (wide) sideways.push(`${name}: ${wide}`);
      await screenshot(page, name);
    };
    for (const textSize of [2, 1] as const) {
      const size = textSize === 2 ? '200' : '100';
      const { context, page } = await device(suite.browser, { name: 'shots', locale: 'ja', furigana: 'all', textSize }, PHONE);
      try {
        await page.goto(`/join/${board.joinCode}`);
        const card = page.getByRole('button', { name: new RegExp(`^${HANA.displayName}`) });
        await card.waitFor();
        await look(page, `a11y-join-${size}-furigana-360x740`);
        await card.click();
        await page.getByRole('button', { name: t('join.enter'), exact: true }).click();
        await page.waitForURL('**/b/*');
        await waitUntilLive(page);
        await page.locator('.idea-list').first().scrollIntoViewIfNeeded();
        const text = page.locator(`[id="${await page.getByRole('article', { name: IDEAS.map.text, exact: true }).getAttribute('aria-labelledby')}"]`);
        await text.locator('ruby').first().waitFor({ timeout: 5000 }).catch(() => undefined);
        await page.evaluate(() => scrollTo({ top: 0 }));
        await look(page, `a11y-board-${size}-furigana-360x740`);
        await text.evaluate((element) => element.closest('article')!.scrollIntoView({ block: 'start' }));
        await look(page, `a11y-board-${size}-furigana-360x740-ideas`);
        await page.getByRole('button', { name: t('board.write'), exact: true }).click();
        await page.getByRole('dialog').getByLabel(t('composer.label'), { exact: true }).fill('ごみの日を大きく書いて入口にはる');
        await look(page, `a11y-composer-${size}-furigana-360x740`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'hidden' });
        await showView(page, 'projects');
        const project = page.getByRole('article', { name: PROJECT.title });
        await project.evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await look(page, `a11y-projects-${size}-furigana-360x740`);
      } finally {
        await context.close();
      }
    }
    expect(sideways).toEqual([]);
  });
});
