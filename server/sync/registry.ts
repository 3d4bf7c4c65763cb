/**
 * The boards that are loaded, one `Room` each. Concurrent connections to a board share one load; a
 * load that fails reaches every waiting connection as a close code, and is forgotten so that the
 * next connection tries again. A room unloads a while after its last connection leaves, once its
 * queue is stored and its log compacted.
 */
import type { SyncLimits } from '../config';
import type { Logger } from '../log';
import type { SyncMetrics } from '../metrics';
import type { BoardStore } from '../persistence/board-store';
import { CloseCode } from '../../shared/close-codes';
import type { Connection } from './connection';
import { Room } from './room';

export class BoardNotFound extends Error {
  override name = 'BoardNotFound';
}

export interface RoomRegistryOptions {
  store: BoardStore;
  limits: Pick<SyncLimits, 'compactAfterUpdates' | 'unloadAfterMs'>;
  log: Logger;
  metrics?: SyncMetrics;
  /** False only in the benchmark that measures what the permission check costs. */
  checkPermissions?: boolean;
}

export class RoomRegistry {
  #store: BoardStore;
  #limits: RoomRegistryOptions['limits'];
  #log: Logger;
  #metrics: SyncMetrics | undefined;
  #checkPermissions: boolean;
  #connections = 0;
  #rooms = new Map<string, Promise<Room>>();
  #unloadTimers = new Map<string, NodeJS.Timeout>();

  constructor({ store, limits, log, metrics, checkPermissions = true }: RoomRegistryOptions) {
    this.#checkPermissions = checkPermissions;
    this.#store = store;
    this.#limits = limits;
    this.#log = log;
    this.#metrics = metrics;
  }

  get loadedCount(): number {
    return this.#rooms.size;
  }

  /** Open websocket connections across all boards. */
  get connectionCount(): number {
    return this.#connections;
  }

  /** The transport reports every socket it opens and closes, for the connection gauge. */
  socketOpened(): void {
    this.#connections++;
  }

  socketClosed(): void {
    this.#connections--;
  }

  /** Hands a new connection to its board's room once the board has loaded. */
  connect(connection: Connection): void {
    this.open(connection.boardId).then(
      (room) => {
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
    this.#cancelUnload(boardId);
    const existing = this.#rooms.get(boardId);
    if (existing) return existing;
    const loading = this.#load(boardId);
    this.#rooms.set(boardId, loading);
    loading.catch((error: unknown) => {
      if (this.#rooms.get(boardId) === loading) this.#rooms.delete(boardId);
      if (!(error instanceof BoardNotFound)) {
        this.#log.error('loading a board failed', { boardId, error });
      }
    });
    return loading;
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

  /** Closes every connection, stores what is queued and compacts every loaded board. */
  async closeAll(): Promise<void> {
    for (const timer of this.#unloadTimers.values()) clearTimeout(timer);
    this.#unloadTimers.clear();
    const rooms = await Promise.allSettled(this.#rooms.values());
    this.#rooms.clear();
    await Promise.all(
      rooms.map(async (result) => {
        if (result.status !== 'fulfilled') return;
        const room = result.value;
        room.closeConnections(CloseCode.goingAway, 'the server is restarting');
        await room.compactNow();
        room.destroy();
      }),
    );
  }

  async #load(boardId: string): Promise<Room> {
    const stored = await this.#store.load(boardId);
    if (!stored) throw new BoardNotFound(boardId);
    return new Room({
      boardId,
      stored,
      store: this.#store,
      compactAfterUpdates: this.#limits.compactAfterUpdates,
      log: this.#log,
      metrics: this.#metrics,
      checkPermissions: this.#checkPermissions,
      onEmpty: (room) => this.#planUnload(room),
    });
  }

  #planUnload(room: Room): void {
    if (room.connectionCount > 0 || this.#unloadTimers.has(room.boardId)) return;
    const timer = setTimeout(() => {
      this.#unloadTimers.delete(room.boardId);
      void this.#unload(room);
    }, this.#limits.unloadAfterMs);
    timer.unref();
    this.#unloadTimers.set(room.boardId, timer);
  }

  async #unload(room: Room): Promise<void> {
    if (room.connectionCount > 0) return;
    await room.compactNow();
    // Somebody may have connected while the compaction ran: then the room stays.
    if (!room.isIdle) {
      this.#planUnload(room);
      return;
    }
    const current = await this.#rooms.get(room.boardId);
    if (current !== room || !room.isIdle) return;
    this.#rooms.delete(room.boardId);
    room.destroy();
  }

  #cancelUnload(boardId: string): void {
    const timer = this.#unloadTimers.get(boardId);
    if (timer) clearTimeout(timer);
    this.#unloadTimers.delete(boardId);
  }
}
