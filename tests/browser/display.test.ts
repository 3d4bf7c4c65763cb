/**
 * [issue 12, item 4] Seeing and moving, in a real browser: the header's display menu (its choices
 * apply at once, are kept on the device, and work from the keyboard), 200% text on a phone and a
 * laptop without anything lost, the high-contrast theme at 7:1, every participant target at least
 * 44 × 44 px, no motion when the device asks for none, no dragging anywhere, and a meeting timer that
 * runs out without taking a draft away.
 *
 * With TEIAN_SCREENSHOT_DIR set, it saves the participant's pages at 200% with furigana on a phone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { addIdea, addStep, boardRoots, createProject, readIdea, readMeta, setMeta } from '../../shared/board';
import type { Board, BoardToken } from '../../shared/api';
import { restoreTimer, startTimer } from '../../shared/timer';
import { expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, screenshot, useBrowserSuite, waitUntilLive, type Person, type Viewport } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, eventually, type BoardClient } from '../helpers/yjs-client';

const PHONE_360: Viewport = { width: 360, height: 740 };
const LAPTOP_1280: Viewport = { width: 1280, height: 800 };
const { t, ...flows } = boardFlows('ja');

const IDEAS = [
  { id: 'numbers', text: '箱に番号を書く', category: 'packing' },
  { id: 'song', text: 'お昼の前に手を洗う歌を流す', category: 'cooking' },
  { id: 'map', text: '配達の地図を大きくして、みんなが見える場所にはる', category: 'delivery' },
];
const PROJECT = { id: 'seal', title: '色のシールを箱にはる', steps: [{ id: 'buy', text: 'シールを買う' }, { id: 'stick', text: '箱にはる' }] };

/** The display choices a device has kept, set before the app's first script (DISPLAY_KEYS). */
async function keepDisplay(context: BrowserContext, kept: Record<string, string>): Promise<void> {
  await context.addInitScript((entries) => {
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  }, kept);
}

const displayButton = (page: Page): Locator => page.getByRole('button', { name: t('display.menu'), exact: true });

/** Reflow (WCAG 1.4.10): the page never scrolls sideways; names what sticks out when it does. */
async function sidewaysOverflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= innerWidth) return null;
    const wide = [...document.body.querySelectorAll<HTMLElement>('*')].filter(
      (el) => el.getBoundingClientRect().right > innerWidth + 1 && ![...el.children].some((child) => child.getBoundingClientRect().right > innerWidth + 1),
    );
    return `${root.scrollWidth} > ${innerWidth}: ${wide.slice(0, 3).map((el) => el.outerHTML.slice(0, 140)).join(' | ')}`;
  });
}

/**
 * Parts past the screen's side that sideways scrolling would not reach either: in a fixed bar or a
 * dialog. Exempt: what sits in a row that scrolls sideways on purpose (the composer's category tiles),
 * and the visually-hidden copies for screen readers.
 */
async function pastTheSide(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.body.querySelectorAll<HTMLElement>('*')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || el.closest('.visually-hidden, .visually-hidden-on-phone, [hidden]')) return false;
        if (box.right <= innerWidth + 1 && box.left >= -1) return false;
        for (let up = el.parentElement; up; up = up.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return false;
        return ![...el.children].some((child) => child.getBoundingClientRect().right > innerWidth + 1);
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/**
 * Text cut off by its box: an element that hides its overflow while its content is larger. Exempt:
 * the visually-hidden copies for screen readers (meant to be 1 px), and a long idea or title
 * clamped to a few lines on purpose (`line-clamp`: the idea's "read all" and the join page show
 * the whole text).
 */
async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.body.querySelectorAll<HTMLElement>('*')]
      .filter((el) => {
        if (!el.textContent?.trim() || el.closest('.visually-hidden, [hidden]')) return false;
        const style = getComputedStyle(el);
        if (style.position === 'absolute' && el.clientWidth <= 1) return false;
        if (style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '') return false;
        const hides = (overflow: string) => overflow === 'hidden' || overflow === 'clip';
        return (hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
      })
      .map((el) => `${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}: ${el.outerHTML.slice(0, 120)}`),
  );
}

