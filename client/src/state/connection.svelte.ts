/**
 * Keeps one board document in step with the server and with this device.
 *
 * - IndexedDB holds every change, so the board opens and takes changes offline; Yjs merges them when
 *   the socket comes back.
 * - The websocket needs a short-lived token (spec 4). `WebsocketProvider` reads `params` each time it
 *   opens a socket, so the token is refreshed on a timer, when it is close to expiry at a disconnect,
 *   and when the device comes back online.
 * - The socket asks for Teian's protocol additions (`?acks=1`): the relay's "saved" acks feed the
 *   header's save indicator (`saves`), and its time answers the server clock (`clock`).
 */
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Me } from '../../../shared/api';
import { CloseCode } from '../../../shared/close-codes';
import { ACKS_PARAM, NOTICES_PARAM } from '../../../shared/sync-messages';
import { boardApi } from '../lib/board-api';
import { ApiRequestError } from '../lib/request';
import { onBoardNotice } from '../lib/board-notices';
import { countingWebSocket, extendRelay } from '../lib/relay-extensions';
import { ServerClock } from '../lib/server-clock';
import { SaveState } from './save-state.svelte';

/** Why the board cannot open: `failed` is a close the client cannot fix by itself. */
export type RefusedReason = 'signedOut' | 'forbidden' | 'notFound' | 'failed';

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting' }
  | { state: 'offline' }
  | { state: 'refused'; reason: RefusedReason };

/**
 * Every socket asks for acks and for notices (the relay sends notices to staff and projectors
 * only: the join code on the staff screen follows them, state/join-code.svelte.ts); the token
 * joins them in `params`.
 */
const EXTENSIONS = { [ACKS_PARAM]: '1', [NOTICES_PARAM]: '1' } as const;

/** Refresh this long before the token expires, so a reconnect never carries a stale one. */
const REFRESH_MARGIN_MS = 90_000;
const RETRY_MS = 5_000;
/** After this many sockets in a row that never opened, suspect the token even if it looks fresh. */
const FAILED_OPENS_BEFORE_REFETCH = 2;
const MIN_REFETCH_GAP_MS = 30_000;
/** Fresh tokens refused this many times in a row means the session, not the token, is the problem. */
const MAX_UNAUTHORIZED_CLOSES = 3;

export class BoardConnection {
  readonly provider: WebsocketProvider;
  /** This device's changes that the server has not confirmed yet. */
  readonly saves: SaveState;
  /** The server's time, for timers that must agree across screens. */
  readonly clock = new ServerClock();
  #persistence: IndexeddbPersistence;
  #boardId: string;
  #socket = $state<'connecting' | 'connected' | 'disconnected'>('connecting');
  #online = $state(navigator.onLine);
  #everConnected = $state(false);
  #refused = $state<RefusedReason | null>(null);
  #synced = $state(false);
  #storedLoaded = $state(false);
  #expiresAt = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | null = null;
  #unauthorizedCloses = 0;
  #failedOpens = 0;
  #fetchedAt = 0;
  #destroyed = false;
  #cleanup: (() => void)[] = [];

