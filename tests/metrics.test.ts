/** [spec 3] /metrics speaks Prometheus and counts what the relay does. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addIdea, castVote, editIdea } from '../shared/board';
import type { BoardStore } from '../server/persistence/board-store';
import { ApiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually } from './helpers/yjs-client';

/** Commits wait here while `held` is set, so a test can see what the rooms hold meanwhile. */
let held: Promise<void> | null = null;
const holdingCommits = (store: BoardStore): BoardStore => ({
  ...store,
  commit: async (...args) => {
    if (held) await held;
    return store.commit(...args);
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ wrapStore: holdingCommits });
});
afterAll(() => server.stop());

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
const valueOf = (text: string, series: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function guestOnNewBoard() {
  const staff = new ApiClient(server.url);
  await staff.login();
  const board = await staff.createBoard();
  const guest = new ApiClient(server.url);
  const { actorId } = await guest.joinAsGuest(board.joinCode!, 'みお');
  const client = connectBoard(server.url, board.id, (await guest.boardToken(board.id)).token);
  await client.synced;
  return { client, actorId };
}

it('counts committed updates, open connections and refused changes by rule', async () => {
  const { client, actorId } = await guestOnNewBoard();
  addIdea(client.doc, { id: 'i1', text: 'ラベルを大きくする', authorId: actorId });
  castVote(client.doc, actorId, 'i1', 1); // the board is still collecting ideas: refused
  await eventually(async () => {
    const text = await scrape();
    expect(valueOf(text, 'teian_refused_changes_total{rule="votes.phase"}')).toBe(1);
  });
  const text = await scrape();
  expect(valueOf(text, 'teian_connections')).toBe(1);
  expect(valueOf(text, 'teian_boards_loaded')).toBe(1);
  expect(valueOf(text, 'teian_updates_committed_total')).toBeGreaterThanOrEqual(1);
  // The idea was accepted (one event), the vote refused (none).
  expect(valueOf(text, 'teian_events_written_total')).toBe(1);
  expect(valueOf(text, 'teian_commit_failures_total')).toBe(0);
  expect(valueOf(text, 'teian_boards_waiting')).toBe(0);
  client.close();
});

it('reports updates per second, the size of each group commit and its latency', async () => {
  const { client, actorId } = await guestOnNewBoard();
  const before = valueOf(await scrape(), 'teian_updates_committed_total')!;
  addIdea(client.doc, { id: 'rate', text: '一', authorId: actorId });
  for (const text of ['一二', '一二三', '一二三四']) editIdea(client.doc, 'rate', { text });
  await eventually(async () => expect(valueOf(await scrape(), 'teian_updates_committed_total')).toBeGreaterThanOrEqual(before + 4));

  const text = await scrape();
  const committed = valueOf(text, 'teian_updates_committed_total')!;
  // Every commit is one observation of its size; the sizes add up to every update committed.
  const commits = valueOf(text, 'teian_commit_batch_updates_count')!;
  expect(commits).toBeGreaterThanOrEqual(2);
  expect(valueOf(text, 'teian_commit_batch_updates_sum')).toBe(committed);
  expect(valueOf(text, 'teian_commit_batch_updates_bucket{le="+Inf"}')).toBe(commits);
  expect(valueOf(text, 'teian_commit_seconds_count')).toBe(commits);
  expect(valueOf(text, 'teian_commit_seconds_sum')).toBeGreaterThan(0);
  // The window leaves out the current second: the updates show once it has passed.
  await eventually(async () => expect(valueOf(await scrape(), 'teian_updates_per_second')).toBeGreaterThan(0), { timeoutMs: 5_000 });
  expect(valueOf(await scrape(), 'teian_updates_per_second')).toBeLessThanOrEqual(committed / 10);
  client.close();
});

it('reports the update bytes that wait to be stored, and none once they are', async () => {
  const { client, actorId } = await guestOnNewBoard();
  let release!: () => void;
  held = new Promise((resolve) => (release = resolve));
  addIdea(client.doc, { id: 'held', text: '保存を待つアイデア', authorId: actorId });
  try {
    await eventually(async () => expect(valueOf(await scrape(), 'teian_unstored_update_bytes')).toBeGreaterThan(0));
  } finally {
    held = null;
    release();
  }
  await eventually(async () => expect(valueOf(await scrape(), 'teian_unstored_update_bytes')).toBe(0));
  client.close();
});

it("reports the relay's outbound buffers and the event loop's delay", async () => {
  const { client } = await guestOnNewBoard();
  const text = await scrape();
  const total = valueOf(text, 'teian_outbound_buffered_bytes');
  const max = valueOf(text, 'teian_outbound_buffered_bytes_max');
  expect(total).toBeGreaterThanOrEqual(0);
  expect(max).toBeGreaterThanOrEqual(0);
  expect(max).toBeLessThanOrEqual(total!);
  // prom-client's default metrics measure it with perf_hooks.monitorEventLoopDelay.
  for (const series of ['p50', 'p99', 'max']) expect(valueOf(text, `teian_nodejs_eventloop_lag_${series}_seconds`)).toBeGreaterThan(0);
  // A single instance has no Redis, so no lag series at all rather than a made-up zero.
  expect(text).not.toContain('teian_redis_lag_seconds');
  client.close();
});
