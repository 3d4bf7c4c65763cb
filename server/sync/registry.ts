/**
 * The boards that are loaded, one entry each, whose state says where the board is in its life:
 * loading (connections share one load), loaded (maybe with an unload planned), or unloading (a
 * final compaction runs; a connection arriving meanwhile keeps the room). A load that fails reaches
 * every waiting connection as a close code and is forgotten, so that the next connection tries again.
 */
import type { SyncLimits } from '../config';
import type { Logger } from '../log';
import type { SyncMetrics } from '../metrics';
import type { BoardStore } from '../persistence/board-store';
import type { ChangePolicy } from '../permissions/policy';
import type { Actor } from '../../shared/actor';
import type { BoardSettings } from '../../shared/permissions';
import { CloseCode } from '../../shared/close-codes';
import { exhaustive } from '../../shared/exhaustive';
import { encodeNotice, type BoardNotice } from '../../shared/sync-messages';
import type { Connection } from './connection';
import { Room } from './room';

export class BoardNotFound extends Error {
  override name = 'BoardNotFound';
}

/** What `authorize` is asked about: the identity a token proved, for one board. */
export interface Admission {
  actor: Actor;
  boardId: string;
  /** The viewer generation the token carries (projector tokens). */
  viewerGeneration: number;
}

/** `authorize`'s answer; a refusal's reason becomes the 4403 close reason. */
export type AccessVerdict = { allowed: true } | { allowed: false; reason: string };

export interface RoomRegistryOptions {
  store: BoardStore;
  limits: Pick<SyncLimits, 'compactAfterUpdates' | 'unloadAfterMs' | 'maxBacklogMessages' | 'maxBacklogBytes'> & Partial<Pick<SyncLimits, 'quotas'>>;
  log: Logger;
  metrics?: SyncMetrics | undefined;
  /** Whether an actor may make a change; the rules of spec 6 unless a benchmark says otherwise. */
  policy?: ChangePolicy | undefined;
  /**
   * Whether the actor a token names may still be on the board (still on the roster, still staff,
   * the board still open, the projector link not revoked): a token outlives the rights it was issued
   * for, so every new socket asks again.
   */
  authorize?: ((admission: Admission) => Promise<AccessVerdict>) | undefined;
}

type Entry =
  | { state: 'loading'; room: Promise<Room> }
  | { state: 'loaded'; room: Room; unloadTimer: NodeJS.Timeout | null }
  | { state: 'unloading'; room: Room };

/** A board whose changes wait in memory because the store refuses them. */
export interface WaitingBoard {
  boardId: string;
  since: number;
}

export class RoomRegistry {
  #store: BoardStore;
  #limits: RoomRegistryOptions['limits'];
  #log: Logger;
  #metrics: SyncMetrics | undefined;
  #policy: ChangePolicy | undefined;
  #authorize: (admission: Admission) => Promise<AccessVerdict>;
  /**
   * Counts the changes of rights that closed sockets (`closeActor`, `closeWhere`, settings). A
   * connection whose `authorize` answer arrived after such a change asks again: the answer may have
   * been read before the change was written, and the close missed it because it was not in its room yet.
   */
  #rightsChanges = 0;
  #connections = 0;
  #entries = new Map<string, Entry>();

  constructor({ store, limits, log, metrics, policy, authorize = async () => ({ allowed: true }) }: RoomRegistryOptions) {
    this.#authorize = authorize;
    this.#store = store;
    this.#limits = limits;
    this.#log = log;
    this.#metrics = metrics;
    this.#policy = policy;
  }

  get loadedCount(): number {
    return this.#entries.size;
  }

  /** Open websocket connections across all boards. */
  get connectionCount(): number {
    return this.#connections;
  }

  /** Boards whose store is failing, for `/readyz`. */
  get waitingBoards(): WaitingBoard[] {
    const waiting: WaitingBoard[] = [];
    for (const [boardId, entry] of this.#entries) {
      if (entry.state === 'loading') continue;
      const status = entry.room.status;
      if (status.state === 'retrying') waiting.push({ boardId, since: status.since });
    }
    return waiting;
  }

  /** The transport reports every socket it opens and closes, for the connection gauge. */
  socketOpened(): void {
    this.#connections++;
  }

  socketClosed(): void {
    this.#connections--;
  }

