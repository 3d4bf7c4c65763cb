/**
 * One board's live document and the peers connected to it: the relay's engine. It knows nothing of
 * Hono or `ws` (peers are anything with the `Peer` shape) and talks to storage only through a
 * `BoardStore`.
 *
 * The one rule everything here serves (spec 4): nothing is shown to any client before it is
 * committed. Incoming updates are therefore not applied as they arrive but queued, and one drain
 * loop at a time takes everything queued and turns it into a `Batch`: it applies the updates, has
 * the guard check each one, and derives the history events of what was accepted. The batch is
 * committed in one transaction (group commit: updates and events together), and only then
 * published: relayed, acked, and the sync requests that waited with it answered. Because nothing is
 * applied while a commit is in flight, the document is exactly the committed state whenever a sync
 * answer is computed.
 *
 * When the store fails the batch stays in memory and is retried with backoff; nothing is relayed or
 * acked meanwhile, and peers whose backlog passes a bound stop being read until the room catches
 * up. When the store is back everything is committed and published in order.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/close-codes';
import { exhaustive } from '../../shared/exhaustive';
import { newId } from '../../shared/ids';
import { encodeSaved, encodeTimeAnswer, type SavedClocks } from '../../shared/sync-messages';
import { deriveEvents } from '../history/derive';
import type { NewEvent } from '../history/events';
import type { Logger } from '../log';
import type { SyncMetrics } from '../metrics';
import type { BoardStore, StoredBoard } from '../persistence/board-store';
import { BoardGuard, type Refusal } from '../permissions/guard';
import type { ChangePolicy } from '../permissions/policy';
import type { Quotas } from '../permissions/quotas';
import type { EntryRef } from '../permissions/entries';
import type { Actor } from '../../shared/actor';
import type { BoardSettings, EntryChange } from '../../shared/permissions';
import { claimAwareness } from './awareness';
import { Batch } from './batch';
import type { Origin, Peer } from './peer';
import type { Sliced } from './slices';
import type { BoardSlicer } from './slicer';
import { senderOf } from './peer';
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  MalformedMessage,
} from './protocol';

/** How much one peer may have waiting in the room before the room stops reading it. */
export interface Backlog {
  messages: number;
  bytes: number;
}

export interface RoomOptions {
  boardId: string;
  stored: StoredBoard;
  store: BoardStore;
  /** Log rows past the latest snapshot that trigger a compaction. */
  compactAfterUpdates: number;
  /** A peer whose queued, uncommitted messages pass this is held until the room has caught up. */
  maxBacklog: Backlog;
  log: Logger;
  /** Whether an actor may make a change; `enforceRules` but in benchmarks. */
  policy?: ChangePolicy | undefined;
  /** How much one person may put on the board; `defaultQuotas` unless configured. */
  quotas?: Quotas | undefined;
  /** Called when the last peer leaves, so the registry can plan to unload the room. */
  onEmpty?: (room: Room) => void;
  /** Called when a board loading in slices turned out not to load: the room is closed and unusable. */
  onLoadFailed?: (room: Room) => void;
  metrics?: SyncMetrics | undefined;
  /** Where a room that other instances follow publishes what it shows (scale-out through Redis). */
  replication?: RoomReplication | undefined;
  /**
   * Where a stored board of more than `aboveBytes` is sliced, to be applied a slice at a time
   * (server/sync/slices.ts); without it every board is applied at once.
   */
  slicing?: { slicer: BoardSlicer; aboveBytes: number } | undefined;
}

/**
 * What other instances need to keep a replica of the board: every committed batch, with the log
 * sequence numbers around it (so that a follower that missed one notices the gap and reads the
 * log), and every change of presence.
 */
export interface RoomReplication {
  /**
   * `update` is the batch's updates merged; `fromSeq` is the last log row before it and `toSeq` its
   * own last row. Called after the commit, before any local peer is shown the batch.
   */
  published(update: Uint8Array, fromSeq: number, toSeq: number): void;
  /** An awareness update, as y-protocols encodes it, that the room's presence just applied. */
  awareness(update: Uint8Array): void;
}

/** The room could not store a change in time; it stays queued and is stored when the store is back. */
export class RoomUnavailable extends Error {
  override name = 'RoomUnavailable';
}

export type RoomStatus =
  | { state: 'live' }
  /** The store refused the last commit; the batch is kept in memory and retried. */
  | { state: 'retrying'; since: number; attempt: number }
  /** Shutting down: the queue is still being stored, until `deadline`. */
  | { state: 'closing'; deadline: number }
  | { state: 'closed' };

type Work =
  | { kind: 'update'; peer: Peer; update: Uint8Array; message: number }
  | { kind: 'sync-request'; peer: Peer; stateVector: Uint8Array }
  | ({ kind: 'change'; actorId: string; change: (doc: Y.Doc) => void; resolve(): void; reject(error: unknown): void } & ChangeHistory);

