/**
 * [issue 12, item 3] Japanese wraps at phrase boundaries, never inside a word (docs/furigana.md,
 * "Phrases"): a long idea on a phone breaks its lines only where BudouX (budoux 0.7.0, parsed here
 * in Node) puts a boundary, both with Chromium's own `word-break: auto-phrase` and on the fallback
 * path a browser without it takes (CSS.supports answering no: <Ruby> puts BudouX's <wbr>s in), with
 * furigana off and on. With furigana on, the kana sit inside the clamped card and inside the
 * buttons, and a message with a number in it is read from the message files, not asked of the server.
 * A real server and Chromium.
 */
import { jaModel, Parser } from 'budoux';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uiWords } from '../../client/src/lib/marked-readings';
import uiReadings from '../../client/src/i18n/ja.readings.json';
import { boardFlows, browserAvailable, PHONE, screenshot, useBrowserSuite, waitUntilLive, type Person } from '../helpers/browser';

const IDEA =
  '毎朝の作業をはじめる前に、道具の置き場所をみんなで確認して、使ったあとは元の棚にもどすようにすると、探す時間が少なくなって、仕事がもっと楽しくなると思います';

/** Where BudouX starts a phrase: offsets into the text, the first phrase's 0 left out. */
function budouxStarts(text: string): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const phrase of new Parser(jaModel).parse(text)) {
    if (at > 0) starts.push(at);
    at += phrase.length;
  }
  return starts;
}

/**
 * Line starts that break a phrase which did not have to be broken: a phrase longer than a whole line
 * (at 200% on a phone) is cut where the line ends (overflow-wrap), so a break inside a phrase is
 * wrong only when that phrase did not fill the line before.
 */
function needlessBreaks(starts: readonly number[], boundaries: readonly number[]): number[] {
  return starts.filter((start, index) => {
    if (boundaries.includes(start)) return false;
    const phraseStart = Math.max(0, ...boundaries.filter((boundary) => boundary < start));
    return (starts[index - 1] ?? 0) < phraseStart;
  });
}

interface Lines {
  /** The text as drawn (furigana and the screen readers' copy left out). */
  text: string;
  /** Offsets into it where a line starts, the first line's 0 left out. */
  starts: number[];
  /** Offsets of the <wbr>s in it. */
  wbrs: number[];
}

/** The lines an element's text is drawn on, found from each character's box (Range.getClientRects). */
function linesOf(page: Page, selector: string): Promise<Lines> {
  return page.locator(selector).first().evaluate((element) => {
    const hidden = (node: Node) => node.parentElement?.closest('rt, .visually-hidden') !== null;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let text = '';
    const starts: number[] = [];
    const wbrs: number[] = [];
    let lineTop: number | undefined;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node instanceof HTMLElement) {
        if (node.localName === 'wbr') wbrs.push(text.length);
        continue;
      }
      if (!(node instanceof Text) || hidden(node)) continue;
      for (let index = 0; index < node.data.length; index++) {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const box = range.getClientRects()[0];
        if (box && box.width > 0 && !/\s/.test(node.data[index]!)) {
          // A new line starts well below the last one; within a line, boxes differ by a pixel or two.
          if (lineTop !== undefined && box.top > lineTop + box.height / 2) starts.push(text.length);
          if (lineTop === undefined || box.top > lineTop + box.height / 2) lineTop = box.top;
        }
        text += node.data[index];
      }
    }
    return { text, starts, wbrs };
  });
}

/** A guest on the board, with the long idea posted. */
async function openBoardWithIdea(person: Person, joinCode: string, name: string): Promise<Page> {
  const flows = boardFlows('ja');
  await flows.guestJoins(person.page, joinCode, name);
  await flows.postIdea(person.page, IDEA);
  return person.page;
}

/**
 * Turns furigana on as a device that chose them has it, after joining: with furigana, a label's
 * text is there twice (the screen readers' copy and the ruby), which getByLabel does not take apart.
 */
async function turnFuriganaOn(page: Page, textSize: number): Promise<void> {
  await page.evaluate((size) => {
    localStorage.setItem('teian.furigana', 'all');
    localStorage.setItem('teian.textSize', String(size));
  }, textSize);
  await page.reload();
  await waitUntilLive(page);
}

async function withoutAutoPhrase(person: Person): Promise<void> {
  // What a browser without auto-phrase answers; the CSS engine still has it, which the fallback's
  // `word-break: keep-all` overrides inside <Ruby>'s text.
  await person.context.addInitScript(() => {
    const supports = CSS.supports.bind(CSS) as (...args: string[]) => boolean;
    CSS.supports = ((...args: string[]) => (args.join(' ').includes('auto-phrase') ? false : supports(...args))) as typeof CSS.supports;
  });
}

const CARD_TEXT = `article:has-text("${IDEA.slice(0, 10)}") p.text`;