  /** Hands a new connection to its board's room once the board has loaded and its actor is let in. */
  connect(connection: Connection): void {
    const asked = this.#rightsChanges;
    Promise.all([this.open(connection.boardId), this.#authorize(connection)]).then(
      ([room, verdict]) => {
        if (!verdict.allowed) connection.close(CloseCode.forbidden, verdict.reason);
        if (connection.isOpen && asked !== this.#rightsChanges) return this.connect(connection);
        if (connection.isOpen) connection.attach(room);
        else this.#planUnload(room);
      },
      (error: unknown) => {
        if (error instanceof BoardNotFound) {
          connection.close(CloseCode.notFound, 'no such board');
        } else {
          connection.close(CloseCode.loadFailed, 'the board could not be loaded; try again shortly');
        }
      },
    );
  }

  /** The board's room, loading it if needed. Rejects with `BoardNotFound` for an unknown board. */
  open(boardId: string): Promise<Room> {
    const entry = this.#entries.get(boardId);
    switch (entry?.state) {
      case undefined:
        return this.#load(boardId);
      case 'loading':
        return entry.room;
      case 'loaded':
        if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
        entry.unloadTimer = null;
        return Promise.resolve(entry.room);
      case 'unloading':
        // The final compaction is harmless to a room in use: keep it.
        this.#entries.set(boardId, { state: 'loaded', room: entry.room, unloadTimer: null });
        return Promise.resolve(entry.room);
      default:
        return exhaustive(entry);
    }
  }

  /**
   * Closes every socket of `actorId` on every board (a participant taken off the roster, say). Call
   * it after the change is stored: a socket still being let in is asked about again.
   */
  closeActor(actorId: string, code: number, reason: string): void {
    this.#rightsChanges++;
    for (const entry of this.#entries.values()) {
      if (entry.state !== 'loading') entry.room.closePeers(code, reason, (peer) => peer.actor.id === actorId);
    }
  }

  /**
   * Closes the sockets of one board that `which` picks (its viewers when the projector link is
   * revoked, everybody but staff when it closes). Call it after the change is stored, as `closeActor`.
   */
  closeWhere(boardId: string, code: number, reason: string, which: (actor: Actor) => boolean): void {
    this.#rightsChanges++;
    const entry = this.#entries.get(boardId);
    if (entry && entry.state !== 'loading') entry.room.closePeers(code, reason, (peer) => which(peer.actor));
  }

  /**
   * Tells the connections of one board that `which` picks, and that asked for notices, that
   * something outside the document changed (shared/sync-messages.ts). A board that is not loaded
   * has nobody to tell.
   */
  notify(boardId: string, notice: BoardNotice, which: (actor: Actor) => boolean): void {
    const entry = this.#entries.get(boardId);
    if (entry && entry.state !== 'loading') entry.room.notifyPeers(encodeNotice(notice), (peer) => which(peer.actor));
  }

  /** Staff changed a board's settings: a loaded room enforces them at once. */
  settingsChanged(boardId: string, settings: BoardSettings): void {
    this.#rightsChanges++;
    const entry = this.#entries.get(boardId);
    if (entry && entry.state !== 'loading') entry.room.setSettings(settings);
  }

  /** Runs `use` with the board's room and lets the room unload afterwards if nobody is connected. */
  async withRoom<T>(boardId: string, use: (room: Room) => Promise<T> | T): Promise<T> {
    const room = await this.open(boardId);
    try {
      return await use(room);
    } finally {
      this.#planUnload(room);
    }
  }

  /**
   * Closes every connection, then stores what is queued and compacts every loaded board, giving up
   * after `deadlineMs` (a database outage must not hang shutdown) and saying what it could not store.
   */
  async closeAll(deadlineMs = 10_000): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    const rooms = await Promise.allSettled(
      entries.map((entry) => {
        if (entry.state === 'loaded' && entry.unloadTimer) clearTimeout(entry.unloadTimer);
        return entry.room;
      }),
    );
    await Promise.all(
      rooms.map(async (result) => {
        if (result.status !== 'fulfilled') return;
        const room = result.value;
        room.closePeers(CloseCode.goingAway, 'the server is restarting');
        const { unstored } = await room.close(deadlineMs);
        if (unstored > 0) {
          this.#log.error('shutting down with updates that could not be stored; their clients still hold them', {
            boardId: room.boardId,
            updates: unstored,
          });
        }
        room.destroy();
      }),
    );
  }

  #load(boardId: string): Promise<Room> {
    const loading = this.#store.load(boardId).then((stored) => {
      if (!stored) throw new BoardNotFound(boardId);
      const room = new Room({
        boardId,
        stored,
        store: this.#store,
        compactAfterUpdates: this.#limits.compactAfterUpdates,
        maxBacklog: { messages: this.#limits.maxBacklogMessages, bytes: this.#limits.maxBacklogBytes },
        log: this.#log,
        metrics: this.#metrics,
        policy: this.#policy,
        quotas: this.#limits.quotas,
        onEmpty: (empty) => this.#planUnload(empty),
      });
      if (this.#entries.get(boardId)?.room === loading) {
        this.#entries.set(boardId, { state: 'loaded', room, unloadTimer: null });
      }
      return room;
    });
    this.#entries.set(boardId, { state: 'loading', room: loading });
    loading.catch((error: unknown) => {
      if (this.#entries.get(boardId)?.room === loading) this.#entries.delete(boardId);
      if (!(error instanceof BoardNotFound)) this.#log.error('loading a board failed', { boardId, error });
    });
    return loading;
  }

  #planUnload(room: Room): void {
    const entry = this.#entries.get(room.boardId);
    if (entry?.state !== 'loaded' || entry.room !== room || entry.unloadTimer || room.peerCount > 0) return;
    entry.unloadTimer = setTimeout(() => void this.#unload(room), this.#limits.unloadAfterMs);
    entry.unloadTimer.unref();
  }

  async #unload(room: Room): Promise<void> {
    const entry = this.#entries.get(room.boardId);
    if (entry?.state !== 'loaded' || entry.room !== room) return;
    if (room.peerCount > 0) {
      entry.unloadTimer = null;
      return;
    }
    this.#entries.set(room.boardId, { state: 'unloading', room });
    await room.compactNow();
    // Somebody may have opened the room while the compaction ran: then `open` made it loaded again.
    const now = this.#entries.get(room.boardId);
    if (now?.state !== 'unloading' || now.room !== room) return;
    if (!room.isIdle) {
      this.#entries.set(room.boardId, { state: 'loaded', room, unloadTimer: null });
      this.#planUnload(room);
      return;
    }
    this.#entries.delete(room.boardId);
    room.destroy();
  }
}