  constructor(boardId: string, doc: Y.Doc, me: Me) {
    this.#boardId = boardId;
    this.#persistence = new IndexeddbPersistence(`teian-board-${boardId}`, doc);
    void this.#persistence.whenSynced.then(() => (this.#storedLoaded = true));

    // Made before the provider, which needs it to number what its sockets send. Changes that come
    // from the relay or another tab (the provider applies both) or from IndexedDB are not this
    // device's to save.
    this.saves = new SaveState(doc, {
      boardId,
      isRemote: (origin) => origin === this.provider || origin === this.#persistence,
    });
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${scheme}//${location.host}/yjs`, boardId, doc, {
      connect: false,
      params: { ...EXTENSIONS },
      WebSocketPolyfill: countingWebSocket(WebSocket, this.saves),
      // Slow tablets on busy Wi-Fi: back off further than the default before knocking again.
      maxBackoffTime: 10_000,
    });
    this.provider.awareness.setLocalStateField('user', {
      id: me.actorId,
      name: me.name,
      avatar: me.kind === 'participant' ? me.avatar : '',
      role: me.role,
    });
    this.#cleanup.push(extendRelay(this.provider, { saves: this.saves, clock: this.clock }));
    // A notice that nobody on this page listens to is still a known message, not an error.
    this.#cleanup.push(onBoardNotice(this.provider, () => {}));
    this.#listen();
    void this.#start();
  }

  get state(): ConnectionState {
    if (this.#refused) return { state: 'refused', reason: this.#refused };
    // A socket can look open for a while after the network is gone; the device knows first.
    if (!this.#online) return { state: 'offline' };
    if (this.#socket === 'connected') return { state: 'connected' };
    return this.#everConnected ? { state: 'reconnecting' } : { state: 'connecting' };
  }

  /** Something to show: the device's copy, or the server's. */
  get ready(): boolean {
    return this.#storedLoaded || this.#synced;
  }

  /** The server's copy has arrived at least once: what was on the board when it opened is known. */
  get synced(): boolean {
    return this.#synced;
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#refreshTimer);
    for (const undo of this.#cleanup) undo();
    this.saves.destroy();
    this.provider.destroy();
    void this.#persistence.destroy();
  }

  async #start(): Promise<void> {
    if (await this.#refreshToken()) this.#connect();
  }

  #connect(): void {
    if (!this.#destroyed && !this.#refused) this.provider.connect();
  }

  #listen(): void {
    const provider = this.provider;
    provider.on('status', ({ status }) => {
      this.#socket = status;
      if (status === 'connected') {
        this.#everConnected = true;
        this.#failedOpens = 0;
      }
      this.#linkSaves();
    });
    provider.on('sync', (synced) => {
      if (!synced) return;
      this.#synced = true;
      this.#unauthorizedCloses = 0;
    });
    // A refusal before the upgrade (HTTP 401/403) reaches the browser only as a failed socket, so
    // repeated failures to open also earn a fresh token, at most every MIN_REFETCH_GAP_MS.
    provider.on('connection-close', () => {
      if (this.#socket !== 'connected') this.#failedOpens++;
      const suspect = this.#failedOpens >= FAILED_OPENS_BEFORE_REFETCH && Date.now() - this.#fetchedAt > MIN_REFETCH_GAP_MS;
      void (suspect ? this.#refreshToken() : this.#ensureFreshToken());
    });
    // Only 44xx closes end up here: the provider has stopped knocking.
    provider.on('closed', ({ code }) => void this.#onRefused(code));

    const online = () => {
      this.#online = true;
      this.#linkSaves();
      void this.#ensureFreshToken().then((ok) => ok && this.#connect());
    };
    const offline = () => {
      this.#online = false;
      this.#linkSaves();
    };
    // A tablet that slept through the token's life wakes with a stale one.
    const visible = () => document.visibilityState === 'visible' && void this.#ensureFreshToken();
    addEventListener('online', online);
    addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    this.#cleanup.push(() => {
      removeEventListener('online', online);
      removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', visible);
    });
  }

  async #onRefused(code: number): Promise<void> {
    switch (code) {
      case CloseCode.unauthorized:
        // Most likely an expired token: a fresh one settles it, unless the session itself is gone.
        if (++this.#unauthorizedCloses > MAX_UNAUTHORIZED_CLOSES) this.#refused = 'signedOut';
        else if (await this.#refreshToken()) this.#connect();
        return;
      case CloseCode.forbidden:
        this.#refused = 'forbidden';
        return;
      case CloseCode.notFound:
        this.#refused = 'notFound';
        return;
      default:
        // A malformed or oversized message would only be sent again: stop, and say so.
        this.#refused = 'failed';
    }
  }

  /** "Saving" needs a socket that can carry the changes; anything else is "not saved yet". */
  #linkSaves(): void {
    this.saves.setConnected(this.state.state === 'connected');
  }

  #ensureFreshToken(): Promise<boolean> {
    if (this.#expiresAt - Date.now() > REFRESH_MARGIN_MS) return Promise.resolve(true);
    return this.#refreshToken();
  }

  /** Concurrent callers share one request. Answers whether a usable token is in place. */
  #refreshToken(): Promise<boolean> {
    this.#refreshing ??= this.#fetchToken().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async #fetchToken(): Promise<boolean> {
    clearTimeout(this.#refreshTimer);
    try {
      this.#fetchedAt = Date.now();
      const { token, expiresAt } = await boardApi.boardToken(this.#boardId);
      if (this.#destroyed) return false;
      this.provider.params = { ...EXTENSIONS, token };
      this.#expiresAt = expiresAt;
      // Half the remaining life, judged by our own clock: a skewed clock then costs only extra fetches.
      const lifetime = expiresAt - Date.now();
      this.#schedule(Math.min(Math.max(lifetime / 2, 15_000), Math.max(lifetime - REFRESH_MARGIN_MS, 15_000)));
      return true;
    } catch (error) {
      if (this.#destroyed) return false;
      if (error instanceof ApiRequestError && error.code !== 'network' && error.status < 500 && error.status !== 429) {
        this.#refused = error.status === 401 ? 'signedOut' : error.status === 404 ? 'notFound' : 'forbidden';
        this.provider.disconnect();
        return false;
      }
      // Offline or a busy server: the document keeps working locally. When offline, the `online`
      // event brings us back; otherwise try again soon.
      if (navigator.onLine) this.#schedule(RETRY_MS, true);
      return false;
    }
  }

  #schedule(delay: number, connectAfter = false): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => {
      void this.#refreshToken().then((ok) => ok && connectAfter && this.#connect());
    }, delay);
  }
}
