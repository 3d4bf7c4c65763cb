/**
 * One board's live document and the connections to it: the relay's engine. It knows nothing of
 * Hono or `ws` (connections are `Connection`s) and talks to storage only through a `BoardStore`.
 *
 * The one rule everything here serves (spec 4): nothing is shown to any client before it is
 * committed. Incoming updates are therefore not applied as they arrive but queued, and one drain
 * loop at a time takes everything queued, applies it, commits it in one transaction (group commit),
 * and only then relays it and answers the sync requests that were waiting with it. Because nothing
 * is applied while a commit is in flight, the document is exactly the committed state whenever a
 * sync answer is computed.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/close-codes';
import type { Logger } from '../log';
import type { SyncMetrics } from '../metrics';
import type { BoardStore, StoredBoard, UpdateRow } from '../persistence/board-store';
import { BoardGuard, type Refusal } from '../permissions/guard';
import type { EntryRef } from '../permissions/entries';
import { claimAwareness } from './awareness';
import { Connection, exhaustive } from './connection';
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  MalformedMessage,
} from './protocol';

export interface RoomOptions {
  boardId: string;
  stored: StoredBoard;
  store: BoardStore;
  /** Log rows past the latest snapshot that trigger a compaction. */
  compactAfterUpdates: number;
  log: Logger;
  /** Called when the last connection leaves, so the registry can plan to unload the room. */
  onEmpty?: (room: Room) => void;
  metrics?: SyncMetrics | undefined;
  /** False only in the benchmark that measures what the permission check costs. */
  checkPermissions?: boolean;
}

/** A change the server itself makes (an HTTP route, a restore), attributed to a person. */
export class ServerChange {
  constructor(readonly actorId: string) {}
}

/**
 * What the relay stores and sends for an update the rules refused in part or whole: the update and
 * its compensation as one net change, sent to everyone, the sender too, so that all converge.
 */
class Compensated {
  constructor(readonly connection: Connection) {}
}

type Work =
  | { kind: 'update'; connection: Connection; update: Uint8Array }
  | { kind: 'sync-request'; connection: Connection; stateVector: Uint8Array }
  | { kind: 'change'; origin: ServerChange; change: (doc: Y.Doc) => void; done: () => void };

interface Accepted {
  update: Uint8Array;
  origin: unknown;
}

/** What the room keeps per connection. */
interface Peer {
  /** The awareness client ids this connection speaks for, removed when it leaves. */
  clientIds: Set<number>;
  /**
   * Whether the connection has been answered its sync request. Updates are relayed only from then
   * on: everything committed before is in that answer, and a client handed updates whose
   * dependencies it lacks keeps them pending and re-merges them on every message (quadratic).
   */
  synced: boolean;
}

const MAX_RETRY_DELAY_MS = 5000;

export class Room {
  readonly boardId: string;
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;

  #store: BoardStore;
  #log: Logger;
  #compactAfterUpdates: number;
  #onEmpty: ((room: Room) => void) | undefined;
  #metrics: SyncMetrics | undefined;
  #guard: BoardGuard | null;
  /**
   * The connection whose update left structs waiting for changes the server does not have. Only
   * that connection's next updates may complete them, so that every change is checked against
   * the identity of the connection that sent it.
   */
  #pendingOwner: Connection | null = null;
  #connections = new Map<Connection, Peer>();
  #queue: Work[] = [];
  #draining: Promise<void> | null = null;
  /** Updates the document emitted while the drain loop applied a batch. */
  #accepted: Accepted[] = [];
  #lastSeq: number;
  /** Log rows after the latest snapshot. */
  #tailLength: number;

