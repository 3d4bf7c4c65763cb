/**
 * The changes this device made to one board that the server has not yet confirmed as stored: the
 * ledger behind the header's "saved" indicator. Plain TypeScript (no runes, no DOM), so that its
 * rules are tested in Node; `state/save-state.svelte.ts` makes it reactive.
 *
 * The relay's `saved` ack (shared/sync-messages.ts) comes in two forms, and either clears a change:
 * - `messages`: the socket's update-carrying messages, counted from 1, that are committed. The
 *   ledger notes which message of which socket carried each change: a live update carries the
 *   change just made; the sync answer sent on connecting carries every change still waiting (what
 *   it leaves out, the relay had already, and commits run in order). This covers deletions, which
 *   have no clock, and changes from before a reload alike.
 * - `clocks`: Yjs client id → the clock below which that client's changes are committed; it clears
 *   a change whose clock ranges it covers.
 * Nothing else clears a change: "saved" is never guessed.
 *
 * The list is kept in localStorage (a few numbers per change), so that changes made offline are
 * still counted after a reload; IndexedDB keeps the changes themselves.
 */
import type * as Y from 'yjs';
import type { Saved } from '../../../shared/sync-messages';
import { readStored, writeStored } from './storage';

/** Where the ledger keeps its list; localStorage by default, a Map in tests. */
export interface KeyValueStore {
  read(key: string): string | null;
  write(key: string, value: string | null): void;
}

export const localStore: KeyValueStore = { read: readStored, write: writeStored };

/** A socket, as the ledger knows it: only its identity matters. */
export type SocketRef = object;

/** What a socket sent that carries changes: the sync answer, or a live update. */
export type CarryingMessage = 'sync-answer' | 'update';

/** What the relay adapter (lib/relay-extensions.ts) tells a ledger. */
export interface SaveLedger {
  /** `socket` sent its update-carrying message number `message` (from 1). */
  sent(socket: SocketRef, message: number, kind: CarryingMessage): void;
  /** `socket` received a `saved` ack. */
  acknowledge(socket: SocketRef, saved: Saved): void;
}

/** Yjs client id → end clock (exclusive) of the structs a change made; none for deletions only. */
export type ClockEnds = [clientId: number, end: number][];

interface Change {
  ends: ClockEnds;
  /** The message that carried it on the newest socket that did. */
  carrier: { socket: SocketRef; message: number } | null;
}

/** Stored as `{ v: 1, changes: [[[clientId, end], …], …] }`. */
interface Stored {
  v: 1;
  changes: ClockEnds[];
}

export const pendingSavesKey = (boardId: string) => `teian.unsaved.${boardId}`;

export class PendingSaves implements SaveLedger {
  #changes: Change[] = [];
  /** The change made by the latest transaction, until another one (even a remote one) follows. */
  #latest: Change | null = null;
  /** The highest acked clock per client id, so that a change is checked against earlier acks too. */
  #saved = new Map<number, number>();
  #key: string;
  #store: KeyValueStore;

  constructor({ key, store = localStore }: { key: string; store?: KeyValueStore }) {
    this.#key = key;
    this.#store = store;
    this.#changes = readList(store.read(key)).map((ends) => ({ ends, carrier: null }));
  }

  get size(): number {
    return this.#changes.length;
  }

  /**
   * Called for every transaction on the document, in order (Yjs's `afterTransactionCleanup`, which
   * comes just before the `update` from which the provider sends). A remote one is not ours to
   * save. The provider sends a local change as a live update right after its transaction, so
   * `sent(…, 'update')` then names this change. Answers whether a change was recorded.
   */
  observe(transaction: Y.Transaction, remote: boolean): boolean {
    const ends = remote ? null : changeOf(transaction);
    if (ends === null) {
      // A remote update may go out next (the provider forwards what IndexedDB loads): not ours.
      if (remote) this.#latest = null;
      return false;
    }
    this.#latest = { ends, carrier: null };
    this.#changes.push(this.#latest);
    this.#persist();
    return true;
  }

  sent(socket: SocketRef, message: number, kind: CarryingMessage): void {
    if (kind === 'update') {
      if (this.#latest && this.#latest.carrier?.socket !== socket) this.#latest.carrier = { socket, message };
      return;
    }
    for (const change of this.#changes) {
      if (change.carrier?.socket !== socket) change.carrier = { socket, message };
    }
  }

  /** Applies a `saved` ack received on `socket`; answers how many changes it confirmed. */
  acknowledge(socket: SocketRef, { messages, clocks }: Saved): number {
    for (const [clientId, clock] of clocks) {
      if (clock > (this.#saved.get(clientId) ?? 0)) this.#saved.set(clientId, clock);
    }
    const before = this.#changes.length;
    this.#changes = this.#changes.filter((change) => !this.#covered(change, socket, messages));
    if (this.#latest && !this.#changes.includes(this.#latest)) this.#latest = null;
    const confirmed = before - this.#changes.length;
    if (confirmed > 0) this.#persist();
    return confirmed;
  }

  #covered({ ends, carrier }: Change, socket: SocketRef, messages: number): boolean {
    if (carrier?.socket === socket && carrier.message <= messages) return true;
    return ends.length > 0 && ends.every(([clientId, end]) => (this.#saved.get(clientId) ?? 0) >= end);
  }

  #persist(): void {
    const stored: Stored = { v: 1, changes: this.#changes.map((change) => change.ends) };
    this.#store.write(this.#key, this.#changes.length === 0 ? null : JSON.stringify(stored));
  }
}

/**
 * The clock ranges a transaction added (empty for deletions only), or null if it changed nothing:
 * the same test Yjs applies before it emits an update.
 */
function changeOf(transaction: Y.Transaction): ClockEnds | null {
  const ends: ClockEnds = [];
  for (const [clientId, end] of transaction.afterState) {
    if (end !== (transaction.beforeState.get(clientId) ?? 0)) ends.push([clientId, end]);
  }
  return ends.length > 0 || transaction.deleteSet.clients.size > 0 ? ends : null;
}

function readList(raw: string | null): ClockEnds[] {
  if (!raw) return [];
  try {
    const value = JSON.parse(raw) as Partial<Stored>;
    if (value.v !== 1 || !Array.isArray(value.changes)) return [];
    return value.changes.filter(
      (ends): ends is ClockEnds =>
        Array.isArray(ends) && ends.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(Number.isSafeInteger)),
    );
  } catch {
    return [];
  }
}

export type SaveStatus =
  /** Nothing changed on this device since the board opened, and nothing from before waits. */
  | { state: 'idle' }
  /** Everything this device changed is confirmed stored. */
  | { state: 'saved' }
  /** Connected, and the server has not confirmed yet (but has not been slow either). */
  | { state: 'saving'; pending: number }
  /** Not connected, or the server is taking long: these changes are on this device only. */
  | { state: 'unsaved'; pending: number };

export function saveStatus(input: { pending: number; confirmedAny: boolean; connected: boolean; slow: boolean }): SaveStatus {
  const { pending, confirmedAny, connected, slow } = input;
  if (pending === 0) return confirmedAny ? { state: 'saved' } : { state: 'idle' };
  return connected && !slow ? { state: 'saving', pending } : { state: 'unsaved', pending };
}
