/**
 * [issue 9, items 9–11] The projector view in a real browser: staff open it with a viewer token, it
 * shows how to join (QR and code), the ideas without counts while votes are hidden and the ranked
 * results after the reveal, follows a rotated join code at once, stops when the links are revoked,
 * and opens a meeting with what got done since the last one. axe-clean in Japanese and English;
 * 30 ideas fit 1920 × 1080 and 1280 × 720 without scrolling (screenshots in TEIAN_SCREENSHOT_DIR when it is set).
 *
 * The board's content is set up by real y-websocket clients (staff and participants), as their
 * screens would write it; the projector page is only looked at.
 */
import type { Page } from 'playwright-core';
import { encode } from 'uqr';
import { afterAll, describe, expect, it } from 'vitest';
import type { BoardToken, Meeting, Participant } from '../../shared/api';
import { addIdea, addStep, boardRoots, castVote, createProject, setLead, setMeta, tickStep } from '../../shared/board';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { newId } from '../../shared/ids';
import { MINUTE_MS, startTimer } from '../../shared/timer';
import { expectOk, ApiClient } from '../helpers/api-client';
import { browserAvailable, checkA11y, describeViolations, messagesFor, screenshot, useBrowserSuite, type AppLocale, type Viewport } from '../helpers/browser';
import { connectBoard, eventually, type BoardClient } from '../helpers/yjs-client';

const FULL_HD: Viewport = { width: 1920, height: 1080 };
const HD: Viewport = { width: 1280, height: 720 };
const t = messagesFor('ja');

/** Idea texts of ordinary length, a few long ones among them. */
function ideaText(index: number): string {
  const texts = [
    '箱に番号をかく',
    'お昼の前に手をあらう時間をつくる',
    'そうじの当番表を大きくして、入口にはる',
    'ラベルの色をわける',
    '休けいの時間に音楽をながす',
    '配達のルートを地図にかいて、みんなで見られるようにする。雨の日のルートもかく',
  ];
  return `${texts[index % texts.length]} ${index + 1}`;
}

