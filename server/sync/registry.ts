/**
 * The boards that are loaded, one entry each, whose state says where the board is in its life:
 * loading (connections share one load), loaded (maybe with an unload planned), or unloading (a
 * final compaction runs; a connection arriving meanwhile keeps the room). A load that fails reaches
 * every waiting connection as a close code and is forgotten, so that the next connection tries again.
 */
import type { SyncLimits } from '../config';
import type { Cluster, ClusterHandlers } from '../cluster/cluster';
import { runServerChange, type ServerChange, type ServerChangeResult } from '../cluster/changes';
import { Follower } from '../cluster/follower';
import { fromBytes, toBytes, type BoardCall, type BroadcastMessage, type InboxMessage } from '../cluster/wire';
import { committedSnapshot } from '../history/snapshots';
import { apiError } from '../http/errors';
import type { Logger } from '../log';
import type { SyncMetrics } from '../metrics';
import type { BoardStore } from '../persistence/board-store';
import type { ChangePolicy } from '../permissions/policy';
import type { Actor } from '../../shared/actor';
import type { ActorRole } from '../../shared/api';
import type { BoardSettings } from '../../shared/permissions';
import { CloseCode } from '../../shared/close-codes';
import { exhaustive } from '../../shared/exhaustive';
import { encodeNotice, type BoardNotice } from '../../shared/sync-messages';
import { Connection, type BoardHost, type ConnectionLimits } from './connection';
import { BoardSlicer } from './slicer';
import { Room, RoomUnavailable } from './room';

export class BoardNotFound extends Error {
  override name = 'BoardNotFound';
}

/** Another instance holds the board's lease (scale-out): this one may not run its room. */
export class NotOwner extends Error {
  override name = 'NotOwner';
  constructor(readonly owner: string | null) {
    super(owner ? `the board is owned by instance ${owner}` : 'nobody could take the board\'s lease');
  }
}

/** The lease ran out: a commit of a board this instance no longer surely owns is refused. */
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** A socket of a board that moved to another owner: reconnecting (y-websocket does) finds it. */
const MOVED = { code: CloseCode.resync, reason: 'the board moved to another server: reconnect' } as const;

type FollowEntry =
  | { state: 'loading'; follower: Promise<Follower> }
  | { state: 'following'; follower: Follower; unloadTimer: NodeJS.Timeout | null };

/** A socket of another instance, joined to a room this instance owns. */
class RemoteConnection extends Connection {
  readonly remote = true;
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
  limits: Pick<SyncLimits, 'compactAfterUpdates' | 'unloadAfterMs' | 'maxBacklogMessages' | 'maxBacklogBytes' | 'sliceAboveBytes'> &
    Partial<Pick<SyncLimits, 'quotas'>>;
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
  /** Slices large boards for loading (a test holds it back to see what a loading board does). */
  slicer?: BoardSlicer | undefined;
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
  /** Scale-out (docs/scale-out.md); null without REDIS_URL, and then nothing below is used. */
  #cluster: Cluster | null = null;
  #remoteLimits: ConnectionLimits | null = null;
  #followers = new Map<string, FollowEntry>();
  #remote = new Map<string, { connection: RemoteConnection; from: string }>();
  #watchTimer: NodeJS.Timeout | null = null;
  /** Slices large boards for loading; its worker runs only while there are some to slice. */
  #slicer: BoardSlicer;