/** An event a server change records besides those derived from it; the room adds who and when. */
export type ChangeEvent = Omit<NewEvent, 'actorId' | 'at'>;

/** What a server change adds to the history it makes. */
export interface ChangeHistory {
  /**
   * Merged into the `data` of every event derived from the change: a restore tags its events
   * `{restore: snapshotId}`, so that they are told apart from the acts of the people they name.
   */
  eventData?: Record<string, unknown> | undefined;
  /**
   * Recorded before the derived events, in the same commit, even when the change changes nothing
   * (a restore is recorded as an act of its own).
   */
  events?: readonly ChangeEvent[] | undefined;
}

export interface ChangeOptions extends ChangeHistory {
  deadlineMs?: number;
}

/** What the room keeps per peer. */
interface PeerRecord {
  /**
   * The awareness client ids this peer has spoken for (at most MAX_PRESENCE_IDS_PER_CONNECTION):
   * no other peer may write them, and their states are removed when it leaves.
   */
  clientIds: Set<number>;
  /**
   * Whether the peer has been answered its sync request. Updates are relayed only from then on:
   * everything committed before is in that answer, and a client handed updates whose dependencies
   * it lacks keeps them pending and re-merges them on every message (quadratic).
   */
  synced: boolean;
  /** Update-carrying messages received, numbering them for acks. */
  received: number;
  /** The highest message number acked so far. */
  acked: number;
  /**
   * The first message whose structs still wait for changes the server lacks: nothing from it on
   * is committed yet, so acks stop short of it until its structs are integrated.
   */
  waitingFrom: number | null;
  /** Queued or in-flight messages not yet published. */
  backlog: Backlog;
  held: boolean;
  /** Times of refused changes within the strike window. */
  strikes: number[];
  /** Closed for its growth quota: what it still has queued is not applied (it resends it). */
  turnedAway: boolean;
}

const MAX_RETRY_DELAY_MS = 5000;
const STRIKE_LIMIT = 20;
/** Refused entries of one update that are logged one by one; the rest get one summary line. */
const LOGGED_REFUSALS_PER_UPDATE = 50;
const STRIKE_WINDOW_MS = 60_000;
/** `change()` waits this long for its commit before telling the caller the store is unavailable. */
const CHANGE_DEADLINE_MS = 5000;
/**
 * How long a large board's load may hold the event loop at a time. Another board's update waits
 * for a turn or two of it (its commit's answer is read between turns), against 8–15 ms of p99
 * fan-out on one busy board (bench/README.md).
 */