/**
 * Targets smaller than 44 × 44 px (WCAG 2.5.8 asks 24; issue 12 and DESIGN ask 44) among the visible
 * buttons, links, fields and checkbox or radio labels. Exempt, as 2.5.8 allows: a link inside a
 * sentence (its size is the text's), and an input whose <label> is the target (the label is
 * measured instead).
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const inSentence = (el: Element) => el.tagName === 'A' && el.parentElement?.closest('p, li') !== null && (el.parentElement?.textContent?.trim().length ?? 0) > (el.textContent?.trim().length ?? 0);
    const targets = new Set<HTMLElement>();
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input, textarea, select, summary, [role="button"], [tabindex="0"]')) {
      const label = el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type) ? el.closest('label') : null;
      targets.add(label ?? el);
    }
    for (const el of targets) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      if (inSentence(el)) continue;
      if (box.width < 44 || box.height < 44) small.push(`${Math.round(box.width)}×${Math.round(box.height)}: ${el.outerHTML.slice(0, 100)}`);
    }
    return small;
  });
}

/** Every animation running or holding its end state now (CSS animations and transitions, Web Animations). */
function animations(page: Page): Promise<string[]> {
  return page.evaluate(() => document.getAnimations().map((animation) => `${animation.constructor.name} ${(animation as CSSAnimation).animationName ?? (animation as CSSTransition).transitionProperty ?? ''}`));
}