  constructor({ store, limits, log, metrics, policy, authorize = async () => ({ allowed: true }), slicer = new BoardSlicer() }: RoomRegistryOptions) {
    this.#authorize = authorize;
    this.#slicer = slicer;
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

  /** Update bytes the loaded rooms hold but have not stored yet (`/metrics`). */
  get unstoredBytes(): number {
    let bytes = 0;
    for (const entry of this.#entries.values()) if (entry.state !== 'loading') bytes += entry.room.unstoredBytes;
    return bytes;
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

  /**
   * Hands a new connection to its board's room once the board has loaded and its actor is let in;
   * with scale-out, to a replica when another instance owns the board.
   */
  connect(connection: Connection): void {
    this.#admit(connection, () => this.#place(connection.boardId));
  }

  #admit(connection: Connection, place: () => Promise<BoardHost>): void {
    const asked = this.#rightsChanges;
    Promise.all([place(), this.#authorize(connection)]).then(
      ([host, verdict]) => {
        if (!verdict.allowed) connection.close(CloseCode.forbidden, verdict.reason);
        if (connection.isOpen && asked !== this.#rightsChanges) return this.#admit(connection, place);
        if (connection.isOpen) connection.attach(host);
        else if (host instanceof Room) this.#planUnload(host);
        else if (host instanceof Follower) this.#planUnfollow(host);
      },
      (error: unknown) => {
        if (error instanceof BoardNotFound) {
          connection.close(CloseCode.notFound, 'no such board');
        } else if (error instanceof NotOwner) {
          connection.close(MOVED.code, MOVED.reason);
        } else {
          connection.close(CloseCode.loadFailed, 'the board could not be loaded; try again shortly');
        }
      },
    );
  }

  /** The board's room when this instance owns it or can, else a replica of the owner's. */
  async #place(boardId: string): Promise<BoardHost> {
    if (!this.#cluster) return this.open(boardId);
    const following = this.#followers.get(boardId);
    if (following?.state === 'loading') return following.follower;
    if (following?.state === 'following') {
      if (following.unloadTimer) clearTimeout(following.unloadTimer);
      following.unloadTimer = null;
      return following.follower;
    }
    try {
      return await this.open(boardId);
    } catch (error) {
      if (!(error instanceof NotOwner) || error.owner === null) throw error;
      return this.#follow(boardId, error.owner);
    }
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
   * Closes every socket of `actorId` on every board, on every instance (a participant taken off
   * the roster, say). Call it after the change is stored: a socket still being let in is asked
   * about again.
   */
  closeActor(actorId: string, code: number, reason: string): void {
    this.#applyHere({ t: 'closeActor', actorId, code, reason });
  }

  /**
   * Closes the sockets of one board whose actors have one of `roles` (its viewers when the
   * projector link is revoked, everybody but staff when it closes), on every instance. Call it
   * after the change is stored, as `closeActor`.
   */
  closeWhere(boardId: string, code: number, reason: string, roles: readonly ActorRole[]): void {
    this.#applyHere({ t: 'closeWhere', board: boardId, code, reason, roles: [...roles] });
  }

  /**
   * Tells the connections of one board whose actors have one of `roles`, and that asked for
   * notices, that something outside the document changed (shared/sync-messages.ts). A board that
   * is not loaded has nobody to tell.
   */
  notify(boardId: string, notice: BoardNotice, roles: readonly ActorRole[]): void {
    this.#applyHere({ t: 'notify', board: boardId, notice, roles: [...roles] });
  }

  /** Staff changed a board's settings: a loaded room enforces them at once. */
  settingsChanged(boardId: string, settings: BoardSettings): void {
    this.#applyHere({ t: 'settings', board: boardId, settings });
  }

  /** Applies a change of rights or a notice here and tells the other instances. */
  #applyHere(message: BroadcastMessage): void {
    this.#cluster?.broadcast(message);
    this.#applyBroadcast(message);
  }

  #applyBroadcast(message: BroadcastMessage): void {
    const room = (boardId: string): Room | null => {
      const entry = this.#entries.get(boardId);
      return entry && entry.state !== 'loading' ? entry.room : null;
    };
    const follower = (boardId: string): Follower | null => {
      const entry = this.#followers.get(boardId);
      return entry?.state === 'following' ? entry.follower : null;
    };
    switch (message.t) {
      case 'closeActor': {
        this.#rightsChanges++;
        const { actorId, code, reason } = message;
        for (const entry of this.#entries.values()) {
          if (entry.state !== 'loading') entry.room.closePeers(code, reason, (peer) => peer.actor.id === actorId);
        }
        for (const entry of this.#followers.values()) {
          if (entry.state === 'following') entry.follower.closeSockets(code, reason, (actor) => actor.id === actorId);
        }
        return;
      }
      case 'closeWhere': {
        this.#rightsChanges++;
        const { board, code, reason, roles } = message;
        room(board)?.closePeers(code, reason, (peer) => roles.includes(peer.actor.role));
        follower(board)?.closeSockets(code, reason, (actor) => roles.includes(actor.role));
        return;
      }
      case 'notify':
        // The owner's room reaches its remote peers too, through their instances.
        room(message.board)?.notifyPeers(encodeNotice(message.notice), (peer) => message.roles.includes(peer.actor.role));
        return;
      case 'settings': {
        this.#rightsChanges++;
        const { board, settings } = message;
        room(board)?.setSettings(settings);
        if (!settings.allowGuests) follower(board)?.closeSockets(CloseCode.forbidden, 'this board no longer takes guests', (actor) => actor.role === 'guest');
        return;
      }
      default:
        exhaustive(message);
    }
  }

  /**
   * Makes a server change (changes.ts) in the board's room, wherever it runs, and resolves with
   * its outcome once committed; rejects with `RoomUnavailable` when that cannot be done in time.
   */
  async serverChange<C extends ServerChange>(boardId: string, actorId: string, change: C): Promise<ServerChangeResult<C>> {
    return (await this.#onOwner(boardId, { kind: 'change', actorId, change })) as ServerChangeResult<C>;
  }

  /**
   * What the board's room has committed, once everything it holds is stored (a snapshot of it then
   * holds exactly what clients were shown); a 503 with `unavailable` when that cannot be in time.
   */
  async committedState(boardId: string, unavailable?: string): Promise<{ state: Uint8Array; upToSeq: number }> {
    try {
      return await this.withRoom(boardId, (room) => committedSnapshot(room, unavailable));
    } catch (error) {
      if (!(error instanceof NotOwner)) throw error;
    }
    try {
      const { state, upToSeq } = (await this.#onOwner(boardId, { kind: 'committed' })) as { state: string; upToSeq: number };
      return { state: fromBytes(state), upToSeq };
    } catch (error) {
      if (error instanceof RoomUnavailable) throw apiError(503, unavailable ?? 'The board cannot be saved just now. Please try again in a moment.');
      throw error;
    }
  }

  /** Who is connected to the board now, on every instance (one entry per socket). */
  async actorsOn(boardId: string): Promise<Actor[]> {
    if (this.#cluster) {
      const owner = this.#entries.has(boardId) ? this.#cluster.instanceId : await this.#cluster.leases.owner(boardId);
      if (owner === null) return [];
      if (owner !== this.#cluster.instanceId) return (await this.#cluster.call(owner, boardId, { kind: 'actors' })) as Actor[];
    }
    const entry = this.#entries.get(boardId);
    return entry && entry.state !== 'loading' ? entry.room.actors : [];
  }

  /** Whether the registry runs as one instance of several (REDIS_URL). */
  get clustered(): boolean {
    return this.#cluster !== null;
  }

  /** Runs `call` where the board's room is: here, or on its owner through Redis. */
  async #onOwner(boardId: string, call: BoardCall): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withRoom(boardId, (room) => this.#runCall(room, call));
      } catch (error) {
        if (!(error instanceof NotOwner) || !this.#cluster) throw error;
        if (error.owner === null) throw new RoomUnavailable('nobody could take the board\'s lease');
        try {
          return await this.#cluster.call(error.owner, boardId, call);
        } catch (failure) {
          // The owner stopped owning it meanwhile: once more, wherever it is now.
          if (attempt > 0 || !(failure instanceof RoomUnavailable)) throw failure;
        }
      }
    }
  }

  async #runCall(room: Room, call: BoardCall): Promise<unknown> {
    switch (call.kind) {
      case 'change':
        return runServerChange(room, call.actorId, call.change);
      case 'committed': {
        const { state, upToSeq } = await committedSnapshot(room);
        return { state: toBytes(state), upToSeq };
      }
      case 'actors':
        return room.actors;
      default:
        return exhaustive(call);
    }
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
    if (this.#watchTimer) clearInterval(this.#watchTimer);
    for (const entry of this.#followers.values()) {
      if (entry.state !== 'following') continue;
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
      entry.follower.closeSockets(CloseCode.goingAway, 'the server is restarting');
      entry.follower.destroy();
    }
    this.#followers.clear();
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
    for (const { connection } of this.#remote.values()) connection.closed();
    this.#remote.clear();
    await this.#slicer.close();
    await this.#cluster?.close({ graceful: true });
  }

  #load(boardId: string): Promise<Room> {
    const cluster = this.#cluster;
    const loading: Promise<Room> = (async () => {
      if (cluster) {
        const owner = await cluster.leases.acquire(boardId);
        if (owner !== cluster.instanceId) throw new NotOwner(owner);
      }
      const stored = await this.#store.load(boardId);
      if (!stored) {
        if (cluster) await cluster.leases.release(boardId);
        throw new BoardNotFound(boardId);
      }
      if (cluster && !cluster.leases.check(boardId)) throw new NotOwner(null);
      const room = new Room({
        boardId,
        stored,
        store: cluster ? this.#fenced(boardId) : this.#store,
        compactAfterUpdates: this.#limits.compactAfterUpdates,
        maxBacklog: { messages: this.#limits.maxBacklogMessages, bytes: this.#limits.maxBacklogBytes },
        log: this.#log,
        metrics: this.#metrics,
        policy: this.#policy,
        quotas: this.#limits.quotas,
        onEmpty: (empty) => this.#planUnload(empty),
        onLoadFailed: (failed) => void this.#forget(failed),
        slicing: { slicer: this.#slicer, aboveBytes: this.#limits.sliceAboveBytes },
        replication: cluster
          ? {
              published: (update, fromSeq, toSeq) =>
                cluster.publishStream(boardId, { t: 'update', owner: cluster.instanceId, fromSeq, toSeq, data: toBytes(update), at: Date.now() }),
              awareness: (update) => cluster.publishStream(boardId, { t: 'awareness', owner: cluster.instanceId, data: toBytes(update), at: Date.now() }),
            }
          : undefined,
      });
      return room;
    })().then((room) => {
      if (this.#entries.get(boardId)?.room === loading) {
        this.#entries.set(boardId, { state: 'loaded', room, unloadTimer: null });
      }
      return room;
    });
    this.#entries.set(boardId, { state: 'loading', room: loading });
    loading.catch((error: unknown) => {
      if (this.#entries.get(boardId)?.room === loading) this.#entries.delete(boardId);
      if (!(error instanceof BoardNotFound) && !(error instanceof NotOwner)) this.#log.error('loading a board failed', { boardId, error });
    });
    return loading;
  }

  /**
   * The store as the owner of `boardId` uses it: a commit or compaction starts only while the
   * lease is surely still this instance's (server/cluster/lease.ts), so no two instances ever
   * commit for one board at once.
   */
  #fenced(boardId: string): BoardStore {
    const store = this.#store;
    const leases = this.#cluster!.leases;
    return {
      ...store,
      commit: (id, rows, attempt) => (leases.check(boardId) ? store.commit(id, rows, attempt) : Promise.reject(new LeaseLost(boardId))),
      compact: (id, state, upToSeq) => (leases.check(boardId) ? store.compact(id, state, upToSeq) : Promise.reject(new LeaseLost(boardId))),
    };
  }

  #planUnload(room: Room): void {
    const entry = this.#entries.get(room.boardId);
    if (entry?.state !== 'loaded' || entry.room !== room || entry.unloadTimer || room.peerCount > 0) return;
    entry.unloadTimer = setTimeout(() => void this.#unload(room), this.#limits.unloadAfterMs);
    entry.unloadTimer.unref();
  }

  /** Drops a room (unloaded, or one that could not load), so that the next connection loads the board anew. */
  async #forget(room: Room): Promise<void> {
    const entry = this.#entries.get(room.boardId);
    if (entry && entry.state !== 'loading' && entry.room === room) {
      if (entry.state === 'loaded' && entry.unloadTimer) clearTimeout(entry.unloadTimer);
      this.#entries.delete(room.boardId);
    }
    room.destroy();
    await this.#cluster?.leases.release(room.boardId);
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
    await this.#forget(room);
  }

  // ---- Scale-out (docs/scale-out.md). Without REDIS_URL none of this runs. ----

  /**
   * Joins the cluster: from now on a board runs in the room of the instance that holds its lease,
   * and the others keep replicas. Call once, before the first connection. `limits` are the remote
   * peers' connection limits (the same as a local socket's).
   */
  joinCluster(connect: (handlers: ClusterHandlers) => Promise<Cluster>, limits: ConnectionLimits): Promise<Cluster> {
    this.#remoteLimits = limits;
    return connect({
      inbox: (message) => this.#fromInbox(message),
      broadcast: (message) => this.#applyBroadcast(message),
      call: (boardId, call) => {
        const entry = this.#entries.get(boardId);
        // Only the owner runs a call: a board loaded nowhere is loaded here only if the lease is free.
        if (!entry && this.#cluster && !this.#cluster.leases.holds(boardId)) {
          return this.#cluster.leases.owner(boardId).then((owner) => {
            if (owner !== null) throw new RoomUnavailable('this instance does not own the board');
            return this.withRoom(boardId, (room) => this.#runCall(room, call));
          });
        }
        return this.withRoom(boardId, (room) => this.#runCall(room, call));
      },
      leaseLost: (boardId) => this.#leaseLost(boardId),
      resubscribed: () => this.#resubscribed(),
    }).then((cluster) => {
      this.#cluster = cluster;
      const every = Math.max(50, Math.floor(cluster.leases.ttlMs / 2));
      this.#watchTimer = setInterval(() => void this.#watch(), every);
      this.#watchTimer.unref();
      return cluster;
    });
  }

  /** Replicas on this instance (tests look at their recoveries). */
  follower(boardId: string): Follower | null {
    const entry = this.#followers.get(boardId);
    return entry?.state === 'following' ? entry.follower : null;
  }

  #follow(boardId: string, owner: string): Promise<Follower> {
    const existing = this.#followers.get(boardId);
    if (existing?.state === 'loading') return existing.follower;
    if (existing?.state === 'following') return Promise.resolve(existing.follower);
    const cluster = this.#cluster!;
    const follower = new Follower({
      boardId,
      ownerId: owner,
      store: this.#store,
      link: { instanceId: cluster.instanceId, send: (to, message) => cluster.send(to, message) },
      log: this.#log,
      onEmpty: (empty) => this.#planUnfollow(empty),
    });
    const loading: Promise<Follower> = (async () => {
      // Subscribed before the load: whatever is committed after it arrives on the stream.
      await cluster.follow(boardId, (message) => follower.fromStream(message));
      if (!(await follower.load())) throw new BoardNotFound(boardId);
      return follower;
    })().then(() => {
      if (this.#followers.get(boardId)?.follower === loading) {
        this.#followers.set(boardId, { state: 'following', follower, unloadTimer: null });
      }
      return follower;
    });
    this.#followers.set(boardId, { state: 'loading', follower: loading });
    loading.catch(async (error: unknown) => {
      if (this.#followers.get(boardId)?.follower === loading) this.#followers.delete(boardId);
      await cluster.unfollow(boardId);
      follower.destroy();
      if (!(error instanceof BoardNotFound)) this.#log.error('loading a replica failed', { boardId, error });
    });
    return loading;
  }

  #planUnfollow(follower: Follower): void {
    const entry = this.#followers.get(follower.boardId);
    if (entry?.state !== 'following' || entry.follower !== follower || entry.unloadTimer || follower.connectionCount > 0) return;
    entry.unloadTimer = setTimeout(() => {
      if (follower.connectionCount === 0) this.#unfollow(follower);
      else entry.unloadTimer = null;
    }, this.#limits.unloadAfterMs);
    entry.unloadTimer.unref();
  }

  /** Drops a replica, closing its sockets with `close` if any are left. */
  #unfollow(follower: Follower, close: { code: number; reason: string } = MOVED): void {
    const entry = this.#followers.get(follower.boardId);
    if (entry?.state !== 'following' || entry.follower !== follower) return;
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
    this.#followers.delete(follower.boardId);
    follower.closeSockets(close.code, close.reason);
    void this.#cluster?.unfollow(follower.boardId);
    follower.destroy();
  }

  #fromInbox(message: Exclude<InboxMessage, { t: 'call' | 'reply' }>): void {
    switch (message.t) {
      case 'join':
        this.#remoteJoin(message);
        return;
      case 'up':
        this.#remote.get(message.conn)?.connection.receive(fromBytes(message.data));
        return;
      case 'leave': {
        const remote = this.#remote.get(message.conn);
        this.#remote.delete(message.conn);
        remote?.connection.closed();
        return;
      }
      case 'down':
      case 'close':
      case 'hold': {
        // Addressed to a socket of this instance: its board is the middle of the connection id.
        const boardId = message.conn.split(':').slice(1, -1).join(':');
        this.follower(boardId)?.fromOwner(message);
        return;
      }
      default:
        exhaustive(message);
    }
  }

  /** A follower's socket joins a room this instance owns, as a remote peer. */
  #remoteJoin({ board, conn, from, actor, acks, notices }: Extract<InboxMessage, { t: 'join' }>): void {
    const cluster = this.#cluster!;
    const down = (message: InboxMessage) => cluster.send(from, message);
    const connection = new RemoteConnection({
      transport: {
        send: (data) => down({ t: 'down', conn, data: toBytes(data) }),
        close: (code, reason) => {
          this.#remote.delete(conn);
          down({ t: 'close', conn, code, reason });
        },
        pause: () => down({ t: 'hold', conn, held: true }),
        resume: () => down({ t: 'hold', conn, held: false }),
        bufferedAmount: 0,
      },
      actor,
      boardId: board,
      wantsAcks: acks,
      wantsNotices: notices,
      limits: this.#remoteLimits!,
    });
    this.#remote.set(conn, { connection, from });
    // Only the owner's room: a board owned elsewhere by now sends the socket on to reconnect.
    this.#admit(connection, () => this.open(board));
  }

  #leaseLost(boardId: string): void {
    const entry = this.#entries.get(boardId);
    if (!entry || entry.state === 'loading') return;
    if (entry.state === 'loaded' && entry.unloadTimer) clearTimeout(entry.unloadTimer);
    this.#entries.delete(boardId);
    const { room } = entry;
    // Every peer, local and remote, reconnects and resends what was not acked to the next owner.
    room.closePeers(MOVED.code, MOVED.reason);
    void room.close(0).then(() => room.destroy());
  }

  /** Messages may have been lost while the subscription was down: every forwarded socket resyncs. */
  #resubscribed(): void {
    this.#log.warn('the Redis subscription was re-established: forwarded sockets reconnect');
    for (const entry of [...this.#followers.values()]) if (entry.state === 'following') this.#unfollow(entry.follower);
    for (const { connection } of [...this.#remote.values()]) connection.close(MOVED.code, MOVED.reason);
  }

  /**
   * Every ttl/2: a replica whose owner's lease is gone or changed closes its sockets (they
   * reconnect, and the first instance to get one becomes the owner); a remote peer whose instance
   * stopped renewing its liveness key leaves the room.
   */
  async #watch(): Promise<void> {
    const cluster = this.#cluster;
    if (!cluster) return;
    try {
      for (const entry of [...this.#followers.values()]) {
        if (entry.state !== 'following') continue;
        const owner = await cluster.leases.owner(entry.follower.boardId);
        if (owner !== entry.follower.ownerId) this.#unfollow(entry.follower);
      }
      const instances = [...new Set([...this.#remote.values()].map(({ from }) => from))];
      const alive = await cluster.alive(instances);
      for (const [conn, { connection, from }] of [...this.#remote]) {
        if (alive.has(from)) continue;
        this.#remote.delete(conn);
        connection.closed();
      }
    } catch (error) {
      this.#log.warn('could not check the cluster\'s leases', { error });
    }
  }
}
