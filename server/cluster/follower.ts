/**
 * A board owned by another instance, as this instance holds it for its own sockets: a replica of
 * the committed document (loaded with the store's `load`, then kept by the board's stream) and of
 * its presence.
 *
 * A socket's sync request is answered from the replica, which never holds anything uncommitted (it
 * is the database's state plus the owner's committed batches), so spec 4's rule holds here too.
 * Everything else the socket sends (updates, presence, presence queries, time requests) goes to the
 * owner, where the socket is a remote peer of the authoritative room: the same guard, quotas,
 * acks and strikes as a local socket. What the room sends to that peer comes back and is passed on.
 *
 * The stream's batches carry the log's sequence numbers around them. A batch whose `fromSeq` is not
 * the replica's `lastSeq` means a message was missed: the replica reads the board from the database
 * again (applying it is idempotent), sends its sockets the difference, and drops stream messages it
 * already has (`toSeq <= lastSeq`).
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../log';
import type { BoardStore } from '../persistence/board-store';
import type { Peer } from '../sync/peer';
import { decodeClientMessage, encodeAwareness, encodeSyncStep2, encodeUpdate } from '../sync/protocol';
import type { Actor } from '../../shared/actor';
import { fromBytes, toBytes, type InboxMessage, type StreamMessage } from './wire';

export interface FollowerLink {
  instanceId: string;
  /** Sends a message to another instance's inbox (batched per tick). */
  send(instanceId: string, message: InboxMessage): void;
}

export interface FollowerOptions {
  boardId: string;
  ownerId: string;
  store: BoardStore;
  link: FollowerLink;
  log: Logger;
  /** The last of this instance's sockets left (the registry plans to drop the replica). */
  onEmpty?: (follower: Follower) => void;
}

interface LocalSocket {
  conn: string;
  synced: boolean;
}

export class Follower {
  readonly boardId: string;
  readonly ownerId: string;
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  #store: BoardStore;
  #link: FollowerLink;
  #log: Logger;
  #lastSeq = -1;
  /** Stream messages that arrive while the replica is (re)loading, handled in order afterwards. */
  #waiting: StreamMessage[] | null = [];
  #sockets = new Map<Peer, LocalSocket>();
  #byConn = new Map<string, Peer>();
  #next = 0;
  #destroyed = false;
  #onEmpty: ((follower: Follower) => void) | undefined;
  /** Times the replica read the log again because a stream message was missed (tests, metrics). */
  recoveries = 0;

  constructor({ boardId, ownerId, store, link, log, onEmpty }: FollowerOptions) {
    this.#onEmpty = onEmpty;
    this.boardId = boardId;
    this.ownerId = ownerId;
    this.#store = store;
    this.#link = link;
    this.#log = log;
    this.awareness.setLocalState(null);
  }