describe.skipIf(!browserAvailable())('[issue 12] Japanese wraps between phrases', () => {
  const suite = useBrowserSuite();
  const boundaries = budouxStarts(IDEA);

  it('with Chromium’s auto-phrase, breaks a long idea only where BudouX puts a phrase boundary, and fetches no BudouX', async () => {
    const board = await suite.api.createBoard('ことばの区切り');
    const person = await suite.person({ viewport: { width: 360, height: PHONE.height } });
    const chunks: string[] = [];
    person.page.on('request', (request) => chunks.push(request.url()));
    const page = await openBoardWithIdea(person, board.joinCode!, 'はな');

    expect(await page.evaluate(() => CSS.supports('word-break', 'auto-phrase'))).toBe(true);
    expect(await page.locator(CARD_TEXT).evaluate((element) => getComputedStyle(element).wordBreak)).toBe('auto-phrase');
    const lines = await linesOf(page, CARD_TEXT);
    expect(lines.text).toBe(IDEA);
    expect(lines.starts.length, 'the idea wraps onto several lines on a phone').toBeGreaterThanOrEqual(4);
    expect(needlessBreaks(lines.starts, boundaries), `lines start at ${lines.starts}; BudouX's phrases start at ${boundaries}`).toEqual([]);
    expect(lines.wbrs).toEqual([]);
    expect(chunks.filter((url) => url.includes('phrases-budoux'))).toEqual([]);
    expect(person.pageErrors).toEqual([]);
  });

  it('without auto-phrase, puts a <wbr> at each of BudouX’s boundaries and breaks only there', async () => {
    const board = await suite.api.createBoard('ことばの区切り');
    const person = await suite.person({ viewport: { width: 360, height: PHONE.height } });
    await withoutAutoPhrase(person);
    const page = await openBoardWithIdea(person, board.joinCode!, 'はな');

    await page.locator(`${CARD_TEXT} wbr`).first().waitFor({ state: 'attached' });
    const lines = await linesOf(page, CARD_TEXT);
    expect(lines.text).toBe(IDEA);
    expect(lines.wbrs).toEqual(boundaries);
    expect(lines.starts.length).toBeGreaterThanOrEqual(4);
    expect(needlessBreaks(lines.starts, boundaries), `lines start at ${lines.starts}`).toEqual([]);
    expect(await page.locator(`${CARD_TEXT} .ruby`).first().evaluate((element) => getComputedStyle(element).wordBreak)).toBe('keep-all');
    // A <wbr> changes nothing a screen reader says: the text is there once, as written.
    expect(await page.locator(CARD_TEXT).textContent()).toBe(IDEA);
    expect(person.pageErrors).toEqual([]);
  });

  describe.each([
    ['auto-phrase', false, 1],
    ['auto-phrase, text at 200%', false, 2],
    ['the fallback', true, 1],
  ] as const)('with furigana on, on %s', (_path, fallback, textSize) => {
    it('still breaks only between phrases, with the kana inside the clamped card and the buttons', async () => {
      const board = await suite.api.createBoard('ことばの区切り');
      const person = await suite.person({ viewport: { width: 360, height: PHONE.height } });
      if (fallback) await withoutAutoPhrase(person);
      const asked: string[] = [];
      person.page.on('request', (request) => {
        if (request.url().includes('/readings')) asked.push(...((request.postDataJSON() as { texts: string[] }).texts ?? []));
      });
      const page = await openBoardWithIdea(person, board.joinCode!, 'はな');
      await turnFuriganaOn(page, textSize);

      await page.locator(`${CARD_TEXT} ruby`).first().waitFor();
      await page.locator(`${CARD_TEXT} wbr`).first().waitFor({ state: 'attached' });
      const lines = await linesOf(page, CARD_TEXT);
      expect(lines.text).toBe(IDEA);
      expect(lines.starts.length).toBeGreaterThanOrEqual(4 * textSize);
      expect(needlessBreaks(lines.starts, boundaries), `lines start at ${lines.starts}; BudouX's at ${boundaries}`).toEqual([]);

      await screenshot(page, `phrases-furigana-${fallback ? 'fallback' : 'native'}-${textSize * 100}-360`);
      // No kana cut in two: by a box that clips (the clamped card), or by a button's edge.
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll('rt')].flatMap((rt) => {
          const box = rt.getBoundingClientRect();
          // Kana in a text hidden on a phone (the who-is-here count's words) are not drawn at all.
          if (box.width === 0 || rt.closest('[class*="visually-hidden"]')) return [];
          const problems: string[] = [];
          for (let holder = rt.parentElement?.parentElement; holder && holder !== document.body; holder = holder.parentElement) {
            const style = getComputedStyle(holder);
            if (style.overflow === 'visible' && !holder.matches('button, a')) continue;
            const outer = holder.getBoundingClientRect();
            const cut = (box.top < outer.top - 0.5 && box.bottom > outer.top + 0.5) || (box.top < outer.bottom - 0.5 && box.bottom > outer.bottom + 0.5);
            if (cut) problems.push(`${rt.textContent} (${box.top}–${box.bottom}) across the edge of ${holder.outerHTML.slice(0, 90)} (${outer.top}–${outer.bottom})`);
          }
          return problems;
        }),
      );
      expect(clipped).toEqual([]);
      const readAll = page.locator('button.read-all rt');
      if (await readAll.count()) expect(await readAll.first().textContent()).toBe('よ');

      // The app's own words come from the message files, those with a number in them too (いまいる人：1人,
      // the who-is-here count): the server is asked only for the idea.
      await page.locator('button[aria-expanded] rt', { hasText: 'にん' }).first().waitFor({ state: 'attached' });
      const words = uiWords(uiReadings);
      expect(asked.filter((text) => words.exact.has(text) || words.templated(text))).toEqual([]);
      expect(asked).toContain(IDEA);
      expect(person.pageErrors).toEqual([]);
    });
  });
});
