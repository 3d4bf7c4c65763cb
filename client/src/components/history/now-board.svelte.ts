/**
 * The board as it is now, as plain data, for the history page: the live document through the relay,
 * read only. Nothing of the page goes into the document or the presence list (the staff member is
 * looking back, not taking part), and nothing is kept on the device: the page shows what the server
 * has, and follows it as it changes (after a restore, too).
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { boardToJson, type BoardJson } from '../../../../shared/board';
import { api } from '../../lib/api';

/** Ask for a new relay token this close to the old one's end. */
const REFRESH_MARGIN_MS = 60_000;

export class NowBoard {
  #doc = new Y.Doc();
  #provider: WebsocketProvider;
  #board = $state.raw<BoardJson | null>(null);
  #failed = $state(false);
  #boardId: string;
  #expiresAt = 0;
  #queued = false;
  #destroyed = false;

  constructor(boardId: string) {
    this.#boardId = boardId;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#provider = new WebsocketProvider(`${scheme}//${location.host}/yjs`, boardId, this.#doc, {
      connect: false,
      disableBc: true,
      maxBackoffTime: 10_000,
    });
    this.#provider.awareness.setLocalState(null);
    this.#provider.on('sync', (synced) => synced && this.#read());
    this.#provider.on('connection-close', () => void this.#freshToken());
    // Only 44xx closes (no right to read the board): the provider has stopped trying.
    this.#provider.on('closed', () => (this.#failed = true));
    this.#doc.on('update', () => this.#queueRead());
    void this.#freshToken().then((ok) => ok && !this.#destroyed && this.#provider.connect());
  }

  /** Null until the first sync. */
  get board(): BoardJson | null {
    return this.#board;
  }

  get failed(): boolean {
    return this.#failed;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#provider.destroy();
    this.#doc.destroy();
  }

  /** A burst of updates (a restore is one transaction, a sync several) is read once. */
  #queueRead(): void {
    if (this.#queued || !this.#provider.synced) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#read();
    });
  }

  #read(): void {
    if (!this.#destroyed) this.#board = boardToJson(this.#doc);
  }

  async #freshToken(): Promise<boolean> {
    if (this.#expiresAt - Date.now() > REFRESH_MARGIN_MS) return true;
    try {
      const { token, expiresAt } = await api.boardToken(this.#boardId);
      this.#provider.params = { token };
      this.#expiresAt = expiresAt;
      return true;
    } catch {
      this.#failed = true;
      return false;
    }
  }
}
