/**
 * A board's join code as the staff screen shows it, kept current: it is read from
 * `GET /api/boards/:id` when made, again whenever the relay says the board's settings changed (a
 * rotation from another staff screen), and again after every reconnect (a notice may have been
 * missed meanwhile). `rotate()` draws a new code; the old one stops working at once on the server.
 *
 * The board's socket must ask for notices (`?notices=1`); `BoardConnection` does.
 *
 * @example
 * const joinCode = new JoinCodeState(boardId, live.connection.provider, board.joinCode);
 * // markup: {#if joinCode.current}<JoinCode code={joinCode.current} />{/if}
 * onDestroy(() => joinCode.destroy());
 */
import type { WebsocketProvider } from 'y-websocket';
import { api } from '../lib/api';
import { onBoardNotice } from '../lib/board-notices';

export class JoinCodeState {
  #boardId: string;
  #current = $state<string | null>(null);
  #cleanup: (() => void)[] = [];
  #destroyed = false;
  /** Counts requests, so that an older answer never overwrites a newer one. */
  #asked = 0;

  constructor(boardId: string, provider: WebsocketProvider, initial: string | null = null) {
    this.#boardId = boardId;
    this.#current = initial;
    this.#cleanup.push(onBoardNotice(provider, (notice) => notice === 'settings' && this.refresh()));
    const onStatus = ({ status }: { status: string }) => status === 'connected' && this.refresh();
    provider.on('status', onStatus);
    this.#cleanup.push(() => provider.off('status', onStatus));
    this.refresh();
  }

  /** The six digits, or null before the first answer and while the board is closed. */
  get current(): string | null {
    return this.#current;
  }

  /** Asks the server again; failures keep what is shown (the next notice or reconnect asks again). */
  refresh(): void {
    const asked = ++this.#asked;
    api.board(this.#boardId).then(
      (board) => {
        if (!this.#destroyed && asked === this.#asked) this.#current = board.joinCode;
      },
      () => {},
    );
  }

  /** Draws a new code (staff). Every projector and staff screen of the board follows at once. */
  async rotate(): Promise<string | null> {
    const asked = ++this.#asked;
    const board = await api.rotateJoinCode(this.#boardId);
    if (!this.#destroyed && asked === this.#asked) this.#current = board.joinCode;
    return board.joinCode;
  }

  destroy(): void {
    this.#destroyed = true;
    for (const undo of this.#cleanup) undo();
    this.#cleanup = [];
  }
}