  constructor(options: RoomOptions) {
    this.boardId = options.boardId;
    this.#store = options.store;
    this.#log = options.log;
    this.#compactAfterUpdates = options.compactAfterUpdates;
    this.#onEmpty = options.onEmpty;
    this.#metrics = options.metrics;
    const { snapshot, updates, lastSeq } = options.stored;
    if (snapshot) Y.applyUpdate(this.doc, snapshot);
    for (const update of updates) Y.applyUpdate(this.doc, update);
    this.#lastSeq = lastSeq;
    this.#tailLength = updates.length;
    this.#guard = options.checkPermissions === false ? null : new BoardGuard(this.doc);

    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.#accepted.push({ update, origin });
    });
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server is not a participant: it must not appear in anybody's presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.#relayAwareness);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** No connections and nothing waiting to be stored: the room may be unloaded. */
  get isIdle(): boolean {
    return this.#connections.size === 0 && this.#queue.length === 0 && this.#draining === null;
  }

  /** Log rows after the latest snapshot (for tests and metrics). */
  get tailLength(): number {
    return this.#tailLength;
  }

  join(connection: Connection): void {
    this.#connections.set(connection, { clientIds: new Set(), synced: false });
    // A state vector reveals no content, so it need not wait for the commit loop.
    connection.send(encodeSyncStep1(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      connection.send(
        encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])),
      );
    }
  }

  leave(connection: Connection): void {
    const peer = this.#connections.get(connection);
    if (!peer) return;
    this.#connections.delete(connection);
    if (peer.clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.clientIds], connection);
    }
    if (this.#pendingOwner === connection) this.#dropPending();
    if (this.#connections.size === 0) this.#onEmpty?.(this);
  }

  /** Closes every connection, for example when the server shuts down. */
  closeConnections(code: number, reason: string): void {
    for (const connection of [...this.#connections.keys()]) connection.close(code, reason);
  }

  receive(connection: Connection, data: Uint8Array): void {
    let message;
    try {
      message = decodeClientMessage(data);
    } catch (error) {
      this.#refuse(connection, error);
      return;
    }
    switch (message.type) {
      case 'sync-request':
        this.#enqueue({ kind: 'sync-request', connection, stateVector: message.stateVector });
        return;
      case 'update':
        this.#enqueue({ kind: 'update', connection, update: message.update });
        return;
      case 'awareness':
        try {
          const update = claimAwareness(message.update, connection.actor, (clientId) => this.#speaksFor(connection, clientId));
          awarenessProtocol.applyAwarenessUpdate(this.awareness, update, connection);
        } catch (error) {
          this.#refuse(connection, error);
        }
        return;
      case 'query-awareness':
        connection.send(
          encodeAwareness(
            awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]),
          ),
        );
        return;
      default:
        exhaustive(message);
    }
  }

  /**
   * Makes a change on the server's behalf, attributed to `actorId`, and resolves once it is
   * committed and relayed.
   */
  change(actorId: string, change: (doc: Y.Doc) => void): Promise<void> {
    return new Promise((done) => {
      this.#enqueue({ kind: 'change', origin: new ServerChange(actorId), change, done });
    });
  }

  /** Resolves when everything queued so far is committed and relayed. */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Waits for the queue, then folds the log tail into a snapshot (before unloading). */
  async compactNow(): Promise<void> {
    await this.settled();
    if (this.#tailLength > 0) await this.#compact();
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }

  #enqueue(work: Work): void {
    this.#queue.push(work);
    this.#draining ??= this.#drain();
  }

  async #drain(): Promise<void> {
    // Yield once, so that `#enqueue` has stored this promise before the loop can finish, and so
    // that messages arriving in the same tick join the first batch.
    await Promise.resolve();
    try {
      await this.#drainQueue();
    } finally {
      // Cleared in the same synchronous step as the loop's last empty-queue check, so no work
      // can be enqueued in between and be left waiting.
      this.#draining = null;
    }
  }

  async #drainQueue(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      const accepted = this.#apply(batch);
      if (accepted.length > 0) await this.#commit(accepted);
      this.#relay(accepted);
      for (const work of batch) {
        if (work.kind === 'sync-request') {
          const peer = this.#connections.get(work.connection);
          if (!peer) continue;
          work.connection.send(encodeSyncStep2(this.doc, work.stateVector));
          peer.synced = true;
        } else if (work.kind === 'change') {
          work.done();
        }
      }
      if (this.#tailLength >= this.#compactAfterUpdates) await this.#compact();
    }
  }

  /** Applies a batch to the document and returns the updates it produced, in order. */
  #apply(batch: readonly Work[]): Accepted[] {
    this.#accepted = [];
    for (const work of batch) {
      switch (work.kind) {
        case 'update':
          this.#applyChecked(work.connection, work.update);
          break;
        case 'change': {
          let touched: EntryRef[] = [];
          this.doc.transact((transaction) => {
            work.change(this.doc);
            touched = this.#guard?.touched(transaction) ?? [];
          }, work.origin);
          this.#guard?.accept(touched);
          break;
        }
        case 'sync-request':
          break;
        default:
          exhaustive(work);
      }
    }
    const accepted = this.#accepted;
    this.#accepted = [];
    return accepted;
  }

  /**
   * Applies a client's update and has the guard check it (spec 6). Refused entries are written back
   * at once; the update and its compensation then travel as one net change, which carries the
   * refused content only as deleted, garbage-collected structs.
   */
  #applyChecked(connection: Connection, update: Uint8Array): void {
    if (this.#pendingOwner !== null && this.#pendingOwner !== connection) this.#dropPending();
    const mark = this.#accepted.length;
    const stateBefore = Y.encodeStateVector(this.doc);
    let touched: EntryRef[] = [];
    let failure: unknown = null;
    this.doc.transact((transaction) => {
      try {
        Y.applyUpdate(this.doc, update, connection);
      } catch (error) {
        failure = error;
      }
      touched = this.#guard?.touched(transaction) ?? [];
    }, connection);
    const { pendingStructs, pendingDs } = this.doc.store;
    this.#pendingOwner = pendingStructs !== null || pendingDs !== null ? connection : null;

    const refusals = this.#guard?.review(connection.actor, touched, new Compensated(connection)) ?? [];
    if (refusals.length > 0) {
      this.#accepted.splice(mark, Infinity, {
        update: Y.encodeStateAsUpdate(this.doc, stateBefore),
        origin: new Compensated(connection),
      });
      for (const refusal of refusals) this.#reportRefusal(connection, refusal);
    }
    if (failure !== null) this.#refuse(connection, failure);
  }

  #reportRefusal(connection: Connection, { entry, violation }: Refusal): void {
    this.#log.warn('refused a change', {
      boardId: this.boardId,
      actorId: connection.actor.id,
      role: connection.actor.role,
      rule: violation.rule,
      entry: entry.kind === 'foreign' ? 'foreign' : entry,
    });
    this.#metrics?.refused(violation.rule);
    if (connection.strike()) {
      connection.close(CloseCode.forbidden, 'too many changes that are not allowed');
    }
  }

  /** Forgets structs waiting for missing changes, and makes their sender reconnect and resync. */
  #dropPending(): void {
    const owner = this.#pendingOwner;
    this.#pendingOwner = null;
    this.doc.store.pendingStructs = null;
    this.doc.store.pendingDs = null;
    if (owner?.isOpen) owner.close(CloseCode.resync, 'out of order: reconnect to sync again');
  }

  /** Whether `connection` may write presence for `clientId`: one that no other connection holds. */
  #speaksFor(connection: Connection, clientId: number): boolean {
    for (const [other, peer] of this.#connections) {
      if (other !== connection && peer.clientIds.has(clientId)) return false;
    }
    return true;
  }

  /**
   * Stores accepted updates, retrying until the store takes them: the data stays in memory, and
   * nothing is relayed, until it is durable.
   */
  async #commit(accepted: readonly Accepted[]): Promise<void> {
    const rows: UpdateRow[] = accepted.map(({ update, origin }) => ({
      boardId: this.boardId,
      update,
      actorId: actorOf(origin),
    }));
    for (let attempt = 0; ; attempt++) {
      try {
        const started = performance.now();
        const seqs = await this.#store.append(rows);
        this.#metrics?.committed(rows.length, (performance.now() - started) / 1000);
        this.#lastSeq = seqs.at(-1) ?? this.#lastSeq;
        this.#tailLength += rows.length;
        return;
      } catch (error) {
        const delay = Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt);
        this.#log.error('storing updates failed; keeping them in memory and retrying', {
          boardId: this.boardId,
          updates: rows.length,
          retryInMs: delay,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Sends a batch's updates to every synced connection as one message: all of them merged, or,
   * for a connection that sent some of them, the others merged (it already has its own).
   */
  #relay(accepted: readonly Accepted[]): void {
    if (accepted.length === 0) return;
    const everything = encodeUpdate(mergeUpdates(accepted.map((item) => item.update)));
    const withoutOwn = new Map<Connection, Uint8Array | null>();
    for (const { origin } of accepted) {
      if (origin instanceof Connection && !withoutOwn.has(origin)) {
        const others = accepted.filter((item) => item.origin !== origin).map((item) => item.update);
        withoutOwn.set(origin, others.length > 0 ? encodeUpdate(mergeUpdates(others)) : null);
      }
    }
    for (const [connection, peer] of this.#connections) {
      if (!peer.synced) continue;
      const message = withoutOwn.has(connection) ? withoutOwn.get(connection) : everything;
      if (message) connection.send(message);
    }
  }

  async #compact(): Promise<void> {
    const upToSeq = this.#lastSeq;
    const covered = this.#tailLength;
    try {
      await this.#store.compact(this.boardId, Y.encodeStateAsUpdate(this.doc), upToSeq);
      this.#tailLength -= covered;
    } catch (error) {
      // The log still holds everything; the next batch tries again.
      this.#log.error('compaction failed; the log is kept', { boardId: this.boardId, error });
    }
  }

  #relayAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof Connection) {
      const clientIds = this.#connections.get(origin)?.clientIds;
      for (const id of added) clientIds?.add(id);
      for (const id of removed) clientIds?.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const connection of this.#connections.keys()) connection.send(message);
  };

  #refuse(connection: Connection, error: unknown): void {
    const reason = error instanceof MalformedMessage ? error.message : 'update did not decode';
    this.#log.warn('closing a connection that sent an undecodable message', {
      boardId: this.boardId,
      actorId: connection.actor.id,
      reason,
    });
    connection.close(CloseCode.badMessage, reason.slice(0, 120));
  }
}

function mergeUpdates(updates: Uint8Array[]): Uint8Array {
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

function actorOf(origin: unknown): string {
  if (origin instanceof Connection) return origin.actor.id;
  if (origin instanceof Compensated) return origin.connection.actor.id;
  if (origin instanceof ServerChange) return origin.actorId;
  return 'server';
}