const LOAD_TURN_MS = 5;
/** Log rows after a snapshot that a client may be sent one by one after it, while the board loads. */
const EARLY_ANSWER_MAX_ROWS = 200;
/** An update that changes nothing. */
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export class Room {
  readonly boardId: string;
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;

  #store: BoardStore;
  #log: Logger;
  #compactAfterUpdates: number;
  #maxBacklog: Backlog;
  #onEmpty: ((room: Room) => void) | undefined;
  #onLoadFailed: ((room: Room) => void) | undefined;
  #metrics: SyncMetrics | undefined;
  #replication: RoomReplication | undefined;
  /** Set once the board is loaded, before the drain loop first runs (`#loading`). */
  #guard!: BoardGuard;
  /**
   * While a large board is applied slice by slice: resolves when the document and the guard hold
   * the whole board. Nothing is applied, committed or published until then.
   */
  #loading: Promise<void> | null = null;
  /**
   * While loading: what a client with nothing is answered, as a sync step 2 and updates after it
   * (the stored snapshot and its log rows), once it is known; null until then.
   */
  #early: Uint8Array[] | null = null;
  /** Peers that joined while loading: they are sent the server's sync step 1 when it is loaded. */
  #stepOneOwed = new Set<Peer>();
  #destroyed = false;
  #status: RoomStatus = { state: 'live' };
  #settings: BoardSettings;
  /**
   * The peer whose update left structs waiting for changes the server does not have. Only that
   * peer's next updates may complete them, so that every change is checked against the identity
   * of the peer that sent it.
   */
  #pendingOwner: Peer | null = null;
  #peers = new Map<Peer, PeerRecord>();
  #queue: Work[] = [];
  #draining: Promise<void> | null = null;
  /** Ends the wait before the next retry early (shutdown). */
  #wake: (() => void) | null = null;
  /** Updates the document emitted during the current transaction(s). */
  #emitted: Uint8Array[] = [];
  #lastSeq: number;
  /** Log rows after the latest snapshot. */
  #tailLength: number;
  /** Updates applied but not yet committed (the batch being retried). */
  #inFlight = 0;
  /**
   * The committed document encoded, kept until the document next changes: a meeting's worth of
   * new clients (or a reconnect storm) then costs one encode of the whole board instead of one
   * each, and a compaction or snapshot right after reuses it. Only read while nothing is in flight,
   * so it holds exactly what clients have been shown.
   */
  #encoded: { state: Uint8Array; stateVector: Uint8Array } | null = null;
  /** Their bytes, for `/metrics` (read only while `#inFlight` is above 0). */
  #inFlightBytes = 0;

  constructor(options: RoomOptions) {
    this.boardId = options.boardId;
    this.#store = options.store;
    this.#log = options.log;
    this.#compactAfterUpdates = options.compactAfterUpdates;
    this.#maxBacklog = options.maxBacklog;
    this.#onEmpty = options.onEmpty;
    this.#onLoadFailed = options.onLoadFailed;
    this.#metrics = options.metrics;
    this.#replication = options.replication;
    const { stored, slicing } = options;
    this.#lastSeq = stored.lastSeq;
    this.#tailLength = stored.updates.length;
    this.#settings = stored.settings;
    if (slicing && storedBytes(stored) > slicing.aboveBytes) {
      this.#loading = this.#loadInSlices(stored, slicing.slicer, options)
        .catch((error: unknown) => this.#loadFailed(error))
        .finally(() => {
          this.#loading = null;
        });
    } else {
      applyStored(this.doc, stored);
      this.#guard = new BoardGuard(this.doc, () => this.#settings, options.policy, options.quotas);
      this.#watchDocument();
    }
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server is not a participant: it must not appear in anybody's presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.#relayAwareness);
  }

  #watchDocument(): void {
    this.doc.on('update', (update: Uint8Array) => {
      this.#emitted.push(update);
      this.#encoded = null;
    });
  }

  /**
   * Loads a large board without holding up the others: a worker slices it, and the slices are
   * applied, then the guard reads the entries, in turns of at most LOAD_TURN_MS. A
   * client with nothing is answered from the stored bytes meanwhile, so it need not wait for any
   * of that. When the worker fails, the board is applied at once, as a small one is.
   */
  async #loadInSlices(stored: StoredBoard, slicer: BoardSlicer, options: RoomOptions): Promise<void> {
    const started = performance.now();
    const turn = turnsOf(LOAD_TURN_MS);
    // A snapshot with a short tail is an answer as it is; a long log is answered with the merged state.
    if (stored.snapshot && stored.updates.length <= EARLY_ANSWER_MAX_ROWS) this.#answerEarly([stored.snapshot, ...stored.updates]);
    let sliced: Sliced | null = null;
    try {
      sliced = await slicer.slice(stored);
    } catch (error) {
      this.#log.warn('slicing a large board failed; applying it at once', { boardId: this.boardId, error });
    }
    if (this.#destroyed) return;
    if (sliced) {
      this.#answerEarly([sliced.state]);
      for (const slice of sliced.slices) {
        Y.applyUpdate(this.doc, slice);
        await turn();
        if (this.#destroyed) return;
      }
      // The slices hold every struct, so nothing can be left waiting; should something be, the
      // whole state settles it (Yjs skips what the document has).
      if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) {
        this.#log.warn('a sliced board left structs waiting; applying its whole state', { boardId: this.boardId });
        Y.applyUpdate(this.doc, sliced.state);
      }
    } else {
      applyStored(this.doc, stored);
    }
    this.#guard = await BoardGuard.indexedInSteps(this.doc, () => this.#settings, options.policy, options.quotas, turn);
    if (this.#destroyed) return;
    this.#watchDocument();
    if (sliced) this.#encoded = { state: sliced.state, stateVector: Y.encodeStateVector(this.doc) };
    this.#early = null;
    for (const peer of this.#stepOneOwed) if (this.#peers.has(peer)) peer.send(encodeSyncStep1(this.#stateVector()));
    this.#stepOneOwed.clear();
    this.#log.info('loaded a large board in slices', {
      boardId: this.boardId,
      bytes: storedBytes(stored),
      slices: sliced?.slices.length ?? 0,
      ms: Math.round(performance.now() - started),
    });
  }

  /**
   * A board that does not apply (its stored bytes are broken) fails as a load that was not handed
   * out would: every connection is closed with 4500, nothing is stored, and the registry forgets
   * the room so that the next connection tries again.
   */
  #loadFailed(error: unknown): void {
    this.#log.error('loading a board failed', { boardId: this.boardId, error });
    this.#status = { state: 'closed' };
    for (const work of this.#queue.splice(0)) if (work.kind === 'change') work.reject(error);
    this.closePeers(CloseCode.loadFailed, 'the board could not be loaded; try again shortly');
    this.#onLoadFailed?.(this);
  }

  /**
   * While loading, answers the sync requests of clients with nothing from `answer`, the queued
   * ones now and later ones as they come: nothing is committed before the load ends, so the
   * stored board is exactly what there is to show.
   */
  #answerEarly(answer: Uint8Array[]): void {
    if (this.#early) return;
    this.#early = answer;
    const waiting = this.#queue.filter((work) => work.kind === 'sync-request' && isEmptyStateVector(work.stateVector));
    if (waiting.length === 0) return;
    this.#queue = this.#queue.filter((work) => !waiting.includes(work));
    for (const work of waiting) if (work.kind === 'sync-request') this.#sendEarly(work.peer);
  }

  #sendEarly(peer: Peer): void {
    const record = this.#peers.get(peer);
    const [state, ...updates] = this.#early!;
    if (!record || !state) return;
    peer.send(encodeSyncStep2(state));
    for (const update of updates) peer.send(encodeUpdate(update));
    record.synced = true;
  }

  get status(): RoomStatus {
    return this.#status;
  }

  /** Update bytes received but not yet stored: queued, or in the commit in flight (`/metrics`). */
  get unstoredBytes(): number {
    let bytes = this.#inFlight > 0 ? this.#inFlightBytes : 0;
    for (const work of this.#queue) if (work.kind === 'update') bytes += work.update.byteLength;
    return bytes;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** No peers and nothing waiting to be stored: the room may be unloaded. */
  get isIdle(): boolean {
    return this.#peers.size === 0 && this.#queue.length === 0 && this.#draining === null;
  }

  /** Log rows after the latest snapshot (for tests and metrics). */
  get tailLength(): number {
    return this.#tailLength;
  }

  /** Who is connected now, one entry per socket (meetings record attendance from it). */
  get actors(): Actor[] {
    return [...this.#peers.keys()].map((peer) => peer.actor);
  }

  /**
   * The committed document and the last log row it contains, or null while a batch is applied but
   * not yet stored (wait for `settled()` and ask again): a snapshot of it holds exactly what
   * clients have been shown.
   */
  committedSnapshot(): { state: Uint8Array; upToSeq: number } | null {
    if (this.#inFlight > 0 || this.#loading) return null;
    return { state: this.#committedEncoding().state, upToSeq: this.#lastSeq };
  }

  join(peer: Peer): void {
    if (!this.#mayStay(peer)) {
      peer.close(CloseCode.forbidden, 'this board no longer takes guests');
      return;
    }
    this.#peers.set(peer, {
      clientIds: new Set(),
      synced: false,
      received: 0,
      acked: 0,
      waitingFrom: null,
      backlog: { messages: 0, bytes: 0 },
      held: false,
      strikes: [],
      turnedAway: false,
    });
    // A state vector reveals no content, so it need not wait for the commit loop; while the board
    // loads, the document does not have it yet.
    if (this.#loading) this.#stepOneOwed.add(peer);
    else peer.send(encodeSyncStep1(this.#stateVector()));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
  }

  /** The peer has gone. What it sent stays queued and is stored like everything else. */
  leave(peer: Peer): void {
    const record = this.#peers.get(peer);
    if (!record) return;
    this.#peers.delete(peer);
    this.#stepOneOwed.delete(peer);
    if (record.clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...record.clientIds], 'server');
    }
    if (this.#pendingOwner === peer) this.#dropPending();
    if (this.#peers.size === 0) this.#onEmpty?.(this);
  }

  /** Closes every peer, or those `which` picks, for example when the server shuts down. */
  closePeers(code: number, reason: string, which: (peer: Peer) => boolean = () => true): void {
    for (const peer of [...this.#peers.keys()]) if (which(peer)) peer.close(code, reason);
  }

  /** Sends `message` (a notice) to the peers that asked for notices and that `which` picks. */
  notifyPeers(message: Uint8Array, which: (peer: Peer) => boolean): void {
    for (const peer of this.#peers.keys()) if (peer.wantsNotices === true && which(peer)) peer.send(message);
  }

  /** Staff changed the board's settings: the guard judges by them from now on. */
  setSettings(settings: BoardSettings): void {
    this.#settings = settings;
    this.closePeers(CloseCode.forbidden, 'this board no longer takes guests', (peer) => !this.#mayStay(peer));
  }

  #mayStay(peer: Peer): boolean {
    return peer.actor.role !== 'guest' || this.#settings.allowGuests;
  }

  receive(peer: Peer, data: Uint8Array): void {
    const record = this.#peers.get(peer);
    if (!record) return;
    let message;
    try {
      message = decodeClientMessage(data);
    } catch (error) {
      this.#refuse(peer, error);
      return;
    }
    switch (message.type) {
      case 'sync-request':
        if (this.#early && isEmptyStateVector(message.stateVector)) this.#sendEarly(peer);
        else this.#enqueue({ kind: 'sync-request', peer, stateVector: message.stateVector });
        return;
      case 'update':
        record.backlog.messages++;
        record.backlog.bytes += message.update.byteLength;
        if (!record.held && overBacklog(record.backlog, this.#maxBacklog)) {
          record.held = true;
          peer.hold(true);
        }
        this.#enqueue({ kind: 'update', peer, update: message.update, message: ++record.received });
        return;
      case 'awareness':
        try {
          const claimed = claimAwareness(message.update, peer.actor, (clientId) => this.#speaksFor(peer, clientId), record.clientIds);
          // An id stays the peer's after its state is gone, so that removing and claiming cannot
          // churn through ids (each one leaves a clock behind in y-protocols' meta).
          for (const { clientId } of claimed.states) record.clientIds.add(clientId);
          awarenessProtocol.applyAwarenessUpdate(this.awareness, claimed.update, peer);
        } catch (error) {
          this.#refuse(peer, error);
        }
        return;
      case 'query-awareness':
        peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
        return;
      case 'time-request':
        // The clock reveals nothing of the board, and its worth is in answering at once.
        peer.send(encodeTimeAnswer(message.requestId, Date.now()));
        return;
      case 'ignored':
        return;
      default:
        exhaustive(message);
    }
  }

  /**
   * Makes a change on the server's behalf, attributed to `actorId`, and resolves once it is
   * committed and relayed. Rejects with `RoomUnavailable` when that takes longer than `deadlineMs`
   * (the store is failing); the change then stays queued and is stored when the store is back.
   */
  change(actorId: string, change: (doc: Y.Doc) => void, { deadlineMs = CHANGE_DEADLINE_MS, eventData, events }: ChangeOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RoomUnavailable('the board could not be saved in time; the change will be saved when the database is back')),
        deadlineMs,
      );
      this.#enqueue({
        kind: 'change',
        actorId,
        change,
        eventData,
        events,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** Resolves when everything queued so far is committed and published. */
  async settled(): Promise<void> {
    await this.#loading;
    while (this.#draining) await this.#draining;
  }

  /** Waits for the queue, then folds the log tail into a snapshot (before unloading). */
  async compactNow(): Promise<void> {
    await this.settled();
    if (this.#tailLength > 0) await this.#compact();
  }

  /**
   * Shuts the room down: stores what is queued, for at most `deadlineMs`, compacts, and answers how
   * many updates could not be stored (they are lost with the process; their clients still hold
   * them and send them again when they reconnect).
   */
  async close(deadlineMs: number): Promise<{ unstored: number }> {
    const deadline = Date.now() + deadlineMs;
    this.#status = { state: 'closing', deadline };
    this.#wake?.();
    const drained = await Promise.race([this.settled().then(() => true), sleep(deadlineMs).then(() => false)]);
    if (drained && this.#tailLength > 0) {
      await Promise.race([this.#compact(), sleep(Math.max(0, deadline - Date.now()))]);
    }
    const unstored = drained ? 0 : this.#queue.filter((work) => work.kind !== 'sync-request').length + this.#inFlight;
    this.#status = { state: 'closed' };
    this.#wake?.();
    return { unstored };
  }

  destroy(): void {
    this.#destroyed = true;
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
      await this.#loading;
      await this.#drainQueue();
    } catch (error) {
      // A bug, not a store failure (those are retried inside): keep the server up and say so.
      this.#log.error('the relay loop failed', { boardId: this.boardId, error });
    } finally {
      // Cleared in the same synchronous step as the loop's last empty-queue check, so no work
      // can be enqueued in between and be left waiting.
      this.#draining = null;
    }
  }

  async #drainQueue(): Promise<void> {
    // A room destroyed while it loaded (unloaded, or its load failed) has no guard to apply with.
    while (this.#queue.length > 0 && this.#status.state !== 'closed' && !this.#destroyed) {
      const batch = this.#apply(this.#queue.splice(0));
      const fromSeq = this.#lastSeq;
      if (!batch.isEmpty && !(await this.#commit(batch))) return;
      this.#publish(batch, fromSeq);
      if (this.#tailLength >= this.#compactAfterUpdates) await this.#compact();
    }
  }

  /** Applies queued work to the document and gathers what it produced into one batch. */
  #apply(work: readonly Work[]): Batch {
    const batch = new Batch();
    for (const item of work) {
      switch (item.kind) {
        case 'update': {
          // An update that did not decode closed its sender; it settles nothing.
          if (!this.#applyClientUpdate(item.peer, item.update, batch)) break;
          batch.settle(item.peer, item.message, item.update);
          const record = this.#peers.get(item.peer);
          if (record) {
            if (this.#pendingOwner !== item.peer) record.waitingFrom = null;
            else record.waitingFrom ??= item.message;
          }
          break;
        }
        case 'sync-request':
          batch.syncRequests.push({ peer: item.peer, stateVector: item.stateVector });
          break;
        case 'change':
          if (this.#applyServerChange(item, batch)) batch.changes.push(item);
          else item.reject(new Error('the change failed on the server'));
          break;
        default:
          exhaustive(item);
      }
    }
    return batch;
  }

  /**
   * Applies a client's update and has the guard check it (spec 6). Refused entries are written back
   * at once; the update and its compensation then travel as one net change, which carries the
   * refused content only as deleted, garbage-collected structs. Answers false when the update did
   * not decode (its sender is closed).
   */
  #applyClientUpdate(peer: Peer, update: Uint8Array, batch: Batch): boolean {
    if (!this.#admit(peer, update)) return false;
    if (this.#pendingOwner !== null && this.#pendingOwner !== peer) this.#dropPending();
    const stateBefore = Y.encodeStateVector(this.doc);
    const origin: Origin = { kind: 'client', peer };
    let touched: EntryRef[] = [];
    let failure: unknown = null;
    this.#emitted = [];
    this.doc.transact((transaction) => {
      try {
        Y.applyUpdate(this.doc, update, origin);
      } catch (error) {
        failure = error;
      }
      touched = this.#guard.touched(transaction);
    }, origin);
    const { pendingStructs, pendingDs } = this.doc.store;
    this.#pendingOwner = pendingStructs !== null || pendingDs !== null ? peer : null;

    const compensation: Origin = { kind: 'compensation', peer };
    const { accepted, refusals } = this.#guard.review(peer.actor, touched, compensation);
    if (refusals.length > 0) {
      this.#emitted = [committedState(this.doc, stateBefore)];
      this.#reportRefusals(peer, refusals);
    }
    this.#take(batch, refusals.length > 0 ? compensation : origin, peer.actor.id, accepted);
    if (failure === null) return true;
    this.#refuse(peer, failure);
    return false;
  }

  /**
   * Applies a change the server makes. Answers false when it threw: whatever it wrote before it
   * threw is kept and stored like the rest (Yjs has no rollback), and the rest of the batch goes on.
   */
  #applyServerChange({ actorId, change, eventData, events }: Extract<Work, { kind: 'change' }>, batch: Batch): boolean {
    let touched: EntryRef[] = [];
    let failure: unknown = null;
    const origin: Origin = { kind: 'server', actorId };
    this.#emitted = [];
    this.doc.transact((transaction) => {
      try {
        change(this.doc);
      } catch (error) {
        failure = error;
      }
      touched = this.#guard.touched(transaction);
    }, origin);
    // Server changes come from staff routes (and restores), which quotas do not bind.
    this.#take(batch, origin, actorId, this.#guard.accept({ id: actorId, role: 'staff' }, touched), { eventData, events });
    if (failure === null) return true;
    this.#log.error('a server change failed', { boardId: this.boardId, actorId, error: failure });
    return false;
  }

  /**
   * Moves what the document emitted into the batch, with the events of the accepted changes (and,
   * for a server change, what `history` adds to them).
   */
  #take(batch: Batch, origin: Origin, actorId: string, accepted: readonly EntryChange[], history: ChangeHistory = {}): void {
    const emitted = this.#emitted;
    this.#emitted = [];
    const extra = (history.events ?? []).map((event): NewEvent => ({ ...event, actorId, at: batch.at }));
    if (emitted.length === 0 && extra.length === 0) return;
    // An event is stored with the update it came from; one that changed nothing gets an empty one.
    const update = emitted.length === 0 ? EMPTY_UPDATE : emitted.length === 1 ? emitted[0]! : Y.mergeUpdates(emitted);
    const { eventData } = history;
    const derived = deriveEvents(actorId, accepted, batch.at);
    const events = eventData ? derived.map((event) => ({ ...event, data: { ...event.data, ...eventData } })) : derived;
    batch.updates.push({ update, origin, events: [...extra, ...events] });
  }

  /**
   * Whether to apply `update` at all. Past the sender's growth quota it is not applied, and the
   * sender is closed with a code clients retry: their next sync, once the minute has room, carries
   * it again (with whatever else they queued, which depends on it). Nothing of theirs is lost.
   */
  #admit(peer: Peer, update: Uint8Array): boolean {
    const record = this.#peers.get(peer);
    if (!record || record.turnedAway) return false;
    const violation = this.#guard.admitGrowth(peer.actor, update.byteLength);
    if (!violation) return true;
    record.turnedAway = true;
    this.#metrics?.refused(violation.rule);
    this.#log.warn('turned away an update over the growth quota', {
      boardId: this.boardId,
      actorId: peer.actor.id,
      role: peer.actor.role,
      rule: violation.rule,
      bytes: update.byteLength,
    });
    peer.close(CloseCode.flooding, `${violation.rule}: ${violation.reason}; the rest is taken in a moment`);
    return false;
  }

  /**
   * Logs and counts what the guard refused of one update, and strikes its sender once: one update
   * that breaks a quota with 1500 ideas is one mistake, not 1500. The log names the first few
   * entries and sums up the rest, so that a hostile update cannot flood it either.
   */
  #reportRefusals(peer: Peer, refusals: readonly Refusal[]): void {
    const who = { boardId: this.boardId, actorId: peer.actor.id, role: peer.actor.role };
    for (const [index, { entry, violation }] of refusals.entries()) {
      this.#metrics?.refused(violation.rule);
      if (index < LOGGED_REFUSALS_PER_UPDATE) {
        this.#log.warn('refused a change', { ...who, rule: violation.rule, entry: entry.kind === 'foreign' ? 'foreign' : entry });
      }
    }
    if (refusals.length > LOGGED_REFUSALS_PER_UPDATE) {
      const rules = [...new Set(refusals.slice(LOGGED_REFUSALS_PER_UPDATE).map(({ violation }) => violation.rule))];
      this.#log.warn('refused more changes of the same update', { ...who, count: refusals.length - LOGGED_REFUSALS_PER_UPDATE, rules });
    }
    // A client that keeps breaking the rules is broken or hostile.
    const record = this.#peers.get(peer);
    if (!record) return;
    const now = Date.now();
    record.strikes = record.strikes.filter((at) => now - at < STRIKE_WINDOW_MS);
    record.strikes.push(now);
    if (record.strikes.length >= STRIKE_LIMIT) peer.close(CloseCode.forbidden, 'too many changes that are not allowed');
  }

  /** Forgets structs waiting for missing changes, and makes their sender reconnect and resync. */
  #dropPending(): void {
    const owner = this.#pendingOwner;
    this.#pendingOwner = null;
    this.doc.store.pendingStructs = null;
    this.doc.store.pendingDs = null;
    if (owner && this.#peers.has(owner)) owner.close(CloseCode.resync, 'out of order: reconnect to sync again');
  }

  /** Whether `peer` may write presence for `clientId`: one that no other peer holds. */
  #speaksFor(peer: Peer, clientId: number): boolean {
    for (const [other, record] of this.#peers) {
      if (other !== peer && record.clientIds.has(clientId)) return false;
    }
    return true;
  }

  /**
   * Stores a batch, retrying with backoff until the store takes it: the data stays in memory, and
   * nothing is relayed, until it is durable. Answers false only when shutdown gave up on it.
   */
  async #commit(batch: Batch): Promise<boolean> {
    const rows = batch.rows();
    const id = newId();
    this.#inFlight = rows.length;
    this.#inFlightBytes = rows.reduce((sum, row) => sum + row.update.byteLength, 0);
    for (let attempt = 0; ; attempt++) {
      try {
        const started = performance.now();
        const seqs = await this.#store.commit(this.boardId, rows, { id, retry: attempt > 0 });
        this.#metrics?.committed(rows.length, batch.eventCount, (performance.now() - started) / 1000);
        this.#lastSeq = seqs.at(-1) ?? this.#lastSeq;
        this.#tailLength += rows.length;
        this.#inFlight = 0;
        if (this.#status.state === 'retrying') {
          this.#log.info('storing updates works again', { boardId: this.boardId, downForMs: Date.now() - this.#status.since });
          this.#status = { state: 'live' };
        }
        return true;
      } catch (error) {
        this.#metrics?.commitFailed();
        const status = this.#status;
        if (status.state === 'closed') return false;
        if (status.state === 'closing' && Date.now() >= status.deadline) return false;
        if (status.state !== 'closing') {
          this.#status = { state: 'retrying', since: status.state === 'retrying' ? status.since : Date.now(), attempt };
        }
        const delay = Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt);
        this.#log.error('storing updates failed; keeping them in memory and retrying', {
          boardId: this.boardId,
          updates: rows.length,
          retryInMs: delay,
          error,
        });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
      }
    }
  }

  /** Shows a committed batch: relays it, answers its sync requests, acks it, releases its peers. */
  #publish(batch: Batch, fromSeq: number): void {
    this.#relay(batch, fromSeq);
    for (const { peer, stateVector } of batch.syncRequests) {
      const record = this.#peers.get(peer);
      if (!record) continue;
      peer.send(encodeSyncStep2(this.#answer(stateVector)));
      record.synced = true;
    }
    for (const [peer, settlement] of batch.settlements) {
      const record = this.#peers.get(peer);
      if (!record) continue;
      const upTo = record.waitingFrom === null ? settlement.lastMessage : Math.min(settlement.lastMessage, record.waitingFrom - 1);
      if (peer.wantsAcks && upTo > record.acked) {
        record.acked = upTo;
        // The document's clocks leave out structs still waiting: they cover only what is committed.
        const clocks: SavedClocks = new Map();
        for (const clientId of settlement.clientIds) clocks.set(clientId, Y.getState(this.doc.store, clientId));
        peer.send(encodeSaved({ messages: upTo, clocks }));
      }
      record.backlog.messages -= settlement.messages;
      record.backlog.bytes -= settlement.bytes;
      // Resume at half the bound, so that a steady sender is not paused and resumed per message.
      if (record.held && !overBacklog(record.backlog, halfOf(this.#maxBacklog))) {
        record.held = false;
        peer.hold(false);
      }
    }
    for (const change of batch.changes) change.resolve();
  }

  /**
   * Sends a batch's updates to every synced peer as one message: all of them merged, or, for a peer
   * that sent some of them, the others merged (it already has its own).
   */
  #relay(batch: Batch, fromSeq: number): void {
    if (batch.isEmpty) return;
    const everything = batch.merged();
    if (everything) this.#replication?.published(everything, fromSeq, this.#lastSeq);
    const senders = new Set(batch.updates.map(({ origin }) => senderOf(origin)));
    const withoutOwn = new Map<Peer, Uint8Array | null>();
    for (const sender of senders) if (sender) withoutOwn.set(sender, batch.merged(sender));
    const all = everything && encodeUpdate(everything);
    for (const [peer, record] of this.#peers) {
      if (!record.synced || peer.remote === true) continue;
      const own = withoutOwn.get(peer);
      const message = own === undefined ? all : own && encodeUpdate(own);
      if (message) peer.send(message);
    }
  }

  async #compact(): Promise<void> {
    const upToSeq = this.#lastSeq;
    const covered = this.#tailLength;
    try {
      await this.#store.compact(this.boardId, this.#committedEncoding().state, upToSeq);
      this.#tailLength -= covered;
    } catch (error) {
      // The log still holds everything; the next batch tries again.
      this.#log.error('compaction failed; the log is kept', { boardId: this.boardId, error });
    }
  }

  /** The committed document and its state vector, encoded once per change of the document. */
  #committedEncoding(): { state: Uint8Array; stateVector: Uint8Array } {
    this.#encoded ??= { state: committedState(this.doc), stateVector: Y.encodeStateVector(this.doc) };
    return this.#encoded;
  }

  /**
   * The document's state vector. While a batch is applied but not committed it is read from the
   * document itself (never cached then): a state vector reveals no content, so it may run ahead.
   */
  #stateVector(): Uint8Array {
    return this.#inFlight > 0 || this.#encoded === null ? Y.encodeStateVector(this.doc) : this.#encoded.stateVector;
  }

  /**
   * A sync step 2 for a client with `stateVector`. A client with nothing (a new tablet, the
   * projector) gets the cached encoding as it is; one that has most of the board is answered by
   * Yjs's encoder, which skips what the client has instead of reading the whole board.
   */
  #answer(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector)) return this.#committedEncoding().state;
    return committedState(this.doc, stateVector);
  }

  #relayAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    const changed = [...added, ...updated, ...removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    this.#replication?.awareness(update);
    const message = encodeAwareness(update);
    for (const peer of this.#peers.keys()) if (peer.remote !== true) peer.send(message);
  };

  #refuse(peer: Peer, error: unknown): void {
    const reason = error instanceof MalformedMessage ? error.message : 'update did not decode';
    this.#log.warn('closing a connection that sent an undecodable message', {
      boardId: this.boardId,
      actorId: peer.actor.id,
      reason,
    });
    peer.close(CloseCode.badMessage, reason.slice(0, 120));
  }
}

/**
 * The document as an update, without the structs that wait for changes the server lacks: Yjs's
 * own encoder adds those, but they are neither checked nor committed, so no answer, compensation
 * or snapshot may carry them.
 */
function committedState(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const { pendingStructs, pendingDs } = doc.store;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } finally {
    doc.store.pendingStructs = pendingStructs;
    doc.store.pendingDs = pendingDs;
  }
}

/** Applies a stored board in one transaction: applied one by one, each row pays a transaction's cleanup of its own, five times the cost (100,000 rows: 1.5 s against 0.3 s). */
function applyStored(doc: Y.Doc, { snapshot, updates }: StoredBoard): void {
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
}

function storedBytes({ snapshot, updates }: StoredBoard): number {
  return updates.reduce((sum, update) => sum + update.byteLength, snapshot?.byteLength ?? 0);
}

/**
 * Work in turns of the event loop of at most `ms` each: the function it returns, called after each
 * piece of work, lets the loop serve what waits (other boards' sockets, their commits' answers)
 * once the turn has used its time. Counting pieces instead would not do: the first slices of a
 * board cost several times the later ones, until the JIT has seen Yjs's code.
 */
function turnsOf(ms: number): () => Promise<void> {
  let started = performance.now();
  return async () => {
    if (performance.now() - started < ms) return;
    await new Promise((resolve) => setImmediate(resolve));
    started = performance.now();
  };
}

/** A state vector that names no client: its holder has nothing of the document. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 0 || (stateVector.byteLength === 1 && stateVector[0] === 0);
}

function overBacklog(backlog: Backlog, bound: Backlog): boolean {
  return backlog.messages > bound.messages || backlog.bytes > bound.bytes;
}

function halfOf(bound: Backlog): Backlog {
  return { messages: bound.messages / 2, bytes: bound.bytes / 2 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
