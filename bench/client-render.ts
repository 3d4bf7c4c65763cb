/**
 * How the participant's board renders and responds on a 1,000-idea board (issue 11, item 5), in
 * Chromium with the CPU throttled 4× (a modest tablet), against the same page on a 30-idea board in
 * the same run: the ratios are what to compare.
 *
 * Each trial is a guest's first visit on a fresh phone-sized device (no IndexedDB copy yet): the
 * board is opened under a Chromium trace, then scrolled with the mouse wheel, then a vote is cast
 * with a click. It reports the time to the first idea card (from the navigation's start), the
 * time until every card of the first screen is there, the long tasks (a main-thread task over
 * 50 ms, from the trace's RunTask events) during the load, the scroll and the vote, and the vote
 * click's latency as the Event Timing API measures it (input delay + handlers + the next paint:
 * what INP is made of, in 8 ms steps).
 *
 * Run: `npx tsx bench/client-render.ts` (about two minutes; builds the client into dist/client
 * first, or uses `TEIAN_TEST_CLIENT_DIR` as it is). Options: TRIALS=3, IDEAS=1000, REFERENCE_IDEAS=30.
 */
import { pathToFileURL } from 'node:url';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { addIdea } from '../shared/board';
import { newId } from '../shared/ids';
import buildClient from '../tests/global-setup';
import { ApiClient } from '../tests/helpers/api-client';
import { boardFlows, launchBrowser, newPerson, PHONE } from '../tests/helpers/browser';
import { startTestServer, type TestServer } from '../tests/helpers/server';
import { connectBoard, eventually } from '../tests/helpers/yjs-client';
import { median } from './relay-clients';

const LONG_TASK_MS = 50;
const CPU_SLOWDOWN = 4;
const flows = boardFlows('ja');

