/**
 * Who is using this browser (`GET /api/me`). The last answer is kept on the device so that a board
 * opened without a connection still knows whose dots and ideas are whose.
 */
import type { Me } from '../../../shared/api';
import { boardApi } from '../lib/board-api';
import { ApiRequestError } from '../lib/request';
import { readStored, writeStored } from '../lib/storage';

export type SessionState =
  | { state: 'loading' }
  | { state: 'signedOut' }
  | { state: 'signedIn'; me: Me; offline: boolean }
  | { state: 'unreachable' };

const CACHE_KEY = 'teian.me';

class Session {
  #state = $state.raw<SessionState>({ state: 'loading' });
  #loading: Promise<void> | null = null;

  get current(): SessionState {
    return this.#state;
  }

  get me(): Me | null {
    return this.#state.state === 'signedIn' ? this.#state.me : null;
  }

  /** Asks the server again; concurrent callers share one request. */
  load(): Promise<void> {
    this.#loading ??= this.#fetch().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /** After a login, a join or the setup, the answer already says who we are. */
  set(me: Me): void {
    this.#state = { state: 'signedIn', me, offline: false };
    writeStored(CACHE_KEY, JSON.stringify(me));
  }

  async signOut(): Promise<void> {
    try {
      await boardApi.logout();
    } finally {
      this.#forget();
    }
  }

  async #fetch(): Promise<void> {
    try {
      this.set(await boardApi.me());
    } catch (error) {
      if (error instanceof ApiRequestError && error.code === 'network') {
        const cached = readCachedMe();
        this.#state = cached ? { state: 'signedIn', me: cached, offline: true } : { state: 'unreachable' };
      } else if (error instanceof ApiRequestError && error.status === 401) {
        this.#forget();
      } else {
        throw error;
      }
    }
  }

  #forget(): void {
    this.#state = { state: 'signedOut' };
    writeStored(CACHE_KEY, null);
  }
}

function readCachedMe(): Me | null {
  const raw = readStored(CACHE_KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Me;
    return typeof value.actorId === 'string' && (value.kind === 'staff' || value.kind === 'participant') ? value : null;
  } catch {
    return null;
  }
}

export const session = new Session();