describe.skipIf(!browserAvailable())('the projector view', () => {
  const suite = useBrowserSuite();
  const clients: BoardClient[] = [];
  afterAll(() => {
    for (const client of clients.splice(0)) client.close();
  });

  async function staffClient(boardId: string): Promise<{ client: BoardClient; staffId: string }> {
    const me = (await suite.api.get<{ actorId: string }>('/api/me')).body;
    const client = connectBoard(suite.server.url, boardId, (await suite.api.boardToken(boardId)).token);
    clients.push(client);
    await client.synced;
    return { client, staffId: me.actorId };
  }

  async function participantClient(board: { id: string; joinCode: string | null }, participant: Participant) {
    const api = new ApiClient(suite.server.url);
    expectOk(await api.post('/api/join', { code: board.joinCode, participantId: participant.id }));
    const token = await api.boardToken(board.id);
    const client = connectBoard(suite.server.url, board.id, token.token);
    clients.push(client);
    await client.synced;
    return { client, id: participant.id, anonymousId: token.anonymousId! };
  }

  /** A board with `count` ideas by two participants (every fifth one anonymous) and votes on some. */
  async function scene(title: string, count: number) {
    const board = await suite.api.createBoard(title);
    const aoi = expectOk(await suite.api.post<Participant>('/api/participants', { displayName: 'あおい', avatar: '🐱' }));
    const ken = expectOk(await suite.api.post<Participant>('/api/participants', { displayName: 'けん', avatar: '🐶' }));
    const [aoiSide, kenSide] = await Promise.all([aoi, ken].map((participant) => participantClient(board, participant)));
    const { client, staffId } = await staffClient(board.id);

    const ids: string[] = [];
    const start = Date.now() - count * 1000;
    for (let index = 0; index < count; index++) {
      const id = newId();
      ids.push(id);
      const category = DEFAULT_CATEGORIES[index % DEFAULT_CATEGORIES.length]!.id;
      const side = index % 2 === 0 ? aoiSide! : kenSide!;
      // Every fifth idea anonymous, under its author's anonymous id.
      const anonymous = index % 5 === 4;
      addIdea(side.client.doc, { id, text: ideaText(index), authorId: anonymous ? side.anonymousId : side.id, anonymous, category, createdAt: start + index * 1000 });
    }
    await eventually(() => boardRoots(client.doc).ideas.size === count);
    return { board, aoi, ken, ids, staff: client, staffId };
  }

  /**
   * Staff ask for a viewer token and open the projector page with it (as `openProjector` in
   * client/src/lib/projector.ts does from the staff screen), in a browser context of its own.
   */
  async function openProjector(boardId: string, viewport: Viewport, locale?: AppLocale): Promise<Page> {
    const { token } = expectOk(await suite.api.post<BoardToken>(`/api/boards/${boardId}/viewer-token`));
    const projector = await suite.person({ viewport, locale });
    await projector.page.goto(`/b/${boardId}/present#token=${encodeURIComponent(token)}`);
    await projector.page.getByTestId('present').waitFor();
    return projector.page;
  }

  async function expectNoScrolling(page: Page) {
    const sizes = await page.evaluate(() => ({
      height: document.scrollingElement!.scrollHeight,
      width: document.scrollingElement!.scrollWidth,
      innerHeight,
      innerWidth,
    }));
    expect(sizes.height, 'the page scrolls').toBeLessThanOrEqual(sizes.innerHeight);
    expect(sizes.width, 'the page scrolls sideways').toBeLessThanOrEqual(sizes.innerWidth);
  }

  /** Every text of the page at least `min` px, but for the parts listed in `smaller`. */
  async function smallestText(page: Page, within: string): Promise<number> {
    return page.evaluate((selector) => {
      let smallest = Infinity;
      for (const element of document.querySelectorAll<HTMLElement>(`${selector} *`)) {
        if (!element.childNodes.length || ![...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim())) continue;
        if (element.closest('.visually-hidden')) continue;
        smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
      }
      return smallest;
    }, within);
  }

  it('shows the join code and its QR, the ideas without counts, then the ranked results', { timeout: 90_000 }, async () => {
    const { board, ids, staff, staffId } = await scene('映すボード', 8);
    const page = await openProjector(board.id, FULL_HD);

    // The token went from the address into sessionStorage: nothing of it stays in the address bar.
    expect(page.url()).not.toContain('token');
    const code = page.getByTestId('present-join-code');
    await expect.poll(() => code.getAttribute('data-code')).toBe(board.joinCode);
    const qr = page.getByRole('img', { name: t('present.qrLabel', { code: board.joinCode! }), exact: true });
    const origin = new URL(suite.server.url).origin;
    expect(await qr.getAttribute('data-value')).toBe(`${origin}/join/${board.joinCode}`);
    // The QR's modules are those of the join address (the same library, run here).
    const modules = encode(`${origin}/join/${board.joinCode}`, { ecc: 'M', border: 4 }).data.flat().filter(Boolean).length;
    const drawn = ((await qr.locator('path').getAttribute('d')) ?? '').split('M').length - 1;
    expect(drawn).toBe(modules);
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(300);

    // Voting with hidden tallies: staff put dots (3, 3, 1); the projector shows ideas, no counts.
    setMeta(staff.doc, { phase: 'vote', votesHidden: true });
    castVote(staff.doc, staffId, ids[2]!, 3);
    castVote(staff.doc, staffId, ids[5]!, 3);
    castVote(staff.doc, staffId, ids[0]!, 1);
    await page.locator('[data-testid="present"][data-phase="vote"]').waitFor();
    await expect.poll(() => page.getByTestId('present-idea').count()).toBe(8);
    await page.getByText(t('present.instruction.vote'), { exact: true }).waitFor();
    expect(await page.getByTestId('present-results').count()).toBe(0);
    expect(await page.locator('[data-tally]').count()).toBe(0);
    // No digit anywhere but in the ideas' own texts, the join code and the phase stepper.
    const shown = await page.getByTestId('present-ideas').innerText();
    for (const idea of ['3票', '1票']) expect(shown).not.toContain(idea);
    // Anonymous ideas name nobody.
    expect(await page.getByTestId('present-idea').filter({ hasText: ideaText(4) }).innerText()).toContain(t('board.anonymous'));
    expect(await smallestText(page, 'header')).toBeGreaterThanOrEqual(32);

    // The reveal: a bar chart, ranked by dots, the tie sharing first place, in the order they were written.
    setMeta(staff.doc, { votesHidden: false });
    await page.getByTestId('present-results').waitFor();
    const rows = page.getByTestId('present-result');
    await expect.poll(() => rows.count()).toBe(3);
    const ranked = await rows.evaluateAll((elements) => elements.map((element) => [element.dataset.place, element.dataset.tally, element.textContent]));
    expect(ranked.map(([place, tally]) => [place, tally])).toEqual([
      ['1', '3'],
      ['1', '3'],
      ['3', '1'],
    ]);
    expect(ranked[0]![2]).toContain(ideaText(2));
    expect(ranked[1]![2]).toContain(ideaText(5));
    expect(ranked[2]![2]).toContain(ideaText(0));
    await page.getByText(t('present.withoutDots', { count: 5 }), { exact: true }).waitFor();
  });

  it('follows a rotated join code at once, and stops when the projector links are revoked', { timeout: 60_000 }, async () => {
    const board = await suite.api.createBoard('コードを変えるボード');
    const page = await openProjector(board.id, HD);
    const code = page.getByTestId('present-join-code');
    await expect.poll(() => code.getAttribute('data-code')).toBe(board.joinCode);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const rotated = expectOk(await suite.api.post<{ joinCode: string }>(`/api/boards/${board.id}/join-code`));
    await expect.poll(() => code.getAttribute('data-code')).toBe(rotated.joinCode);
    expect(await page.getByTestId('qr-code').getAttribute('data-value')).toContain(`/join/${rotated.joinCode}`);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect((await new ApiClient(suite.server.url).get(`/api/join/${board.joinCode}`)).status).toBe(404);
    expect((await new ApiClient(suite.server.url).get(`/api/join/${rotated.joinCode}`)).status).toBe(200);

    expect((await suite.api.request('DELETE', `/api/boards/${board.id}/viewer-token`)).status).toBe(204);
    await page.locator('[data-testid="present-problem"][data-problem="revoked"]').waitFor();
    expect(await page.getByTestId('present-join').count()).toBe(0);
    // A reload does not bring it back: the page forgot the token.
    await page.reload();
    await page.locator('[data-testid="present-problem"][data-problem="missing"]').waitFor();
  });

  it('opens a meeting with what got done since the last one, then moves on to the board', { timeout: 60_000 }, async () => {
    const { board, aoi, ids, staff, staffId } = await scene('つづきのボード', 3);
    const first = expectOk(await suite.api.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const projectId = newId();
    const stepIds = [newId(), newId()];
    createProject(staff.doc, { id: projectId, ideaId: ids[0]!, title: 'ラベルを新しくする' });
    setLead(staff.doc, projectId, aoi.id);
    addStep(staff.doc, projectId, { id: stepIds[0]!, text: 'ラベルを えらぶ' });
    addStep(staff.doc, projectId, { id: stepIds[1]!, text: 'ラベルを はる' });
    expectOk(await suite.api.post(`/api/meetings/${first.id}/close`));
    // Between the meetings the steps are done.
    for (const stepId of stepIds) tickStep(staff.doc, projectId, stepId, staffId, true);
    boardRoots(staff.doc).projects.get(projectId)?.set('status', 'done');

    const page = await openProjector(board.id, FULL_HD);
    await page.getByTestId('present-ideas').waitFor();
    expect(await page.getByTestId('present-celebration').count()).toBe(0);
    // The meeting starts while the projector is open: the celebration comes first.
    expectOk(await suite.api.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const celebration = page.getByTestId('present-celebration');
    await celebration.waitFor();
    const achievement = celebration.getByTestId('present-achievement');
    await achievement.getByText('ラベルを新しくする', { exact: true }).waitFor();
    await achievement.getByText(t('present.projectDone'), { exact: true }).waitFor();
    await achievement.getByText('ラベルを はる', { exact: true }).waitFor();
    await achievement.getByText('あおい', { exact: true }).waitFor();
    await screenshot(page, 'projector-celebration-1920x1080');
    await expectNoScrolling(page);
    const violations = await checkA11y(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // The phase moves on: so does the projector.
    setMeta(staff.doc, { phase: 'vote', votesHidden: true });
    await celebration.waitFor({ state: 'detached' });
    await page.getByTestId('present-ideas').waitFor();
  });

  describe.each([FULL_HD, HD])('with 30 ideas at $width × $height', (viewport) => {
    it.each(['ja', 'en'] as const)('fits without scrolling before and after the reveal, axe-clean (%s)', { timeout: 90_000 }, async (locale) => {
      const { board, ids, staff, staffId } = await scene(`${locale === 'ja' ? '三十のアイデア' : 'Thirty ideas'} ${viewport.width}`, 30);
      setMeta(staff.doc, { phase: 'vote', votesHidden: true });
      ids.forEach((id, index) => castVote(staff.doc, staffId, id, (index * 7) % 6));
      startTimer(staff.doc, { durationMs: 5 * MINUTE_MS, label: '', now: Date.now() });
      const page = await openProjector(board.id, viewport, locale);
      await expect.poll(() => page.getByTestId('present-idea').count()).toBe(30);
      // The meeting timer, in the header, counting down.
      await page.locator('[data-testid="timer"][data-state="running"]').waitFor();
      await screenshot(page, `projector-ideas-${viewport.width}x${viewport.height}-${locale}`);
      await expectNoScrolling(page);
      let violations = await checkA11y(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      setMeta(staff.doc, { votesHidden: false });
      await page.getByTestId('present-results').waitFor();
      // Let the bars finish growing before the picture (the timer's one-second transitions go on).
      await page.waitForFunction(() =>
        document.getAnimations().every((animation) => !(animation instanceof CSSAnimation) || animation.playState !== 'running'),
      );
      await screenshot(page, `projector-results-${viewport.width}x${viewport.height}-${locale}`);
      await expectNoScrolling(page);
      violations = await checkA11y(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  });

  it('shows ideas beyond 30 a page at a time, with a page indicator, still without scrolling', { timeout: 60_000 }, async () => {
    const { board } = await scene('たくさんのボード', 42);
    const page = await openProjector(board.id, HD);
    await page.getByTestId('present-pages').waitFor();
    await expect.poll(() => page.getByTestId('present-idea').count()).toBe(30);
    await screenshot(page, 'projector-paged-1280x720');
    await expectNoScrolling(page);
  });
});
