/**
 * [issue 12, item 1] Furigana in a real browser against a real server: the header's toggle, over the
 * app's own words and over a participant's idea, remembered on the device; the board's default set
 * by staff, which a device's own choice overrides; the grade level; a staff correction of a name,
 * kept by the server and shown on the participant's device; and the projector, which reads with its
 * viewer token at the board's level.
 *
 * The analyser is the real one (lindera): it reads 箱に貼る as 箱[はこ] に 貼[は] る, and the name 上村
 * as うえむら, which is what staff correct here to かみむら.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Board, BoardToken, Me } from '../../shared/api';
import { addIdea } from '../../shared/board';
import type { ReadingCorrection } from '../../shared/reading';
import uiReadings from '../../client/src/i18n/ja.readings.json';
import { expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, checkA11y, describeViolations, LAPTOP, screenshot, useBrowserSuite, waitUntilLive } from '../helpers/browser';
import { ADMIN } from '../helpers/server';
import { connectBoard, type BoardClient } from '../helpers/yjs-client';

const flows = boardFlows('ja');
const { t } = flows;
const BOX = '箱に貼る';
/** Every kanji here is taught in grade 1, so the grade-1 level shows no furigana over it. */
const NAME = '上村さんの山';
/** How long a page may take to get there (a load, a sync, a reading from the analyser); never a measure. */
const SETTLES = { timeout: 15_000 };

/** Each `<ruby>` inside `scope` as [base, reading]. */
function rubies(scope: Locator): Promise<[string, string][]> {
  return scope.locator('ruby').evaluateAll((elements) =>
    elements.map((element) => [element.firstChild?.textContent ?? '', element.querySelector('rt')?.textContent ?? ''] as [string, string]),
  );
}

/** The readings the message file gives a UI text, `{書|か}` → [書, か]. */
function uiRubies(text: string): [string, string][] {
  const marked = (uiReadings as Record<string, string>)[text];
  if (!marked) throw new Error(`ja.readings.json has no reading for ${text}`);
  return [...marked.matchAll(/\{([^{}|]+)\|([^{}|]+)\}/gu)].map((match) => [match[1]!, match[2]!]);
}

