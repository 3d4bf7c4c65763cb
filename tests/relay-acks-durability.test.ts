/**
 * [spec 4] The guarantee behind `saved`: a client that asked for acks never shows "saved" for an
 * update that a `kill -9` of the server then loses. A real server process, SIGKILLed mid-stream,
 * restarted on the same data; the acks are counted by message, as shared/sync-messages.ts says a
 * client that sees its own socket should.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, boardToJson, editIdea } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { ApiClient } from './helpers/api-client';
import { spawnServer, type ChildServer } from './helpers/child-server';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from './helpers/databases';
import { connectRecording, savedClock, type RecordingClient } from './helpers/recording-client';
import { connectBoard, eventually } from './helpers/yjs-client';

/** A server (re)start or two on a machine shared with other work. */
const CHILD_TIMEOUT_MS = 120_000;
/** A bound the stream never reaches: it ends with the kill. */
const IDEAS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(databaseKinds())('saved acks across kill -9 on %s', (kind: DatabaseKind) => {
  // One data directory and database for the file: the first start runs the migrations, and each
  // test restarts the server that the test before it killed (every test has a board of its own).
  let child: ChildServer | undefined;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let env: Record<string, string | undefined> = {};
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'teian-acks-'));
    database = await createTestDatabase(kind, dataDir);
    env = { DATA_DIR: dataDir, DATABASE_URL: database.url };
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(async () => {
    await child?.kill();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The server, started again on the same data if the last test killed it (or it died). */
  async function running(): Promise<ChildServer> {
    if (!child || child.process.exitCode !== null || child.process.signalCode !== null) child = await spawnServer(env);
    return child;
  }

  async function start(): Promise<{ boardId: string; token: string; actorId: string }> {
    const staff = new ApiClient((await running()).url);
    const { actorId } = await staff.login();
    const board = await staff.createBoard();
    return { boardId: board.id, token: (await staff.boardToken(board.id)).token, actorId };
  }

  async function acksClient(boardId: string, token: string): Promise<RecordingClient> {
    const client = connectRecording(child!.url, boardId, token, { acks: true });
    open.push(client);
    await client.synced;
    return client;
  }

  /** SIGKILLs the server and waits until the client's socket is gone: no ack can arrive after. */
  async function killUnder(client: RecordingClient): Promise<void> {
    await child!.kill();
    await eventually(() => expect(client.sockets[0]!.closeCode).not.toBeNull());
    // Stop it before the restart: a reconnect would send what the server lost in its sync step 2.
    client.provider.destroy();
  }

  /** Restarts the server on the same data and loads the board as a fresh stock client. */
  async function reload(boardId: string): Promise<Y.Doc> {
    const staff = new ApiClient((await running()).url);
    await staff.login();
    const fresh = connectBoard(child!.url, boardId, (await staff.boardToken(boardId)).token);
    open.push(fresh);
    await fresh.synced;
    return fresh.doc;
  }

  it(
    '[spec 4] never acks an idea that a SIGKILL mid-stream then loses',
    async () => {
      const { boardId, token, actorId } = await start();
      const writer = await acksClient(boardId, token);
      const socket = writer.current;
      /** The message that carried each idea: saved(messages >= n) covers idea n. */
      const sentIn = new Map<string, number>();
      let next = 0;
      /** Adds one idea in its own transaction; answers false once the socket no longer sends. */
      const write = (): boolean => {
        const before = socket.updatesSent;
        const id = `idea-${next++}`;
        addIdea(writer.doc, { id, text: `アイデア ${id}`, authorId: actorId });
        if (socket.updatesSent === before) return false;
        expect(socket.updatesSent).toBe(before + 1);
        sentIn.set(id, socket.updatesSent);
        return true;
      };
      // Kill at an arbitrary ack, in the middle of a burst: a few more ideas go out in the same tick
      // as the SIGKILL, so they are certainly unacked when the server dies.
      const killAfterAcks = 3 + Math.floor(Math.random() * 30);
      let killed = false;
      const killNow = () => {
        killed = true;
        for (let extra = 1 + Math.floor(Math.random() * 5); extra > 0; extra--) write();
        child!.process.kill('SIGKILL');
      };
      writer.provider.ws!.addEventListener('message', () => {
        if (!killed && socket.saved.length >= killAfterAcks) killNow();
      });

      while (next < IDEAS && !killed) {
        // Bursts of one to eight ideas in the same tick (one transaction each), then a pause.
        for (let burst = 1 + Math.floor(Math.random() * 8); burst > 0 && next < IDEAS; burst--) if (!write()) break;
        await sleep(Math.floor(Math.random() * 12));
      }
      // A slow database merges many ideas into one commit, so fewer acks come than ideas: a stream
      // that ends first is killed at its end, with a few ideas sent in the same tick all the same.
      if (!killed) {
        for (let waited = 0; !killed && waited < 2000; waited += 50) await sleep(50);
        if (!killed) killNow();
      }
      await killUnder(writer);

      const savedUpTo = Math.max(0, ...socket.saved.map((saved) => saved.messages));
      const clock = savedClock(socket, writer.doc.clientID);
      const acked = [...sentIn].filter(([, message]) => message <= savedUpTo).map(([id]) => id);
      const unacked = [...sentIn].filter(([, message]) => message > savedUpTo).map(([id]) => id);

      const fresh = await reload(boardId);
      const ideas = boardToJson(fresh).ideas;
      const lost = unacked.filter((id) => !(id in ideas));
      console.info(
        `[${kind}] killed after ${killAfterAcks} acks: ${sentIn.size} ideas sent, ${acked.length} acked, ` +
          `${unacked.length} unacked (${unacked.length - lost.length} stored all the same, ${lost.length} lost)`,
      );
      expect(acked.filter((id) => !(id in ideas)), 'acked ideas missing after the restart').toEqual([]);
      expect(Object.keys(ideas).every((id) => sentIn.has(id))).toBe(true);
      expect(Y.getState(fresh.store, writer.doc.clientID)).toBeGreaterThanOrEqual(clock);
      // The other direction is real: the kill came while some ideas were still waiting for their ack.
      expect(unacked.length).toBeGreaterThan(0);
      expect(acked.length).toBeGreaterThan(0);
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    '[spec 4] covers, in the clock form too, only what survives the kill',
    async () => {
      const { boardId, token, actorId } = await start();
      const writer = await acksClient(boardId, token);
      const socket = writer.current;
      for (let i = 0; i < 60; i++) {
        addIdea(writer.doc, { id: `idea-${i}`, text: `アイデア ${i}`, authorId: actorId });
        // Everything so far acked, however the server grouped it (one commit under load, many when idle).
        if (i === 30) await eventually(() => expect(savedClock(socket, writer.doc.clientID)).toBe(Y.getState(writer.doc.store, writer.doc.clientID)));
      }
      // The last twenty-nine went out in one tick; the kill follows in the same tick.
      child!.process.kill('SIGKILL');
      await killUnder(writer);

      const clock = savedClock(socket, writer.doc.clientID);
      expect(clock).toBeGreaterThan(0);
      expect(clock).toBeLessThan(Y.getState(writer.doc.store, writer.doc.clientID));
      const fresh = await reload(boardId);
      expect(Y.getState(fresh.store, writer.doc.clientID)).toBeGreaterThanOrEqual(clock);
    },
    CHILD_TIMEOUT_MS,
  );

  // Only PostgreSQL can be locked from another connection; PGlite lives inside the server process.
  if (kind === 'postgres') it(
    '[spec 4] sends no ack and relays nothing while the commit is blocked, and a SIGKILL then loses it unacked',
    async () => {
      const { boardId, token, actorId } = await start();
      const writer = await acksClient(boardId, token);
      const watcher = connectBoard(child!.url, boardId, token);
      open.push(watcher);
      await watcher.synced;
      addIdea(writer.doc, { id: 'before', text: 'ロックの前', authorId: actorId });
      await eventually(() => {
        expect(writer.savedMessages).toBe(writer.current.updatesSent);
        expect(Object.keys(boardToJson(watcher.doc).ideas)).toEqual(['before']);
      });

      const sql = postgres(database!.url!, { max: 2, onnotice: () => {} });
      try {
        let release!: () => void;
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        const holder = sql.begin(async (tx) => {
          await tx`lock table board_updates in access exclusive mode`;
          locked();
          await new Promise<void>((resolve) => (release = resolve));
        });
        await lockTaken;

        addIdea(writer.doc, { id: 'held', text: 'コミット待ち', authorId: actorId });
        const held = writer.current.updatesSent;
        // The server's commit is under way and waits for the lock.
        await eventually(async () => {
          const [row] = await sql`select count(*)::int as waiting from pg_locks where relation = 'board_updates'::regclass and not granted`;
          expect(row!.waiting).toBeGreaterThan(0);
        });
        await sleep(1000);
        expect(writer.savedMessages).toBe(held - 1);
        expect(Object.keys(boardToJson(watcher.doc).ideas)).toEqual(['before']);

        await killUnder(writer);
        release();
        await holder;
        expect(writer.sockets[0]!.saved.every((saved) => saved.messages < held), 'never acked').toBe(true);
      } finally {
        await sql.end();
      }

      const ideas = boardToJson(await reload(boardId)).ideas;
      expect(ideas).toHaveProperty('before');
      // Absent, or stored after all by a transaction that outlived its server: either way unacked.
      console.info(`[${kind}] the idea whose commit was blocked is ${'held' in ideas ? 'present' : 'absent'} after the restart`);
    },
    CHILD_TIMEOUT_MS,
  );
  // An update whose structs wait for changes the server lacks is not committed: its ack waits.
  it(
    '[spec 4] does not ack an update that waits on changes the server does not have yet',
    async () => {
      const { boardId, token, actorId } = await start();
      const writer = await acksClient(boardId, token);
      // Another tab's idea, reached this tab by BroadcastChannel (applied with the provider as
      // origin, so this provider does not send it): the server has never seen it.
      const otherTab = new Y.Doc();
      addIdea(otherTab, { id: 'from-other-tab', text: '別のタブ', authorId: actorId });
      const fromOtherTab = Y.encodeStateAsUpdate(otherTab);
      const before = writer.current.updatesSent;
      Y.applyUpdate(writer.doc, fromOtherTab, writer.provider);
      expect(writer.current.updatesSent).toBe(before);

      editIdea(writer.doc, 'from-other-tab', { text: 'このタブで直した' });
      const edit = writer.current.updatesSent;
      expect(edit).toBe(before + 1);
      await sleep(1000);
      const acked = writer.savedMessages >= edit;
      await killUnder(writer);

      const fresh = await reload(boardId);
      Y.applyUpdate(fresh, fromOtherTab); // the other tab comes back with its own idea
      const text = boardToJson(fresh).ideas['from-other-tab']?.text;
      console.info(`[${kind}] an edit waiting on another tab's idea: acked ${acked}, after the kill the text is ${text}`);
      expect(acked, 'an edit that waits on changes the server lacks is not acked').toBe(false);
      if (acked) expect(text, 'acked, so it must have survived the kill').toBe('このタブで直した');
    },
    CHILD_TIMEOUT_MS,
  );

  // An update that does not decode settles nothing: reading its clocks for the ack would throw.
  it(
    '[spec 4] closes an acks client whose update does not decode with 4400, and keeps serving everyone else',
    async () => {
      const { boardId, token, actorId } = await start();
      const sender = await acksClient(boardId, token);
      const bystander = await acksClient(boardId, token);
      const closed = new Promise<{ code: number }>((resolve) => sender.provider.once('closed', resolve));
      sender.sendRaw(Uint8Array.of(0, 2, 3, 0xff, 0xff, 0xff));
      expect((await closed).code).toBe(CloseCode.badMessage);

      await sleep(500);
      expect(child!.process.exitCode, 'the server process is still running').toBeNull();
      addIdea(bystander.doc, { id: 'still-here', text: 'まだ動いている', authorId: actorId });
      await eventually(() => expect(bystander.savedMessages).toBe(bystander.current.updatesSent), { timeoutMs: 5000 });
    },
    CHILD_TIMEOUT_MS,
  );
});
