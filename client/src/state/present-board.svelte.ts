/**
 * What the projector page reads (docs/client.md, "Projector"): the board document through the same
 * Yjs binding as every board (`BoardState`, with the read-only role `viewer`), the server's clock
 * for the timer, and the board's title, join code, names and categories from
 * `GET /api/boards/:id/present-info`, asked again whenever the relay says they changed (a `notice`,
 * docs/protocol.md) and after every reconnect.
 *
 * Nothing is kept on the device (no IndexedDB): a projector PC is shared, and it is always online
 * when it shows anything useful. The socket asks for acks only because the relay answers time
 * requests to sockets that do; the viewer never writes.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { PresentInfo } from '../../../shared/api';
import { CloseCode } from '../../../shared/close-codes';
import { ACKS_PARAM, MESSAGE_SAVED, MESSAGE_TIME, NOTICES_PARAM, readTimeAnswer } from '../../../shared/sync-messages';
import { ApiRequestError } from '../lib/api';
import { onBoardNotice } from '../lib/board-notices';
import { fetchPresentInfo, forgetProjectorToken } from '../lib/projector';
import { ServerClock } from '../lib/server-clock';
import { BoardState } from './board.svelte';

/** Why the projector shows nothing: its link was revoked (or the board closed), or it is broken. */
export type PresentProblem = 'revoked' | 'invalid' | 'notFound';

const INFO_RETRY_MS = 10_000;

export class PresentBoard {
  readonly doc = new Y.Doc();
  readonly board: BoardState;
  readonly clock = new ServerClock();
  readonly provider: WebsocketProvider;
  #boardId: string;
  #token: string;
  #info = $state.raw<PresentInfo | null>(null);
  #problem = $state<PresentProblem | null>(null);
  #synced = $state(false);
  #connected = $state(false);
  #asked = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #cleanup: (() => void)[] = [];
  #destroyed = false;

  constructor(boardId: string, token: string) {
    this.#boardId = boardId;
    this.#token = token;
    this.board = new BoardState(this.doc, { id: `viewer:${boardId}`, role: 'viewer' });
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${scheme}//${location.host}/yjs`, boardId, this.doc, {
      params: { token, [ACKS_PARAM]: '1', [NOTICES_PARAM]: '1' },
      // One projector per window; other tabs of this board must not feed it.
      disableBc: true,
      maxBackoffTime: 10_000,
    });
    this.#listen();
    this.refresh();
  }

  /** The board's title, join code, people and categories; null until the first answer. */
  get info(): PresentInfo | null {
    return this.#info;
  }

  get problem(): PresentProblem | null {
    return this.#problem;
  }

  /** The document has arrived from the server at least once. */
  get synced(): boolean {
    return this.#synced;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The document's title, which staff may change while it is shown. */
  get title(): string {
    return this.board.meta.title || this.#info?.board.title || '';
  }

  /** Asks for the info again; a failure that may pass (offline, a restart) tries again shortly. */
  refresh(): void {
    clearTimeout(this.#retry);
    const asked = ++this.#asked;
    fetchPresentInfo(this.#boardId, this.#token).then(
      (info) => {
        if (!this.#destroyed && asked === this.#asked) this.#info = info;
      },
      (error: unknown) => {
        if (this.#destroyed || asked !== this.#asked) return;
        const status = error instanceof ApiRequestError ? error.status : 0;
        if (status === 401) this.#stop('invalid');
        else if (status === 403) this.#stop('revoked');
        else if (status === 404) this.#stop('notFound');
        else this.#retry = setTimeout(() => this.refresh(), INFO_RETRY_MS);
      },
    );
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#retry);
    for (const undo of this.#cleanup) undo();
    this.board.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }

  #listen(): void {
    const provider = this.provider;
    const handlers = provider.messageHandlers;
    // Acks say nothing to a screen that never writes; time answers set the clock.
    handlers[MESSAGE_SAVED] = () => {};
    handlers[MESSAGE_TIME] = (_encoder, decoder, _provider, fromSocket) => {
      if (fromSocket) this.clock.receive(readTimeAnswer(decoder));
    };
    // Both kinds change what the info route answers: the join code, the title, the open meeting.
    this.#cleanup.push(onBoardNotice(provider, () => this.refresh()));
    provider.on('status', ({ status }) => {
      this.#connected = status === 'connected';
      // A notice may have been missed while the socket was down.
      if (status === 'connected' && this.#info) this.refresh();
    });
    provider.on('sync', (synced) => {
      if (!synced) return;
      this.#synced = true;
      if (provider.wsconnected) provider.ws?.send(this.clock.request());
    });
    // Only 44xx closes get here: the provider has stopped knocking.
    provider.on('closed', ({ code }) => {
      if (code === CloseCode.forbidden) this.#stop('revoked');
      else if (code === CloseCode.unauthorized) this.#stop('invalid');
      else if (code === CloseCode.notFound) this.#stop('notFound');
    });
  }

  #stop(problem: PresentProblem): void {
    this.#problem = problem;
    forgetProjectorToken(this.#boardId);
    this.provider.disconnect();
  }
}