/** Long main-thread tasks in one traced window. */
export interface LongTasks {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface RenderTrial {
  /** From the navigation's start to the first idea card in the DOM. */
  firstIdeaMs: number;
  /** From the navigation's start until the cards of the first screen stop changing (a frame without new ones). */
  firstScreenMs: number;
  /** Idea cards in the DOM once loaded: virtua renders only those near the screen. */
  cardsInDom: number;
  /** How far the wheel scrolled the page (the 30-idea board ends sooner). */
  scrolledPx: number;
  load: LongTasks;
  scroll: LongTasks;
  vote: LongTasks;
  /** The vote click's Event Timing duration (the longest entry of its interaction). */
  clickLatencyMs: number;
}

export interface ClientRenderResult {
  ideas: number;
  referenceIdeas: number;
  chromium: string;
  trials: { large: RenderTrial[]; reference: RenderTrial[] };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Records a trace of the page's renderer while `action` runs, and returns its long tasks. */
async function traced(cdp: CDPSession, action: () => Promise<void>): Promise<LongTasks> {
  const events: TraceEvent[] = [];
  const collect = (data: { value: object[] }) => events.push(...(data.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  await action();
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);

  const mainThreads = new Set(
    events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`),
  );
  const long = events
    .filter((event) => event.name === 'RunTask' && event.ph === 'X' && mainThreads.has(`${event.pid}:${event.tid}`))
    .map((event) => (event.dur ?? 0) / 1000)
    .filter((ms) => ms > LONG_TASK_MS);
  return { count: long.length, totalMs: long.reduce((sum, ms) => sum + ms, 0), maxMs: Math.max(0, ...long) };
}

/**
 * Set before any page script runs: when the first idea card appears, when the first screen's cards
 * stop coming, and every Event Timing entry (clicks, taps) the page sees. Plain JavaScript in a
 * string: a function would be rewritten by tsx with helpers the page does not have.
 */
const WATCH_RENDERING = `
  window.benchEvents = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) benchEvents.push({ name: entry.name, duration: entry.duration, interactionId: entry.interactionId });
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  window.benchFirstScreen = new Promise((resolve) => {
    let lastCount = 0;
    let lastChange = 0;
    const observer = new MutationObserver(() => {
      const count = document.querySelectorAll('[data-idea-id]').length;
      if (count === 0 || count === lastCount) return;
      if (lastCount === 0) window.benchFirstIdea = performance.now();
      lastCount = count;
      lastChange = performance.now();
    });
    observer.observe(document, { subtree: true, childList: true });
    // Settled: no new card for 250 ms after the first ones came.
    const poll = () => {
      if (lastCount > 0 && performance.now() - lastChange > 250) {
        observer.disconnect();
        resolve(lastChange);
      } else setTimeout(poll, 50);
    };
    poll();
  });
`;

async function seedBoard(server: TestServer, api: ApiClient, authorId: string, title: string, ideas: number): Promise<{ id: string; joinCode: string }> {
  const board = await api.createBoard(title, { voteBudget: 3 });
  const writer = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
  await writer.synced;
  const start = Date.now() - ideas * 60_000;
  for (let batch = 0; batch < ideas; batch += 100) {
    writer.doc.transact(() => {
      for (let index = batch; index < Math.min(ideas, batch + 100); index++) {
        addIdea(writer.doc, { id: newId(), text: `アイデア ${index + 1}: 作業をもっとよくするための小さな提案です。箱に番号をかいて、まちがえないようにする。`, authorId, createdAt: start + index * 60_000 });
      }
    });
  }
  writer.doc.getMap('meta').set('phase', 'vote');
  // Reopened, it must hold every idea: the board is stored, not only relayed.
  writer.close();
  const reader = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
  await reader.synced;
  await eventually(() => reader.doc.getMap('ideas').size === ideas, { timeoutMs: 60_000 });
  reader.close();
  return { id: board.id, joinCode: board.joinCode! };
}

async function trial(context: BrowserContext, page: Page, board: { id: string; joinCode: string }, guest: string): Promise<RenderTrial> {
  // A first visit: the guest's session comes from the join API; the board has never been on this device.
  const joined = await context.request.post('/api/join', { data: { code: board.joinCode, guestName: guest } });
  if (!joined.ok()) throw new Error(`joining as ${guest} answered ${joined.status()}`);
  await page.addInitScript({ content: WATCH_RENDERING });
  // Same origin first, so the throttled renderer is the one that opens the board.
  await page.goto('/healthz');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });

  // Inside the traced windows only the page's own work and raw input: Playwright's locators run
  // their queries in the page too, so each is resolved before its window opens.
  let firstScreenMs = 0;
  const load = await traced(cdp, async () => {
    await page.goto(`/b/${board.id}`);
    firstScreenMs = await page.evaluate(() => (window as unknown as { benchFirstScreen: Promise<number> }).benchFirstScreen);
    await page.waitForTimeout(500);
  });
  await page.locator('[role="status"][data-state="connected"]').waitFor({ timeout: 60_000 });
  const firstIdeaMs = await page.evaluate(() => (window as unknown as { benchFirstIdea: number }).benchFirstIdea);
  const cardsInDom = await page.locator('[data-idea-id]').count();

  const scroll = await traced(cdp, async () => {
    await page.mouse.move(PHONE.width / 2, PHONE.height / 2);
    for (let step = 0; step < 20; step++) {
      await page.mouse.wheel(0, 700);
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(300);
  });
  const scrolledPx = await page.evaluate(() => scrollY);

  // Back at the top, a vote button in the middle of the screen, clear of the header and the fixed
  // action bar (virtua may still be settling the rows below).
  await page.evaluate(() => scrollTo({ top: 0 }));
  await page.waitForTimeout(500);
  const voteLabel = flows.t('board.vote');
  const marked = await page.evaluate((label) => {
    const button = [...document.querySelectorAll('[data-idea-id] button')].find((candidate) => candidate.textContent?.trim() === label);
    if (!button) return false;
    button.setAttribute('data-bench-vote', '');
    const box = button.getBoundingClientRect();
    scrollBy({ top: box.top + box.height / 2 - innerHeight / 2 });
    return true;
  }, voteLabel);
  if (!marked) throw new Error('no vote button on the board');
  await page.waitForTimeout(500);
  const target = await page.evaluate(() => {
    const box = document.querySelector('[data-bench-vote]')?.getBoundingClientRect();
    return box && box.top > 0 && box.bottom < innerHeight ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : null;
  });
  if (!target) throw new Error('no vote button in the middle of the screen');
  const dotsLeft = page.getByTestId('dots-left');
  await dotsLeft.waitFor();
  await page.evaluate(() => {
    const w = window as unknown as { benchEvents: unknown[]; benchVoted: Promise<void> };
    w.benchEvents.length = 0;
    const counter = document.querySelector('[data-testid="dots-left"]')!;
    const before = counter.textContent;
    w.benchVoted = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (counter.textContent === before) return;
        observer.disconnect();
        resolve();
      });
      observer.observe(counter, { subtree: true, childList: true, characterData: true });
    });
  });
  const vote = await traced(cdp, async () => {
    await page.mouse.click(target.x, target.y);
    await page.evaluate(() =>
      Promise.race([
        (window as unknown as { benchVoted: Promise<void> }).benchVoted,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the vote click changed no dot in 30 s')), 30_000)),
      ]),
    );
    await page.waitForTimeout(500);
  });
  await flows.dotsLeftIs(page, 2);
  const events = await page.evaluate(() => (window as unknown as { benchEvents: { name: string; duration: number; interactionId: number }[] }).benchEvents);
  const clickLatencyMs = Math.max(0, ...events.filter((entry) => entry.interactionId > 0).map((entry) => entry.duration));
  await cdp.detach();
  return { firstIdeaMs, firstScreenMs, cardsInDom, scrolledPx, load, scroll, vote, clickLatencyMs };
}

/** Opens each board `trials` times (alternating, so drift on a shared machine falls on both alike). */
export async function clientRender({
  trials = Number(process.env.TRIALS ?? 3),
  ideas = Number(process.env.IDEAS ?? 1000),
  referenceIdeas = Number(process.env.REFERENCE_IDEAS ?? 30),
} = {}): Promise<ClientRenderResult> {
  if (!process.env.TEIAN_TEST_CLIENT_DIR) await buildClient();
  const server = await startTestServer({ serveClient: true });
  const browser = await launchBrowser();
  try {
    const api = new ApiClient(server.url);
    const staff = await api.login();
    const large = await seedBoard(server, api, staff.actorId, `${ideas}のアイデア`, ideas);
    const reference = await seedBoard(server, api, staff.actorId, `${referenceIdeas}のアイデア`, referenceIdeas);
    const result: ClientRenderResult = { ideas, referenceIdeas, chromium: browser.version(), trials: { large: [], reference: [] } };
    for (let index = 0; index < trials; index++) {
      for (const [name, board] of [['reference', reference], ['large', large]] as const) {
        const person = await newPerson(browser, server.url, { viewport: PHONE, locale: 'ja' });
        try {
          process.stderr.write(`client-render: trial ${index + 1} of ${trials}, ${name === 'large' ? ideas : referenceIdeas} ideas\n`);
          result.trials[name].push(await trial(person.context, person.page, board, `ベンチ${index + 1}`));
        } finally {
          await person.close();
        }
      }
    }
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}

export function reportClientRender(result: ClientRenderResult): string[] {
  const rows: { name: string; value: (trial: RenderTrial) => number; unit: string }[] = [
    { name: 'first idea card', value: (trial) => trial.firstIdeaMs, unit: 'ms' },
    { name: 'first screen of cards', value: (trial) => trial.firstScreenMs, unit: 'ms' },
    { name: 'idea cards in the DOM', value: (trial) => trial.cardsInDom, unit: '' },
    { name: 'long tasks, load (count)', value: (trial) => trial.load.count, unit: '' },
    { name: 'long tasks, load (longest)', value: (trial) => trial.load.maxMs, unit: 'ms' },
    { name: 'long tasks, load (total)', value: (trial) => trial.load.totalMs, unit: 'ms' },
    { name: 'scrolled by the wheel', value: (trial) => trial.scrolledPx, unit: 'px' },
    { name: 'long tasks, scroll (count)', value: (trial) => trial.scroll.count, unit: '' },
    { name: 'long tasks, scroll (longest)', value: (trial) => trial.scroll.maxMs, unit: 'ms' },
    { name: 'long tasks, vote (count)', value: (trial) => trial.vote.count, unit: '' },
    { name: 'long tasks, vote (longest)', value: (trial) => trial.vote.maxMs, unit: 'ms' },
    { name: 'vote click latency (Event Timing)', value: (trial) => trial.clickLatencyMs, unit: 'ms' },
  ];
  const lines = [
    `participant's board in Chromium ${result.chromium}, phone 390×844, CPU ${CPU_SLOWDOWN}× slower, first visit; median of ${result.trials.large.length}`,
    `  ${'measure'.padEnd(36)} ${`${result.ideas} ideas`.padStart(11)} ${`${result.referenceIdeas} ideas`.padStart(11)}   ratio`,
  ];
  for (const row of rows) {
    const large = median(result.trials.large.map(row.value));
    const reference = median(result.trials.reference.map(row.value));
    const ratio = reference > 0 ? `${(large / reference).toFixed(2)}×` : large > 0 ? '—' : '1.00×';
    const show = (value: number) => `${value.toFixed(0)}${row.unit ? ` ${row.unit}` : ''}`.padStart(11);
    lines.push(`  ${row.name.padEnd(36)} ${show(large)} ${show(reference)}   ${ratio}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of reportClientRender(await clientRender())) console.log(line);
}
