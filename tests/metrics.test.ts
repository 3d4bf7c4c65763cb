/** [spec 3] /metrics speaks Prometheus and counts what the relay does. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addIdea, castVote } from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually } from './helpers/yjs-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
const valueOf = (text: string, series: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

it('counts committed updates, open connections and refused changes by rule', async () => {
  const staff = new ApiClient(server.url);
  await staff.login();
  const board = await staff.createBoard();
  const guest = new ApiClient(server.url);
  const { actorId } = await guest.joinAsGuest(board.joinCode!, 'みお');
  const client = connectBoard(server.url, board.id, (await guest.boardToken(board.id)).token);
  await client.synced;

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