describe.skipIf(!browserAvailable())('furigana', () => {
  const suite = useBrowserSuite();
  const clients: BoardClient[] = [];
  let board: Board | undefined;
  afterAll(() => clients.forEach((client) => client.close()));

  /** One board for the file, with two ideas written by staff through a plain Yjs client. */
  async function theBoard(): Promise<Board> {
    if (board) return board;
    board = await suite.api.createBoard('ふりがなのボード', { allowGuests: true });
    const me = (await suite.api.get<Me>('/api/me')).body;
    const client = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    clients.push(client);
    await client.synced;
    addIdea(client.doc, { id: 'idea-box', text: BOX, authorId: me.actorId });
    addIdea(client.doc, { id: 'idea-name', text: NAME, authorId: me.actorId });
    return board;
  }

  /**
   * A guest on a phone; `furigana` is the device's own choice, made after joining (the join flow
   * finds its fields by their plain words).
   */
  async function participant(name: string, furigana?: string): Promise<Page> {
    const { joinCode } = await theBoard();
    const { page } = await suite.person();
    await flows.guestJoins(page, joinCode!, name);
    if (furigana) {
      await page.evaluate((level) => localStorage.setItem('teian.furigana', level), furigana);
      await page.reload();
      await waitUntilLive(page);
    }
    await card(page, BOX).waitFor();
    return page;
  }

  const card = (page: Page, text: string) => page.getByRole('article', { name: text, exact: true });
  const ideaText = (page: Page, text: string) => card(page, text).locator('p.text');
  const toggle = (page: Page) => page.getByRole('banner').getByRole('button', { name: t('display.furigana'), exact: true });

  it('turns on with the header toggle, over the UI words and the idea, and stays on after a reload', { timeout: 90_000 }, async () => {
    const page = await participant('ゆい');
    expect(await rubies(ideaText(page, BOX))).toEqual([]);
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('false');

    await toggle(page).click();
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('true');
    const write = page.getByRole('button', { name: t('board.write'), exact: true });
    await expect.poll(() => rubies(ideaText(page, BOX)), SETTLES).toEqual([['箱', 'はこ'], ['貼', 'は']]);
    await expect.poll(() => rubies(write), SETTLES).toEqual(uiRubies(t('board.write')));
    // The ruby is for the eyes: the card is still named by its text, once.
    expect(await card(page, BOX).count()).toBe(1);
    await screenshot(page, 'furigana-phone-board');
    const violations = await checkA11y(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.reload();
    await waitUntilLive(page);
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => rubies(ideaText(page, BOX)), SETTLES).toEqual([['箱', 'はこ'], ['貼', 'は']]);
  });

  it("applies the board's default set by staff to a device without a choice, at its grade; a device that chose none keeps none", { timeout: 90_000 }, async () => {
    const { id } = await theBoard();
    const staff = await suite.person({ viewport: LAPTOP });
    await flows.staffOpensBoard(staff.page, ADMIN, id);
    await staff.page.getByLabel(t('boardFurigana.label'), { exact: true }).selectOption('grade-1');

    const following = await participant('そら');
    const declined = await participant('りく', 'none');
    // Grade 1: 箱 (grade 3) and 貼 (not a school kanji) keep their furigana; 上, 村 and 山 (grade 1) have none.
    await expect.poll(() => rubies(ideaText(following, BOX)), SETTLES).toEqual([['箱', 'はこ'], ['貼', 'は']]);
    expect(await rubies(ideaText(following, NAME))).toEqual([]);
    expect(await toggle(following).getAttribute('aria-pressed')).toBe('true');

    expect(await rubies(ideaText(declined, BOX))).toEqual([]);
    expect(await toggle(declined).getAttribute('aria-pressed')).toBe('false');
  });

  it("takes a staff correction of a name onto the participant's device and keeps it; the projector reads at the board's level", { timeout: 120_000 }, async () => {
    const { id } = await theBoard();
    const reader = await participant('はな', 'all');
    await expect.poll(() => rubies(ideaText(reader, NAME)), SETTLES).toEqual([['上村', 'うえむら'], ['山', 'やま']]);

    const staff = await suite.person({ viewport: LAPTOP });
    await flows.staffOpensBoard(staff.page, ADMIN, id);
    const staffCard = card(staff.page, NAME);
    await staffCard.getByTestId('staff-menu').getByRole('button', { name: t('tidy.menu'), exact: true }).click();
    await staffCard.getByRole('button', { name: t('readingFix.open'), exact: true }).click();
    const dialog = staff.page.getByTestId('reading-correction');
    const input = dialog.locator('form[data-surface="上村"] input');
    await expect.poll(() => input.inputValue(), SETTLES).toBe('うえむら');
    const violations = await checkA11y(staff.page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Latin letters are no reading: the server's reason is shown, and nothing is kept.
    await input.fill('kamimura');
    await dialog.locator('form[data-surface="上村"]').getByRole('button', { name: t('readingFix.save'), exact: true }).click();
    await dialog.getByRole('alert').getByText('A reading is written in kana', { exact: false }).waitFor();

    await input.fill('かみむら');
    await dialog.locator('form[data-surface="上村"]').getByRole('button', { name: t('readingFix.save'), exact: true }).click();
    await dialog.getByRole('status').getByText(t('readingFix.saved', { word: '上村', reading: 'かみむら' }), { exact: true }).waitFor();
    const kept = expectOk(await suite.api.get<ReadingCorrection[]>('/api/facility/readings'));
    expect(kept.map(({ surface, reading }) => ({ surface, reading }))).toContainEqual({ surface: '上村', reading: 'かみむら' });

    await reader.reload();
    await waitUntilLive(reader);
    await expect.poll(() => rubies(ideaText(reader, NAME)), SETTLES).toEqual([['上村', 'かみむら'], ['山', 'やま']]);
    await screenshot(staff.page, 'furigana-correction-dialog');

    // The projector: no session, its viewer token, the board's default (grade 1 since the test above).
    const { token } = expectOk(await suite.api.post<BoardToken>(`/api/boards/${id}/viewer-token`));
    const projector = await suite.person({ viewport: LAPTOP });
    await projector.page.goto(`/b/${id}/present#token=${encodeURIComponent(token)}`);
    const shown = projector.page.getByTestId('present-idea').filter({ hasText: '貼' });
    await shown.waitFor();
    await expect.poll(() => rubies(shown), SETTLES).toEqual([['箱', 'はこ'], ['貼', 'は']]);
    expect(await rubies(projector.page.getByTestId('present-idea').filter({ hasText: '上村' }))).toEqual([]);
  });
});
