/**
 * [spec 4] A missing, expired, forged or other-board token is refused before the upgrade
 * completes, and the client receives nothing of the board.
 */
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readMeta } from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard } from './helpers/yjs-client';

let server: TestServer;
let staff: ApiClient;
let boardId: string;
let otherBoardId: string;

beforeAll(async () => {
  server = await startTestServer();
  staff = new ApiClient(server.url);
  await staff.login();
  boardId = (await staff.createBoard('ひみつのボード')).id;
  otherBoardId = (await staff.createBoard('ほかのボード')).id;
});
afterAll(() => server.stop());

interface Attempt {
  status: number | 'open';
  messages: number;
}

/** Tries to open the relay for `board` with `token`, and counts every byte the server sends. */
function attempt(board: string, token: string | undefined): Promise<Attempt> {
  const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${board}${query}`);
  let messages = 0;
  ws.on('message', () => messages++);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, messages }));
    });
    ws.on('open', () => {
      // Give the server time to send anything it would send.
      setTimeout(() => {
        ws.close();
        resolve({ status: 'open', messages });
      }, 300);
    });
  });
}

describe('relay tokens', () => {
  it('opens with a valid token (so the refusals below are about the token)', async () => {
    const { token } = await staff.boardToken(boardId);
    const result = await attempt(boardId, token);
    expect(result.status).toBe('open');
    expect(result.messages).toBeGreaterThan(0);
  });

  it('refuses a missing token with 401', async () => {
    expect(await attempt(boardId, undefined)).toEqual({ status: 401, messages: 0 });
  });

  it('refuses an expired token with 401', async () => {
    const { token } = await server.tokens.issue(boardId, { id: 'someone', role: 'staff', name: 'x' }, -60_000);
    expect(await attempt(boardId, token)).toEqual({ status: 401, messages: 0 });
  });

  it('refuses a token signed with another key with 401', async () => {
    const forged = await sign(
      { sub: 'intruder', board: boardId, role: 'staff', name: 'x', aud: 'teian-board', exp: Math.floor(Date.now() / 1000) + 600 },
      'not-the-server-secret',
      'HS256',
    );
    expect(await attempt(boardId, forged)).toEqual({ status: 401, messages: 0 });
  });

  it('refuses a token whose claims were altered with 401', async () => {
    const { token } = await staff.boardToken(otherBoardId);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, board: boardId })).toString('base64url');
    expect(await attempt(boardId, `${header}.${altered}.${signature}`)).toEqual({ status: 401, messages: 0 });
  });

  it('refuses a token for another board with 403', async () => {
    const { token } = await staff.boardToken(otherBoardId);
    expect(await attempt(boardId, token)).toEqual({ status: 403, messages: 0 });
  });

  it('leaves a WebsocketProvider with a refused token with an empty document', async () => {
    const { token } = await staff.boardToken(otherBoardId);
    const client = connectBoard(server.url, boardId, token);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.provider.synced).toBe(false);
    expect(readMeta(client.doc).title).toBe('');
    client.close();
  });
});
