/**
 * The Yjs → Svelte binding for one board.
 *
 * The contract is that one changed idea re-renders one card, not the list:
 * - every idea has one stable `IdeaView` whose fields are separate signals;
 * - `ideas` (the ordered list) is `$state.raw` and gets a new array only when an idea is added or
 *   removed, so the keyed `{#each}` does no work for edits and votes;
 * - the observers read only the keys that a transaction touched, never the whole document.
 *
 * Every write goes through shared/board.ts, the same functions the server and the tests use.
 */
import * as Y from 'yjs';
import {
  addIdea,
  boardRoots,
  castVote,
  deleteIdea,
  dotsUsed,
  IDEA_TEXT_MAX,
  readIdea,
  readMeta,
  type Meta,
} from '../../../shared/board';
import { newId } from '../../../shared/ids';
import { IdeaView, newestFirst } from './idea-view.svelte';

export class BoardState {
  readonly doc: Y.Doc;
  readonly actorId: string;
  #roots: ReturnType<typeof boardRoots>;
  #views = new Map<string, IdeaView>();
  #ideas = $state.raw<readonly IdeaView[]>([]);
  #meta = $state.raw<Meta>();
  #dotsUsed = $state(0);
  #unobserve: (() => void)[] = [];

  constructor(doc: Y.Doc, actorId: string) {
    this.doc = doc;
    this.actorId = actorId;
    this.#roots = boardRoots(doc);
    this.#meta = readMeta(doc);
    this.#observe(this.#roots.ideas, (events) => this.#onIdeas(events));
    this.#observe(this.#roots.votes, (events) => this.#onVotes(events));
    this.#observe(this.#roots.meta, () => (this.#meta = readMeta(doc)));
    this.#onIdeas([]);
    this.#dotsUsed = dotsUsed(doc, actorId);
  }

  /** Newest first. A new array only when ideas come or go. */
  get ideas(): readonly IdeaView[] {
    return this.#ideas;
  }

  get meta(): Meta {
    return this.#meta ?? readMeta(this.doc);
  }

  get dotsUsed(): number {
    return this.#dotsUsed;
  }

  get dotsLeft(): number {
    return Math.max(0, this.meta.voteBudget - this.#dotsUsed);
  }

  /** Posts an idea as this person and answers its id (for undo). */
  post(text: string, anonymous: boolean): string {
    const id = newId();
    addIdea(this.doc, { id, text: text.trim().slice(0, IDEA_TEXT_MAX), authorId: this.actorId, anonymous });
    return id;
  }

  remove(ideaId: string): void {
    deleteIdea(this.doc, ideaId);
  }

  /** False when no dots are left: the server would undo the vote anyway. */
  vote(ideaId: string): boolean {
    if (this.dotsLeft <= 0) return false;
    castVote(this.doc, this.actorId, ideaId, 1);
    return true;
  }

  takeBack(ideaId: string): boolean {
    if ((this.#views.get(ideaId)?.myDots ?? 0) <= 0) return false;
    castVote(this.doc, this.actorId, ideaId, -1);
    return true;
  }

  destroy(): void {
    for (const unobserve of this.#unobserve) unobserve();
    this.#unobserve = [];
  }

  #observe<T>(type: Y.Map<T>, handler: (events: Y.YEvent<Y.AbstractType<unknown>>[]) => void): void {
    type.observeDeep(handler);
    this.#unobserve.push(() => type.unobserveDeep(handler));
  }

  /** With no events, (re)reads every idea: the first load. */
  #onIdeas(events: Y.YEvent<Y.AbstractType<unknown>>[]): void {
    const root = this.#roots.ideas;
    const touched = new Set<string>(events.length === 0 ? root.keys() : []);
    let listChanged = events.length === 0;
    for (const event of events) {
      if (event.target === root) {
        for (const key of event.changes.keys.keys()) touched.add(key);
      } else {
        // A change inside one idea's map: its path from `ideas` starts with the idea's id.
        const id = event.path[0];
        if (typeof id === 'string') touched.add(id);
      }
    }
    for (const id of touched) {
      const map = root.get(id);
      const view = this.#views.get(id);
      if (!(map instanceof Y.Map)) {
        if (view) {
          this.#views.delete(id);
          listChanged = true;
        }
        continue;
      }
      const idea = readIdea(id, map);
      if (!view) {
        this.#views.set(id, new IdeaView(idea, this.#tallyOf(id), this.#myDotsOn(id)));
        listChanged = true;
      } else {
        if (view.createdAt !== idea.createdAt) listChanged = true;
        view.apply(idea);
      }
    }
    if (listChanged) this.#ideas = [...this.#views.values()].sort(newestFirst);
  }

  #onVotes(events: Y.YEvent<Y.AbstractType<unknown>>[]): void {
    const root = this.#roots.votes;
    const touched = new Set<string>();
    let everyIdea = false;
    let mine = false;
    for (const event of events) {
      if (event.target === root) {
        for (const [actorId, change] of event.changes.keys) {
          if (actorId === this.actorId) mine = true;
          if (change.action === 'add') root.get(actorId)?.forEach((_, ideaId) => touched.add(ideaId));
          // A voter's map replaced or removed: what it held is gone from the event, so recount all.
          else everyIdea = true;
        }
      } else if (event instanceof Y.YMapEvent) {
        if (event.path[0] === this.actorId) mine = true;
        for (const ideaId of event.keysChanged) touched.add(ideaId);
      }
    }
    const ids = everyIdea ? this.#views.keys() : touched;
    for (const id of ids) this.#views.get(id)?.setVotes(this.#tallyOf(id), this.#myDotsOn(id));
    if (mine || everyIdea) this.#dotsUsed = dotsUsed(this.doc, this.actorId);
  }

  #tallyOf(ideaId: string): number {
    let total = 0;
    this.#roots.votes.forEach((own) => {
      const count = own instanceof Y.Map ? own.get(ideaId) : undefined;
      if (typeof count === 'number' && count > 0) total += count;
    });
    return total;
  }

  #myDotsOn(ideaId: string): number {
    const count = this.#roots.votes.get(this.actorId)?.get(ideaId);
    return typeof count === 'number' && count > 0 ? count : 0;
  }
}
