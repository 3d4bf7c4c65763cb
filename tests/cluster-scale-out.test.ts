/**
 * [issue 11, item 4] Two instances behind one PostgreSQL and one Redis (docs/scale-out.md): stock
 * y-websocket clients on different instances converge and see each other's presence, a missed
 * pub/sub message is found by the log's sequence numbers and read from the log, and an instance
 * that dies loses nothing that was committed while the clients move to the one left.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addIdea, boardToJson } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { Leases } from '../server/cluster/lease';
import { Outbox } from '../server/cluster/outbox';
import { names } from '../server/cluster/wire';
import { silentLogger } from '../server/log';
import type { RunningServer } from '../server/server';
import { ApiClient } from './helpers/api-client';
import { createTestDatabase, type TestDatabase } from './helpers/databases';
import { startClusterServer, testRedisUrl, uniquePrefix } from './helpers/redis';
import { startTestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

const redisUrl = testRedisUrl();

describe('without REDIS_URL', () => {
  it('runs as one instance with no Redis link at all', async () => {
    const server = await startTestServer();
    try {
      expect(server.cluster).toBeNull();
      expect(server.registry.clustered).toBe(false);
    } finally {
      await server.stop();
    }
  });
});

describe.each(redisUrl ? [redisUrl] : [])('two instances through Redis (%s)', (url) => {
  let database: TestDatabase;
  const servers: RunningServer[] = [];
  const clients: BoardClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.allSettled(servers.splice(0).map((server) => server.close()));
  });
  afterAll(() => database.drop());

  let prefix = '';

  /** A fresh cluster of `count` instances. */
  async function cluster(count: number): Promise<RunningServer[]> {
    prefix = uniquePrefix();
    const started: RunningServer[] = [];
    for (let index = 0; index < count; index++) started.push(await join());
    return started;
  }

  /** Two fresh instances and a board that staff signed in on `maker` made. */
  async function boardOnTwo(maker: 'a' | 'b' = 'a', title?: string) {
    const [a, b] = (await cluster(2)) as [RunningServer, RunningServer];
    const staff = new ApiClient((maker === 'a' ? a : b).url);
    await staff.login();
    const board = await staff.createBoard(title);
    return { a, b, staff, board };
  }

  /** One more instance of the current cluster. */
  async function join(): Promise<RunningServer> {
    const server = await startClusterServer({ database, redisUrl: url, prefix });
    servers.push(server);
    return server;
  }

  async function guestOn(server: RunningServer, boardId: string, joinCode: string, name: string): Promise<BoardClient & { actorId: string }> {
    const person = new ApiClient(server.url);
    const { actorId } = await person.joinAsGuest(joinCode, name);
    const client = connectBoard(server.url, boardId, (await person.boardToken(boardId)).token);
    clients.push(client);
    await client.synced;
    return Object.assign(client, { actorId });
  }

  async function staffOn(server: RunningServer, boardId: string): Promise<BoardClient> {
    const staff = new ApiClient(server.url);
    await staff.login();
    const client = connectBoard(server.url, boardId, (await staff.boardToken(boardId)).token);
    clients.push(client);
    await client.synced;
    return client;
  }

  function ideaIds(client: BoardClient): string[] {
    return Object.keys(boardToJson(client.doc).ideas).sort();
  }

  it('lets clients on different instances see each other’s ideas and presence', async () => {
    const { a, b, board } = await boardOnTwo('a', '二台の会');
    // The first connection makes its instance the board's owner; the other follows.
    const facilitator = await staffOn(a, board.id);
    const onA = await guestOn(a, board.id, board.joinCode!, 'あおい');
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    expect(b.registry.follower(board.id)).not.toBeNull();

    addIdea(onA.doc, { id: 'idea-a', text: '箱を色で分ける', authorId: onA.actorId });
    addIdea(onB.doc, { id: 'idea-b', text: '手袋を入口に置く', authorId: onB.actorId });
    await eventually(() => {
      for (const client of [facilitator, onA, onB]) expect(ideaIds(client)).toEqual(['idea-a', 'idea-b']);
    });
    expect(boardToJson(onA.doc)).toEqual(boardToJson(onB.doc));

    onA.provider.awareness.setLocalStateField('typing', false);
    onB.provider.awareness.setLocalStateField('typing', false);
    await eventually(() => {
      expect(onB.provider.awareness.getStates().has(onA.doc.clientID)).toBe(true);
      expect(onA.provider.awareness.getStates().has(onB.doc.clientID)).toBe(true);
    });
    // The server stamps the identity of the socket, on whichever instance it is.
    expect(onA.provider.awareness.getStates().get(onB.doc.clientID)).toMatchObject({ user: { id: onB.actorId } });

    // A server change asked of the follower runs in the owner's room and reaches everybody.
    const staffOnB = new ApiClient(b.url);
    await staffOnB.login();
    const merged = await staffOnB.request('POST', `/api/boards/${board.id}/ideas/idea-b/merge`, { into: 'idea-a' });
    expect(merged.status).toBe(200);
    await eventually(() => expect(boardToJson(onB.doc).ideas['idea-b']?.mergedInto).toBe('idea-a'));

    // The follower says how far behind the owner's stream it reads.
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^teian_redis_lag_seconds \d/m);
  });

  it('finds a missed stream message by its sequence numbers and reads it from the log', async () => {
    const { a, b, board } = await boardOnTwo();
    const onA = await guestOn(a, board.id, board.joinCode!, 'あおい');
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    let dropped = 0;
    b.cluster!.dropStream = (boardId, message) => boardId === board.id && message.t === 'update' && dropped++ === 0;

    addIdea(onA.doc, { id: 'lost', text: '届かなかった', authorId: onA.actorId });
    await eventually(() => expect(dropped).toBe(1));
    expect(ideaIds(onB)).toEqual([]);
    addIdea(onA.doc, { id: 'next', text: '次の案', authorId: onA.actorId });
    await eventually(() => expect(ideaIds(onB)).toEqual(['lost', 'next']));
    expect(b.registry.follower(board.id)!.recoveries).toBe(1);
    expect(boardToJson(onB.doc)).toEqual(boardToJson(onA.doc));
  });

  it('loses nothing committed when the owner dies, and the clients move to the instance left', async () => {
    const { a, b, board } = await boardOnTwo('b');
    const onA = await guestOn(a, board.id, board.joinCode!, 'あおい');
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    addIdea(onB.doc, { id: 'before-1', text: '一', authorId: onB.actorId });
    addIdea(onA.doc, { id: 'before-2', text: '二', authorId: onA.actorId });
    // Seen on the other instance means committed: nothing is relayed before its commit.
    await eventually(() => {
      expect(ideaIds(onA)).toEqual(['before-1', 'before-2']);
      expect(ideaIds(onB)).toEqual(['before-1', 'before-2']);
    });

    // The owner crashes: no lease released, nothing flushed, its sockets just drop.
    servers.splice(servers.indexOf(a), 1);
    await a.crash();
    onA.close();
    // Written while the board has no owner: the client keeps it until a room takes it.
    addIdea(onB.doc, { id: 'during', text: '間', authorId: onB.actorId });

    // B's replica sees the lease expire, closes its socket; the client reconnects and B owns it now.
    await eventually(() => expect(b.registry.follower(board.id)).toBeNull(), { timeoutMs: 20_000 });
    await eventually(() => expect(b.registry.loadedCount).toBeGreaterThan(0), { timeoutMs: 20_000 });
    addIdea(onB.doc, { id: 'after', text: '後', authorId: onB.actorId });

    // An instance that starts late follows B, loading the board from PostgreSQL.
    const late = await guestOn(await join(), board.id, board.joinCode!, 'みき');
    await eventually(() => expect(ideaIds(late)).toEqual(['after', 'before-1', 'before-2', 'during']), { timeoutMs: 15_000 });
    await eventually(() => expect(boardToJson(onB.doc)).toEqual(boardToJson(late.doc)));
  });

  it('lets no instance take a lease before its holder has stopped committing', async () => {
    const keys = names(uniquePrefix());
    const holderRedis = new Redis(url);
    const otherRedis = new Redis(url);
    const lost: string[] = [];
    const holder = new Leases({ redis: holderRedis, names: keys, instanceId: 'holder', ttlMs: 600, log: silentLogger, onLost: (id) => lost.push(id) });
    const other = new Leases({ redis: otherRedis, names: keys, instanceId: 'other', ttlMs: 600, log: silentLogger, onLost: () => {} });
    try {
      expect(await holder.acquire('board')).toBe('holder');
      expect(await other.acquire('board')).toBe('holder');
      expect(holder.holds('board')).toBe(true);
      // The holder is cut off from Redis: it cannot renew, and must stop before the lease can pass.
      holderRedis.disconnect();
      let owner: string | null = 'holder';
      while (owner !== 'other') {
        const holdsBefore = holder.holds('board');
        owner = await other.acquire('board');
        if (owner === 'other') expect(holdsBefore).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(holder.check('board')).toBe(false);
      await eventually(() => expect(lost).toEqual(['board']));
    } finally {
      await holder.close({ release: false });
      await other.close({ release: true });
      otherRedis.disconnect();
    }
  });

  it('publishes what one tick has for one channel as one Redis message', async () => {
    const channel = `${uniquePrefix()}:batch`;
    const publisher = new Redis(url);
    const subscriber = new Redis(url);
    const received: unknown[][] = [];
    try {
      subscriber.on('message', (_channel: string, payload: string) => received.push(JSON.parse(payload) as unknown[]));
      await subscriber.subscribe(channel);
      const outbox = new Outbox(publisher, silentLogger);
      for (let index = 0; index < 100; index++) outbox.push(channel, { index });
      await eventually(() => expect(received.flat()).toHaveLength(100));
      expect(received).toHaveLength(1);
      expect(outbox.published).toBe(1);
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
    }
  });

  it('closes a follower’s sockets when rights change on another instance', async () => {
    const { a, b, staff, board } = await boardOnTwo();
    await staffOn(a, board.id);
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    const codes: number[] = [];
    onB.provider.on('connection-close', (event: CloseEvent | null) => event && codes.push(event.code));
    // A new join code ends the guests who came in with the old one, on every instance.
    expect((await staff.request('POST', `/api/boards/${board.id}/join-code`)).status).toBe(200);
    await eventually(() => expect(codes).toContain(CloseCode.forbidden));
  });

  it('counts a meeting’s attendees on every instance', async () => {
    const { b, staff, board } = await boardOnTwo();
    // The board's room runs on B (its first socket); the meeting is started and closed on A.
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    const started = await staff.request<{ id: string }>('POST', `/api/boards/${board.id}/meetings`, {});
    expect(started.status).toBe(201);
    const meetingId = started.body.id;
    await eventually(async () => {
      const meeting = await staff.request<{ attendance: string[] }>('GET', `/api/meetings/${meetingId}`);
      expect(meeting.body.attendance).toContain(onB.actorId);
    });
    const closed = await staff.request<{ attendance: string[] }>('POST', `/api/meetings/${meetingId}/close`, {});
    expect(closed.status).toBe(200);
    expect(closed.body.attendance).toEqual([onB.actorId]);
  });

  it('hands a board over when its owner shuts down, and a later instance joins', async () => {
    const { a, b, board } = await boardOnTwo();
    const onA = await guestOn(a, board.id, board.joinCode!, 'あおい');
    const onB = await guestOn(b, board.id, board.joinCode!, 'けん');
    addIdea(onA.doc, { id: 'first', text: '一', authorId: onA.actorId });
    await eventually(() => expect(ideaIds(onB)).toEqual(['first']));

    // A graceful stop stores everything and releases the lease: B's replica goes, B owns the board.
    servers.splice(servers.indexOf(a), 1);
    onA.close();
    await a.close();
    await eventually(() => expect(b.registry.follower(board.id)).toBeNull(), { timeoutMs: 15_000 });
    addIdea(onB.doc, { id: 'second', text: '二', authorId: onB.actorId });
    const late = await guestOn(await join(), board.id, board.joinCode!, 'みき');
    await eventually(() => expect(ideaIds(late)).toEqual(['first', 'second']), { timeoutMs: 15_000 });
  });
});
