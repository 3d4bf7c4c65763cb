/**
 * Everything one open board needs, made together and destroyed together: the document, its
 * connection (server + IndexedDB), the Svelte binding and the presence list.
 */
import * as Y from 'yjs';
import type { Me } from '../../../shared/api';
import { api } from '../lib/api';
import { recallBoard } from '../lib/board-memory';
import { BoardState } from './board.svelte';
import { BoardConnection } from './connection.svelte';
import { Presence } from './presence.svelte';

export class LiveBoard {
  readonly doc = new Y.Doc();
  readonly connection: BoardConnection;
  readonly board: BoardState;
  readonly presence: Presence;
  /** The board's title from the join page, until the document brings its own. */
  readonly rememberedTitle: string;
  #allowAnonymous = $state(false);

  constructor(boardId: string, me: Me) {
    this.connection = new BoardConnection(boardId, this.doc, me);
    this.board = new BoardState(this.doc, me.actorId);
    this.presence = new Presence(this.connection.provider.awareness, [
      { id: me.actorId, name: me.name, avatar: me.kind === 'participant' ? me.avatar : '' },
    ]);
    const remembered = recallBoard(boardId);
    this.rememberedTitle = remembered?.title ?? '';
    this.#allowAnonymous = remembered?.allowAnonymous ?? false;
    if (me.kind === 'staff') this.#loadStaffExtras(boardId);
  }

  /** A board setting kept in the database, not in the document. */
  get allowAnonymous(): boolean {
    return this.#allowAnonymous;
  }

  destroy(): void {
    this.presence.destroy();
    this.board.destroy();
    this.connection.destroy();
    this.doc.destroy();
  }

  /** Staff can ask for the board's settings and the roster, which also names the ideas' authors. */
  #loadStaffExtras(boardId: string): void {
    api.board(boardId).then(
      (info) => (this.#allowAnonymous = info.allowAnonymous),
      () => {},
    );
    api.participants().then(
      (roster) => this.presence.remember(roster.map((p) => ({ id: p.id, name: p.displayName, avatar: p.avatar }))),
      () => {},
    );
  }
}
