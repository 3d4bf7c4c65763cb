/**
 * How long a remote change takes to appear on a 1,000-idea board (issue 4, story 9), in Chromium
 * with the CPU throttled 4× (and unthrottled, for comparison).
 *
 * A Node y-websocket client (a staff member on another device) changes the board; the page, a guest
 * on a phone-sized screen, watches the DOM with a MutationObserver. Both clocks are this machine's
 * `Date.now()`, so each number is the whole path: the Node client's encode and send, the server's
 * commit-before-relay, the browser's decode, the Yjs observer and Svelte's update of one card. A
 * second Node client on the same board times the relay alone, to show how much of it is the server.
 * It also counts in how many existing idea cards the DOM changed: 1 for an edit or a vote (the card
 * itself), 0 for a new idea (the new card is added beside the others, none of which re-render).
 *
 * Run: `npx tsx bench/remote-update-latency.ts` (about a minute; builds the client first).
 * Options: TRIALS=15 (per scenario), IDEAS=1000.
 */

import { addIdea, castVote, editIdea, tallies } from '../shared/board';
import { newId } from '../shared/ids';
import buildClient from '../tests/global-setup';
import { ApiClient } from '../tests/helpers/api-client';
import { boardFlows, launchBrowser, newPerson } from '../tests/helpers/browser';
import { startTestServer } from '../tests/helpers/server';
import { connectBoard, eventually } from '../tests/helpers/yjs-client';

const TRIALS = Number(process.env.TRIALS ?? 15);
const IDEAS = Number(process.env.IDEAS ?? 1000);
const PHONE = { width: 360, height: 740 };

interface Watch {
  /** CSS selector of the element whose text to wait for, and the text. */
  selector: string;
  text: string;
}

await buildClient();
const server = await startTestServer({ serveClient: true });
const browser = await launchBrowser();
try {
  const api = new ApiClient(server.url);
  const staff = await api.login();
  const board = await api.createBoard('1000のアイデア', { voteBudget: 20 });
  const writer = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
  const listener = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
  await Promise.all([writer.synced, listener.synced]);

  // 1,000 ideas, in batches as a busy meeting would bring them.
  const start = Date.now() - IDEAS * 1000;
  const ids: string[] = [];
  for (let batch = 0; batch < IDEAS; batch += 100) {
    writer.doc.transact(() => {
      for (let index = batch; index < Math.min(IDEAS, batch + 100); index++) {
        const id = newId();
        ids.push(id);
        addIdea(writer.doc, { id, text: `アイデア ${index + 1}: 作業をもっとよくするための小さな提案`, authorId: staff.actorId, createdAt: start + index * 1000 });
      }
    });
  }
  writer.doc.getMap('meta').set('phase', 'vote');
  await eventually(() => listener.doc.getMap('ideas').size === IDEAS, { timeoutMs: 30_000 });

  const person = await newPerson(browser, server.url, { viewport: PHONE, locale: 'ja' });
  await boardFlows('ja').guestJoins(person.page, board.joinCode!, 'ベンチ');
  await person.page.locator(`[data-idea-id="${ids.at(-1)}"]`).waitFor({ timeout: 30_000 });
  const page = person.page;
  const cdp = await person.context.newCDPSession(page);

  /** Arms an observer in the page that records when `watch` shows, and which cards changed meanwhile. */
  async function arm(watch: Watch): Promise<void> {
    await page.evaluate(({ selector, text }) => {
      const w = window as unknown as { seen: Promise<{ at: number; cards: number }> };
      w.seen = new Promise((resolve) => {
        // No named functions in here: tsx would wrap them in a helper the page does not have.
        const cards = new Set<string>();
        const observer = new MutationObserver((records) => {
          for (const record of records) {
            const target = record.target instanceof Element ? record.target : record.target.parentElement;
            const card = target?.closest('[data-idea-id]')?.getAttribute('data-idea-id');
            if (card) cards.add(card);
          }
          if (document.querySelector(selector)?.textContent?.includes(text) === true) {
            const at = Date.now();
            observer.disconnect();
            // Let the rest of this frame's work land before counting the cards it touched.
            requestAnimationFrame(() => resolve({ at, cards: cards.size }));
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    }, watch);
  }

  async function measure(name: string, trials: number, change: (trial: number) => Watch & { apply: () => void }) {
    const page_ms: number[] = [];
    const relay_ms: number[] = [];
    const cards: number[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const step = change(trial);
      await arm({ selector: step.selector, text: step.text });
      const relayed = new Promise<number>((resolve) => listener.doc.once('update', () => resolve(Date.now())));
      const sent = Date.now();
      step.apply();
      const seen = await page.evaluate(() => (window as unknown as { seen: Promise<{ at: number; cards: number }> }).seen);
      relay_ms.push((await relayed) - sent);
      page_ms.push(seen.at - sent);
      cards.push(seen.cards);
      await page.waitForTimeout(150);
    }
    return { name, median: median(page_ms), min: Math.min(...page_ms), max: Math.max(...page_ms), relay: median(relay_ms), cards: Math.max(...cards) };
  }

  const results: { rate: number; rows: Awaited<ReturnType<typeof measure>>[]; articles: number }[] = [];
  for (const rate of [1, 4]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await page.waitForTimeout(500);
    const top = ids.at(-1)!;
    const rows = [
      await measure('edit the text of a card on screen', TRIALS, (trial) => {
        const text = `なおしたアイデア ${rate}-${trial}`;
        return { selector: `[data-idea-id="${top}"] .text`, text, apply: () => editIdea(writer.doc, top, { text }) };
      }),
      await measure('a vote on a card on screen (tally)', TRIALS, () => ({
        selector: `[data-idea-id="${top}"] .votes`,
        text: `${(tallies(writer.doc).get(top) ?? 0) + 1} 票`,
        apply: () => castVote(writer.doc, staff.actorId, top, 1),
      })),
      await measure('a new idea arrives at the top', TRIALS, (trial) => {
        const id = newId();
        ids.push(id);
        const text = `新しいアイデア ${rate}-${trial}`;
        return {
          selector: `[data-idea-id="${id}"] .text`,
          text,
          apply: () => addIdea(writer.doc, { id, text, authorId: staff.actorId }),
        };
      }),
    ];
    results.push({ rate, rows, articles: await page.locator('article').count() });
  }

  console.log(`\nRemote update → visible on a ${IDEAS}-idea board (phone 360×740, Chromium ${browser.version()}), ${TRIALS} trials each\n`);
  for (const { rate, rows, articles } of results) {
    console.log(`CPU throttling ${rate}×  (idea cards in the DOM: ${articles} of ${IDEAS + 2 * TRIALS})`);
    console.log('  scenario                                  median    min    max   relay alone   cards whose DOM changed');
    for (const row of rows) {
      console.log(
        `  ${row.name.padEnd(40)} ${ms(row.median)} ${ms(row.min)} ${ms(row.max)}   ${ms(row.relay)}       ${row.cards}`,
      );
    }
  }
  writer.close();
  listener.close();
  await person.close();
} finally {
  await browser.close();
  await server.stop();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(0).padStart(5)}ms`;
}


