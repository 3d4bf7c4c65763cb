/**
 * [issue 11, item 4] Guessing limits across instances (server/auth/guess-limits.ts,
 * docs/scale-out.md): counts and locks live in Redis, so a guesser who spreads guesses over two
 * instances is locked as soon as on one, and staff see and lift a lock on whichever instance
 * their browser reaches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Board, Lockout, Participant } from '../shared/api';
import type { RunningServer } from '../server/server';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';
import { createTestDatabase, type TestDatabase } from './helpers/databases';
import { startClusterServer, testRedisUrl, uniquePrefix } from './helpers/redis';

const redisUrl = testRedisUrl();

function expectLocked(answer: ApiAnswer<unknown>): void {
  expect({ status: answer.status, code: (answer.body as ApiError)?.error?.code }).toEqual({ status: 429, code: 'locked_out' });
}

describe.each(redisUrl ? [redisUrl] : [])('guessing limits on two instances (%s)', (url) => {
  let database: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  let board: Board;
  const staff = { a: undefined as unknown as ApiClient, b: undefined as unknown as ApiClient };
  let addressCount = 0;
  /** A person at an address of their own, on one instance. */
  const from = (server: RunningServer, address = `10.9.0.${++addressCount}`) =>
    new ApiClient(server.url, { headers: { 'x-forwarded-for': address } });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const prefix = uniquePrefix();
    a = await startClusterServer({ database, redisUrl: url, prefix, trustProxy: true });
    b = await startClusterServer({ database, redisUrl: url, prefix, trustProxy: true });
    staff.a = from(a, '192.168.0.10');
    staff.b = from(b, '192.168.0.10');
    await staff.a.login();
    await staff.b.login();
    board = await staff.a.createBoard('朝の会');
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await database?.drop();
  });

  it('locks a card at its 5th wrong PIN counted over both instances, on both, until staff lift it on either', async () => {
    const card = expectOk(await staff.a.post<Participant>('/api/participants', { displayName: 'ゆき', pin: '2468' }));
    const tryPin = (server: RunningServer, pin: string) => from(server).post('/api/join', { code: board.joinCode, participantId: card.id, pin });
    for (const [server, pin] of [[a, '0000'], [b, '1111'], [a, '2222'], [b, '3333']] as const) {
      expect((await tryPin(server, pin)).status).toBe(401);
    }
    expectLocked(await tryPin(a, '4444'));
    expectLocked(await tryPin(b, '2468'));
    const shown = expectOk(await staff.b.get<Participant[]>('/api/participants')).find((person) => person.id === card.id);
    expect(Date.parse(shown!.pinLockedUntil!)).toBeGreaterThan(Date.now() + 59 * 60_000);

    expectOk(await staff.b.post<Participant>(`/api/participants/${card.id}/unlock`));
    expect(expectOk(await tryPin(a, '2468'))).toMatchObject({ id: card.id, role: 'participant' });
  });

  it('lists an address locked on one instance on the other, and a lift there frees it on the first', async () => {
    const address = '10.9.1.1';
    for (let guess = 0; guess < 20; guess++) {
      const server = guess % 2 === 0 ? a : b;
      await from(server, address).get(`/api/join/${String(100000 + guess * 7919)}`);
    }
    expectLocked(await from(a, address).get(`/api/join/${board.joinCode}`));
    expectLocked(await from(b, address).get(`/api/join/${board.joinCode}`));

    const lock = expectOk(await staff.b.get<Lockout[]>('/api/lockouts')).find((entry) => entry.address === address);
    expect(lock).toEqual({ id: expect.any(String), kind: 'join-code', address, login: null, until: expect.any(String) });
    expect(expectOk(await staff.a.get<Lockout[]>('/api/lockouts')).map((entry) => entry.id)).toContain(lock!.id);

    expect((await staff.b.request('DELETE', `/api/lockouts/${lock!.id}`)).status).toBe(204);
    expect((await from(a, address).get(`/api/join/${board.joinCode}`)).status).toBe(200);
    expect(expectOk(await staff.a.get<Lockout[]>('/api/lockouts')).map((entry) => entry.address)).not.toContain(address);
  });
});