describe.skipIf(!browserAvailable())('[issue 12] seeing and moving', () => {
  const suite = useBrowserSuite();
  const clients: BoardClient[] = [];
  afterAll(() => {
    for (const client of clients.splice(0)) client.close();
  });

  /** A board with ideas and a project with steps, a staff client on it, and its join code. */
  async function scene(title: string, phase: 'collect' | 'vote' = 'collect'): Promise<{ board: Board; staff: BoardClient; staffId: string }> {
    const board = await suite.api.createBoard(title, { voteBudget: 3 });
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    clients.push(staff);
    await staff.synced;
    const staffId = expectOk(await suite.api.get<{ actorId: string }>('/api/me')).actorId;
    const start = Date.now() - 60_000;
    for (const [index, idea] of IDEAS.entries()) addIdea(staff.doc, { ...idea, authorId: staffId, createdAt: start + index * 1000 });
    createProject(staff.doc, { id: PROJECT.id, ideaId: IDEAS[0]!.id, title: PROJECT.title });
    for (const step of PROJECT.steps) addStep(staff.doc, PROJECT.id, step);
    if (phase !== 'collect') setMeta(staff.doc, { phase });
    return { board, staff, staffId };
  }

  async function participant(board: Board, viewport: Viewport, kept: Record<string, string> = {}): Promise<Person> {
    const person = await suite.person({ viewport });
    await keepDisplay(person.context, kept);
    await flows.guestJoins(person.page, board.joinCode!, 'はな');
    // The list draws only the cards near the screen (issue 11); at 200% the header alone fills a
    // phone, so the first cards are drawn once the page is scrolled down to them.
    await person.page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await person.page.getByRole('article').first().waitFor();
    await person.page.evaluate(() => scrollTo({ top: 0 }));
    return person;
  }

  it('the display menu: keyboard only, each choice applied at once and kept after a reload, Escape gives the focus back', { timeout: 90_000 }, async () => {
    const { board } = await scene('みやすさのボード');
    const hana = await participant(board, PHONE_360);
    const { page } = hana;
    const root = page.locator('html');

    await displayButton(page).focus();
    await page.keyboard.press('Enter');
    expect(await displayButton(page).getAttribute('aria-expanded')).toBe('true');
    const panel = page.locator(`#${await displayButton(page).getAttribute('aria-controls')}`);
    // Each group under its visible name; the arrow keys choose within it.
    const group = (name: string) => panel.getByRole('group', { name, exact: true });
    const size = group(t('display.textSize'));
    await size.getByRole('radio', { name: '100%', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await size.getByRole('radio', { name: '200%', exact: true }).isChecked()).toBe(true);
    expect(await root.getAttribute('data-text-size')).toBe('2');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('36px');

    await group(t('display.contrast')).getByRole('radio', { name: t('display.contrast.high'), exact: true }).check();
    expect(await root.getAttribute('data-contrast')).toBe('high');
    await group(t('display.furigana')).getByRole('radio', { name: t('display.furigana.grade', { grade: 3 }), exact: true }).check();
    await group(t('display.speechRate')).getByRole('radio', { name: t('display.speechRate.slow'), exact: true }).check();
    await screenshot(page, 'display-menu-ja-200-360x740');
    expect(await sidewaysOverflow(page)).toBeNull();
    expect(await smallTargets(page)).toEqual([]);

    // Escape closes the menu from inside it and puts the focus back on its button.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await displayButton(page).evaluate((button) => button === document.activeElement)).toBe(true);

    await page.reload();
    await waitUntilLive(page);
    const reloaded = page.locator(`#${await displayButton(page).getAttribute('aria-controls')}`);
    const groupNow = (name: string) => reloaded.getByRole('group', { name, exact: true });
    expect(await root.getAttribute('data-text-size')).toBe('2');
    expect(await root.getAttribute('data-contrast')).toBe('high');
    await displayButton(page).click();
    expect(await groupNow(t('display.textSize')).getByRole('radio', { name: '200%', exact: true }).isChecked()).toBe(true);
    expect(await groupNow(t('display.contrast')).getByRole('radio', { name: t('display.contrast.high'), exact: true }).isChecked()).toBe(true);
    expect(await groupNow(t('display.furigana')).getByRole('radio', { name: t('display.furigana.grade', { grade: 3 }), exact: true }).isChecked()).toBe(true);
    expect(await groupNow(t('display.speechRate')).getByRole('radio', { name: t('display.speechRate.slow'), exact: true }).isChecked()).toBe(true);
    // "The board's setting" forgets the device's own choice.
    await groupNow(t('display.furigana')).getByRole('radio', { name: t('display.furigana.board'), exact: true }).check();
    expect(await page.evaluate(() => localStorage.getItem('teian.furigana'))).toBeNull();
    // The language is in the menu too; choosing it leaves the menu open on the same choices.
    await reloaded.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('button', { name: 'Display', exact: true, expanded: true }).waitFor();
    // A tap outside closes it.
    await page.mouse.click(5, PHONE_360.height - 5);
    await reloaded.waitFor({ state: 'hidden' });
    expect(hana.pageErrors).toEqual([]);
  });

  it('the menu is on the join page and on staff pages as well', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('ほかのページのボード');
    const guest = await suite.person({ viewport: PHONE_360 });
    await guest.page.goto(`/join/${board.joinCode}`);
    await displayButton(guest.page).click();
    await guest.page.getByRole('radio', { name: '150%', exact: true }).check();
    expect(await guest.page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('27px');
    expect(await sidewaysOverflow(guest.page)).toBeNull();

    const staff = await suite.person({ viewport: LAPTOP_1280 });
    await keepDisplay(staff.context, { 'teian.textSize': '2' });
    await flows.staffOpensBoard(staff.page, ADMIN, board.id);
    await displayButton(staff.page).waitFor();
    expect(await sidewaysOverflow(staff.page)).toBeNull();
    await staff.page.goto('/staff');
    await displayButton(staff.page).waitFor();
    // Staff read at 16 px: 200% is 32 px.
    expect(await staff.page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px');
    expect(await sidewaysOverflow(staff.page)).toBeNull();
  });

  describe.each([
    { name: 'phone', viewport: PHONE_360 },
    { name: 'laptop', viewport: LAPTOP_1280 },
  ])('200% text with furigana on a $name', ({ name, viewport }) => {
    it('loses nothing: no sideways scrolling, no cut-off text, the header, composer and bar usable', { timeout: 120_000 }, async () => {
      const { board, staff } = await scene(`大きな文字のボード ${name}`);
      const kept = { 'teian.textSize': '2', 'teian.furigana': 'all' };
      const size = `${viewport.width}x${viewport.height}`;

      const guest = await suite.person({ viewport });
      await keepDisplay(guest.context, kept);
      await guest.page.goto(`/join/${board.joinCode}`);
      // The field itself, not by its label: with furigana on, the label's accessible name has now and
      // then (one run in four) not been 「あなたの名前」 alone (reported, Ruby.svelte's).
      await guest.page.locator('main input:not([type="hidden"])').first().waitFor();
      await screenshot(guest.page, `display-join-ja-200-${size}`);
      expect(await sidewaysOverflow(guest.page)).toBeNull();
      expect(await clippedText(guest.page)).toEqual([]);

      const hana = await participant(board, viewport, kept);
      const { page } = hana;
      await page.locator('ruby').first().waitFor();
      await screenshot(page, `display-board-ja-200-${size}`);
      expect(await sidewaysOverflow(page)).toBeNull();
      expect(await pastTheSide(page)).toEqual([]);
      expect(await clippedText(page)).toEqual([]);
      // The fixed bars leave most of the screen to the ideas.
      const fixedHeight = await page.evaluate(() =>
        [...document.body.querySelectorAll<HTMLElement>('*')]
          .filter((el) => ['fixed', 'sticky'].includes(getComputedStyle(el).position) && el.getBoundingClientRect().height > 0)
          .filter((el, _, all) => !all.some((other) => other !== el && other.contains(el)))
          .reduce((sum, el) => sum + el.getBoundingClientRect().height, 0),
      );
      expect(fixedHeight, 'the height fixed bars take').toBeLessThanOrEqual(viewport.height / 3);

      // The composer: the field and both of its buttons reachable, each on the screen when reached.
      await page.getByRole('button', { name: t('board.write'), exact: true }).click();
      const composer = page.getByRole('dialog');
      const field = composer.getByLabel(t('composer.label'), { exact: true });
      await field.fill('大きな文字でも書ける');
      for (const control of [field, composer.getByRole('button', { name: t('composer.post'), exact: true }), composer.getByRole('button', { name: t('composer.cancel'), exact: true })]) {
        // Within reach: on the screen as it is, or once the sheet is scrolled to it.
        await control.scrollIntoViewIfNeeded();
        const box = (await control.boundingBox())!;
        expect(box.y + Math.min(box.height, 44), `${await control.textContent()} within the screen`).toBeLessThanOrEqual(viewport.height);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
      await screenshot(page, `display-composer-ja-200-${size}`);
      expect(await sidewaysOverflow(page)).toBeNull();
      expect(await pastTheSide(page)).toEqual([]);
      await composer.getByRole('button', { name: t('composer.post'), exact: true }).click();
      await composer.waitFor({ state: 'hidden' });
      await eventually(() => [...boardRoots(staff.doc).ideas.entries()].some(([id, map]) => readIdea(id, map).text === '大きな文字でも書ける'));

      await flows.showView(page, 'projects');
      await page.getByText(PROJECT.steps[0]!.text, { exact: true }).first().waitFor();
      await screenshot(page, `display-projects-ja-200-${size}`);
      expect(await sidewaysOverflow(page)).toBeNull();
      // The bar's "posted" message, with its buttons, included.
      expect(await pastTheSide(page)).toEqual([]);
      expect(await clippedText(page)).toEqual([]);
      expect(hana.pageErrors).toEqual([]);
    });
  });

  it('a system that asks for more contrast gets the high-contrast theme until the menu chooses otherwise', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('くっきりのボード');
    const guest = await suite.person({ viewport: PHONE_360 });
    await guest.page.emulateMedia({ contrast: 'more' });
    await guest.page.goto(`/join/${board.joinCode}`);
    const root = guest.page.locator('html');
    await displayButton(guest.page).waitFor();
    expect(await root.getAttribute('data-contrast')).toBe('high');
    await displayButton(guest.page).click();
    const contrast = guest.page.getByRole('group', { name: t('display.contrast'), exact: true });
    await contrast.getByRole('radio', { name: t('display.contrast.standard'), exact: true }).check();
    expect(await root.getAttribute('data-contrast')).toBeNull();
    await guest.page.reload();
    await displayButton(guest.page).waitFor();
    expect(await root.getAttribute('data-contrast')).toBeNull();
  });

  it('every participant target is at least 44 × 44 px: join page, board, composer, projects (100% and 200%)', { timeout: 120_000 }, async () => {
    const { board, staff } = await scene('さわりやすさのボード', 'vote');
    for (const kept of [{}, { 'teian.textSize': '2' }] as Record<string, string>[]) {
      const guest = await suite.person({ viewport: PHONE_360 });
      await keepDisplay(guest.context, kept);
      await guest.page.goto(`/join/${board.joinCode}`);
      await guest.page.getByLabel(t('join.guestLabel'), { exact: true }).waitFor();
      expect(await smallTargets(guest.page), 'join page').toEqual([]);

      const hana = await participant(board, PHONE_360, kept);
      const { page } = hana;
      expect(await smallTargets(page), 'board').toEqual([]);
      await displayButton(page).click();
      expect(await smallTargets(page), 'display menu').toEqual([]);
      await page.keyboard.press('Escape');
      await flows.showView(page, 'projects');
      await page.getByText(PROJECT.steps[0]!.text, { exact: true }).first().waitFor();
      expect(await smallTargets(page), 'projects').toEqual([]);
    }
    // The composer opens in the collect phase.
    setMeta(staff.doc, { phase: 'collect' });
    const hana = await participant(board, PHONE_360);
    await hana.page.getByRole('button', { name: t('board.write'), exact: true }).click();
    await hana.page.getByRole('dialog').waitFor();
    expect(await smallTargets(hana.page), 'composer').toEqual([]);
  });

  it('high contrast: text at 7:1 or more (axe color-contrast-enhanced) on the board, composer, projects, join page and projector', { timeout: 120_000 }, async () => {
    const { board } = await scene('くっきりのボード');
    const kept = { 'teian.contrast': 'high' };
    const enhanced = async (page: Page, where: string) => {
      await page.evaluate(readFileSync(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8'));
      const failures = await page.evaluate(async () => {
        const { axe } = window as unknown as { axe: typeof import('axe-core') };
        const results = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast-enhanced', 'color-contrast', 'non-text-contrast'].filter((id) => axe.getRules().some((rule) => rule.ruleId === id)) } });
        return results.violations.flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')} ${node.failureSummary ?? ''}`));
      });
      expect(failures, where).toEqual([]);
    };
    const guest = await suite.person({ viewport: PHONE_360 });
    await keepDisplay(guest.context, kept);
    await guest.page.goto(`/join/${board.joinCode}`);
    await guest.page.getByLabel(t('join.guestLabel'), { exact: true }).waitFor();
    expect(await guest.page.locator('html').getAttribute('data-contrast')).toBe('high');
    await enhanced(guest.page, 'join page');

    const hana = await participant(board, PHONE_360, kept);
    const { page } = hana;
    const tokens = await page.evaluate(() => {
      const style = getComputedStyle(document.documentElement);
      return { text: getComputedStyle(document.body).color, surface: getComputedStyle(document.documentElement).backgroundColor, focus: style.getPropertyValue('--focus-width').trim() };
    });
    expect(tokens).toEqual({ text: 'rgb(0, 0, 0)', surface: 'rgb(255, 255, 255)', focus: '4px' });
    await enhanced(page, 'board');
    await page.getByRole('button', { name: t('board.write'), exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await enhanced(page, 'composer');
    await page.getByRole('button', { name: t('composer.cancel'), exact: true }).click();
    await flows.showView(page, 'projects');
    await page.getByText(PROJECT.steps[0]!.text, { exact: true }).first().waitFor();
    await enhanced(page, 'projects');
    await screenshot(page, 'display-projects-ja-high-contrast-360x740');

    const { token } = expectOk(await suite.api.post<BoardToken>(`/api/boards/${board.id}/viewer-token`));
    const projector = await suite.person({ viewport: { width: 1920, height: 1080 } });
    await keepDisplay(projector.context, kept);
    await projector.page.goto(`/b/${board.id}/present#token=${encodeURIComponent(token)}`);
    await projector.page.getByTestId('present-ideas').waitFor();
    await enhanced(projector.page, 'projector');
    await screenshot(projector.page, 'display-projector-ja-high-contrast-1920x1080');
  });

  it('under prefers-reduced-motion nothing moves: no animation after a thank-you, a new idea, or a vote', { timeout: 90_000 }, async () => {
    const { board, staff, staffId } = await scene('うごかないボード');
    const hana = await suite.person({ viewport: PHONE_360 });
    await hana.page.emulateMedia({ reducedMotion: 'reduce' });
    await flows.guestJoins(hana.page, board.joinCode!, 'はな');
    const card = hana.page.getByRole('article', { name: IDEAS[0]!.text, exact: true });
    await card.getByRole('button', { name: t('board.thank'), exact: true }).click();
    await card.getByRole('button', { name: t('board.thank'), exact: true, pressed: true }).waitFor();
    expect(await animations(hana.page)).toEqual([]);
    expect(await hana.page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior)).toBe('auto');

    const { token } = expectOk(await suite.api.post<BoardToken>(`/api/boards/${board.id}/viewer-token`));
    const projector = await suite.person({ viewport: { width: 1920, height: 1080 } });
    await projector.page.emulateMedia({ reducedMotion: 'reduce' });
    await projector.page.goto(`/b/${board.id}/present#token=${encodeURIComponent(token)}`);
    await projector.page.getByTestId('present-ideas').waitFor();
    // An idea arriving on the projector (it slides in when motion is welcome).
    addIdea(staff.doc, { id: 'arrived', text: 'あたらしいアイデア', authorId: staffId });
    await projector.page.getByTestId('present-idea').filter({ hasText: 'あたらしいアイデア' }).waitFor();
    expect(await animations(projector.page)).toEqual([]);
    // The results' bars (they grow when motion is welcome).
    setMeta(staff.doc, { phase: 'vote' });
    await projector.page.locator('[data-testid="present"][data-phase="vote"]').waitFor();
    expect(await animations(projector.page)).toEqual([]);
  });

  it('a timer that runs out takes nothing away: the draft stays, typing goes on, the idea posts', { timeout: 60_000 }, async () => {
    const { board, staff } = await scene('時間のボード');
    const hana = await participant(board, PHONE_360);
    const { page } = hana;
    await page.getByRole('button', { name: t('board.write'), exact: true }).click();
    const composer = page.getByRole('dialog');
    const field = composer.getByLabel(t('composer.label'), { exact: true });
    await field.fill('時間がきても');

    startTimer(staff.doc, { durationMs: 60_000, label: '', now: Date.now() });
    await page.locator('header [data-testid="timer"][data-state="running"]').waitFor();
    // Its end brought to a moment already past: the phone shows it ended, with the composer open.
    restoreTimer(staff.doc, { ...readMeta(staff.doc).timer, endsAt: Math.floor(Date.now() / 1000) * 1000 - 1000 });
    await page.locator('header [data-testid="timer"][data-state="ended"]').waitFor();

    expect(await composer.isVisible()).toBe(true);
    expect(await field.inputValue()).toBe('時間がきても');
    expect(await page.locator(':disabled, [aria-disabled="true"]').count()).toBe(0);
    await field.press('End');
    await field.pressSequentially('、書きつづけられる');
    expect(await field.inputValue()).toBe('時間がきても、書きつづけられる');
    await composer.getByRole('button', { name: t('composer.post'), exact: true }).click();
    await page.getByRole('article', { name: '時間がきても、書きつづけられる', exact: true }).waitFor();
    await eventually(() => [...boardRoots(staff.doc).ideas.entries()].some(([id, map]) => readIdea(id, map).text === '時間がきても、書きつづけられる'));
    expect(hana.pageErrors).toEqual([]);
  });

  it('nothing needs dragging: no drag-and-drop handler anywhere in the client', () => {
    const clientDir = path.resolve(import.meta.dirname, '../../client/src');
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : /\.(svelte|ts)$/.test(name) ? [full] : [];
      });
    })(clientDir);
    // draggable="false" (a picture that must not be dragged) is fine; any way to drag is not.
    const dragging = /\bon(drag\w*|drop)\b|addEventListener\(\s*['"](drag\w*|drop)['"]|draggable=["{]?(true|\{true\})|dataTransfer/;
    const found = files.filter((file) => dragging.test(readFileSync(file, 'utf8'))).map((file) => path.relative(clientDir, file));
    expect(found).toEqual([]);
  });
});
