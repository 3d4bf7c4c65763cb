/**
 * Everything one open board needs, made together and destroyed together: the document, its
 * connection (server + IndexedDB), the Svelte binding, the presence list and the board's context
 * (names, categories, settings) from `GET /api/boards/:id/context`.
 */
import * as Y from 'yjs';
import type { ActorRole, BoardContext, Me, Person } from '../../../shared/api';
import { DEFAULT_CATEGORIES, type Category } from '../../../shared/categories';
import { boardApi } from '../lib/board-api';
import { ApiRequestError } from '../lib/request';
import { recallBoard, recallContext, rememberContext } from '../lib/board-memory';
import { BoardState } from './board.svelte';
import { BoardConnection } from './connection.svelte';
import { Presence } from './presence.svelte';

/** How long to wait before asking for the context again after a failure (offline, server down). */
const CONTEXT_RETRY_MS = 15_000;

export class LiveBoard {
  readonly doc = new Y.Doc();
  readonly connection: BoardConnection;
  readonly board: BoardState;
  readonly presence: Presence;
  /** The board's title from the join page, until the document brings its own. */
  readonly rememberedTitle: string;
  #context = $state.raw<BoardContext | null>(null);
  #allowAnonymousFallback: boolean;
  #boardId: string;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(boardId: string, me: Me) {
    this.#boardId = boardId;
    this.connection = new BoardConnection(boardId, this.doc, me);
    this.board = new BoardState(this.doc, { id: me.actorId, role: roleOf(me) });
    this.presence = new Presence(this.connection.provider.awareness, [
      { id: me.actorId, name: me.name, avatar: me.kind === 'participant' ? me.avatar : '' },
    ]);
    const remembered = recallBoard(boardId);
    this.rememberedTitle = remembered?.title ?? '';
    this.#allowAnonymousFallback = remembered?.allowAnonymous ?? false;
    const cached = recallContext(boardId);
    if (cached) this.#useContext(cached);
    this.#loadContext();
  }

  get boardId(): string {
    return this.#boardId;
  }

  /** A board setting kept in the database, not in the document. */
  get allowAnonymous(): boolean {
    return this.#context?.board.allowAnonymous ?? this.#allowAnonymousFallback;
  }

  /** Everyone the board may name (roster, the board's guests, staff); empty until the context arrives. */
  get people(): readonly Person[] {
    return this.#context?.people ?? [];
  }

  /** The facility's work areas; the defaults until the context arrives. */
  get categories(): readonly Category[] {
    return this.#context?.categories ?? DEFAULT_CATEGORIES;
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#retry);
    this.presence.destroy();
    this.board.destroy();
    this.connection.destroy();
    this.doc.destroy();
  }

  #loadContext(): void {
    boardApi.boardContext(this.#boardId).then(
      (context) => {
        if (this.#destroyed) return;
        rememberContext(this.#boardId, context);
        this.#useContext(context);
      },
      (error: unknown) => {
        // Offline or the server is restarting: the cached copy (if any) serves meanwhile. A refusal
        // is the connection's business (it says so on the page), not something to ask again.
        const transient = error instanceof ApiRequestError && (error.code === 'network' || error.status >= 500);
        if (transient && !this.#destroyed) this.#retry = setTimeout(() => this.#loadContext(), CONTEXT_RETRY_MS);
      },
    );
  }

  /**
   * The id to name an idea's author by: for an anonymous idea, the person behind its anonymous id
   * when the context says (staff, and the author for their own), otherwise the anonymous id, which
   * names nobody.
   */
  authorOf(idea: { authorId: string; anonymous: boolean }): string {
    if (!idea.anonymous) return idea.authorId;
    if (idea.authorId === this.#context?.anonymousId) return this.board.actorId;
    return this.#context?.anonymousAuthors?.[idea.authorId] ?? idea.authorId;
  }

  #useContext(context: BoardContext): void {
    this.#context = context;
    this.board.useAnonymousId(context.anonymousId);
    this.presence.remember(context.people.map(({ id, name, avatar }) => ({ id, name, avatar })));
  }
}

function roleOf(me: Me): ActorRole {
  return me.kind === 'staff' ? 'staff' : me.role;
}