  /** The replica's last log row. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** The actors of this instance's sockets on the board. */
  get actors(): Actor[] {
    return [...this.#sockets.keys()].map((peer) => peer.actor);
  }

  get isDestroyed(): boolean {
    return this.#destroyed;
  }

  /**
   * Loads the replica. Call it after subscribing to the board's stream, so that nothing committed
   * after the load can be missed: what arrived meanwhile waits and is sorted out by sequence.
   * Answers false when the board does not exist.
   */
  async load(): Promise<boolean> {
    const stored = await this.#store.load(this.boardId);
    if (!stored) return false;
    this.#applyStored(stored.snapshot, stored.updates, stored.lastSeq);
    this.#drainWaiting();
    return true;
  }

  join(peer: Peer): void {
    const conn = `${this.#link.instanceId}:${this.boardId}:${++this.#next}`;
    this.#sockets.set(peer, { conn, synced: false });
    this.#byConn.set(conn, peer);
    this.#link.send(this.ownerId, {
      t: 'join',
      board: this.boardId,
      conn,
      from: this.#link.instanceId,
      actor: peer.actor,
      acks: peer.wantsAcks,
      notices: peer.wantsNotices === true,
    });
  }

  receive(peer: Peer, data: Uint8Array): void {
    const socket = this.#sockets.get(peer);
    if (!socket) return;
    let syncRequest: Uint8Array | null = null;
    try {
      const message = decodeClientMessage(data);
      if (message.type === 'sync-request') syncRequest = message.stateVector;
    } catch {
      // The owner's room judges it as it judges a local socket's, and closes the socket.
    }
    if (syncRequest === null) {
      this.#link.send(this.ownerId, { t: 'up', conn: socket.conn, data: toBytes(data) });
      return;
    }
    peer.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, syncRequest)));
    socket.synced = true;
  }

  leave(peer: Peer): void {
    const socket = this.#sockets.get(peer);
    if (!socket) return;
    this.#sockets.delete(peer);
    this.#byConn.delete(socket.conn);
    this.#link.send(this.ownerId, { t: 'leave', conn: socket.conn });
    if (this.#sockets.size === 0) this.#onEmpty?.(this);
  }

  /** What the owner's room sent to one of this instance's sockets. */
  fromOwner(message: Extract<InboxMessage, { t: 'down' | 'close' | 'hold' }>): void {
    const peer = this.#byConn.get(message.conn);
    if (!peer) return;
    switch (message.t) {
      case 'down':
        peer.send(fromBytes(message.data));
        return;
      case 'close':
        peer.close(message.code, message.reason);
        return;
      case 'hold':
        peer.hold(message.held);
        return;
    }
  }

  /** A message on the board's stream. */
  fromStream(message: StreamMessage): void {
    // Only the owner this replica follows speaks for the board; a former owner's late presence
    // message is not (its commits are fenced, see lease.ts). A new owner means this replica goes.
    if (this.#destroyed || message.owner !== this.ownerId) return;
    if (this.#waiting) {
      this.#waiting.push(message);
      return;
    }
    if (message.t === 'awareness') {
      const update = fromBytes(message.data);
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, 'owner');
      const relayed = encodeAwareness(update);
      for (const peer of this.#sockets.keys()) peer.send(relayed);
      return;
    }
    if (message.toSeq <= this.#lastSeq) return;
    if (message.fromSeq !== this.#lastSeq) {
      this.#waiting = [message];
      void this.#recover();
      return;
    }
    const update = fromBytes(message.data);
    Y.applyUpdate(this.doc, update, 'owner');
    this.#lastSeq = message.toSeq;
    this.#relay(update);
  }

  /** Closes this instance's sockets on the board, or those `which` picks. */
  closeSockets(code: number, reason: string, which: (actor: Actor) => boolean = () => true): void {
    for (const peer of [...this.#sockets.keys()]) if (which(peer.actor)) peer.close(code, reason);
  }

  destroy(): void {
    this.#destroyed = true;
    this.awareness.destroy();
    this.doc.destroy();
  }

  async #recover(): Promise<void> {
    this.recoveries++;
    try {
      const stored = await this.#store.load(this.boardId);
      if (this.#destroyed) return;
      if (stored) {
        const before = Y.encodeStateVector(this.doc);
        this.#applyStored(stored.snapshot, stored.updates, stored.lastSeq);
        const missed = Y.encodeStateAsUpdate(this.doc, before);
        if (!isEmptyUpdate(missed)) this.#relay(missed);
      }
    } catch (error) {
      // The database is down: the replica stays as it is; the next batch finds the gap again.
      this.#log.warn('a replica could not read the log after a missed message', { boardId: this.boardId, error });
      this.#waiting = null;
      return;
    }
    this.#drainWaiting();
  }

  #applyStored(snapshot: Uint8Array | null, updates: readonly Uint8Array[], lastSeq: number): void {
    Y.transact(
      this.doc,
      () => {
        if (snapshot) Y.applyUpdate(this.doc, snapshot);
        for (const update of updates) Y.applyUpdate(this.doc, update);
      },
      'store',
    );
    this.#lastSeq = Math.max(this.#lastSeq, lastSeq);
  }

  /**
   * Handles what waited during a load. The database then held every row before each waiting batch
   * (the owner publishes only after its commit), so a batch it lacks is applied whatever its
   * `fromSeq`, and one it has is dropped.
   */
  #drainWaiting(): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = null;
    for (const message of waiting) {
      if (message.t === 'update' && message.toSeq > this.#lastSeq && message.fromSeq > this.#lastSeq) {
        this.#lastSeq = message.fromSeq;
      }
      this.fromStream(message);
    }
  }

  #relay(update: Uint8Array): void {
    const message = encodeUpdate(update);
    for (const [peer, socket] of this.#sockets) if (socket.synced) peer.send(message);
  }
}

/** An update with no structs and no deletions (what `encodeStateAsUpdate` gives when nothing is new). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength <= 2;
}
