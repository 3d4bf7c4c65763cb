/**
 * Whether this device's changes to one board are stored on the server: the header's "saved"
 * indicator. The rules live in lib/pending-saves.ts (tested in Node); this class feeds that ledger
 * the document's transactions and makes its count and status reactive.
 *
 * "Saved" shows only after the server confirmed with an ack; while it waits the header says
 * "saving", and after `slowAfterMs` without progress, or without a connection, "not saved yet (N)".
 */
import type * as Y from 'yjs';
import type { Saved } from '../../../shared/sync-messages';
import {
  PendingSaves,
  pendingSavesKey,
  saveStatus,
  type CarryingMessage,
  type KeyValueStore,
  type SaveLedger,
  type SaveStatus,
  type SocketRef,
} from '../lib/pending-saves';

export interface SaveStateOptions {
  boardId: string;
  /** True for an update that came from elsewhere (the server, another tab, IndexedDB). */
  isRemote: (origin: unknown) => boolean;
  store?: KeyValueStore;
  /** After this long connected without the server confirming anything, say "not saved yet". */
  slowAfterMs?: number;
}

export class SaveState implements SaveLedger {
  #doc: Y.Doc;
  #ledger: PendingSaves;
  #isRemote: (origin: unknown) => boolean;
  #slowAfterMs: number;
  #pending = $state(0);
  #confirmedAny = $state(false);
  #connected = $state(false);
  #slow = $state(false);
  #slowTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(doc: Y.Doc, { boardId, isRemote, store, slowAfterMs = 6_000 }: SaveStateOptions) {
    this.#doc = doc;
    this.#isRemote = isRemote;
    this.#slowAfterMs = slowAfterMs;
    this.#ledger = new PendingSaves({ key: pendingSavesKey(boardId), ...(store ? { store } : {}) });
    this.#pending = this.#ledger.size;
    // Just before `update`, from which the provider sends: the ledger knows of a change before the
    // socket carries it, whatever the order of the listeners.
    doc.on('afterTransactionCleanup', this.#onTransaction);
  }

  get status(): SaveStatus {
    return saveStatus({ pending: this.#pending, confirmedAny: this.#confirmedAny, connected: this.#connected, slow: this.#slow });
  }

  get pending(): number {
    return this.#pending;
  }

  /** Whether the socket to the relay is open; the connection tells. */
  setConnected(connected: boolean): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.#restartPatience();
  }

  sent(socket: SocketRef, message: number, kind: CarryingMessage): void {
    this.#ledger.sent(socket, message, kind);
  }

  acknowledge(socket: SocketRef, saved: Saved): void {
    this.#confirmed(this.#ledger.acknowledge(socket, saved));
  }

  destroy(): void {
    clearTimeout(this.#slowTimer);
    this.#doc.off('afterTransactionCleanup', this.#onTransaction);
  }

  #onTransaction = (transaction: Y.Transaction): void => {
    const before = this.#ledger.size;
    if (!this.#ledger.observe(transaction, this.#isRemote(transaction.origin))) return;
    this.#pending = this.#ledger.size;
    if (before === 0) this.#restartPatience();
  };

  #confirmed(count: number): void {
    if (count === 0) return;
    this.#confirmedAny = true;
    this.#pending = this.#ledger.size;
    // Progress: the server is answering, so the rest gets a fresh wait before "not saved yet".
    this.#restartPatience();
  }

  #restartPatience(): void {
    clearTimeout(this.#slowTimer);
    this.#slow = false;
    if (this.#connected && this.#ledger.size > 0) {
      this.#slowTimer = setTimeout(() => (this.#slow = true), this.#slowAfterMs);
    }
  }
}
