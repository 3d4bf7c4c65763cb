/**
 * One idea as the screen sees it. The board keeps exactly one `IdeaView` per idea for as long as the
 * idea exists, and each field is its own signal: a card that reads `text` re-renders when the text
 * changes, and nothing else does.
 */
import type { Idea, IdeaStatus } from '../../../shared/board';

export class IdeaView {
  readonly id: string;
  #text = $state('');
  #authorId = $state('');
  #anonymous = $state(false);
  #category = $state('');
  #status = $state<IdeaStatus>('open');
  #createdAt = $state(0);
  #mergedInto = $state<string | null>(null);
  #tally = $state(0);
  #myDots = $state(0);

  constructor(idea: Idea, tally: number, myDots: number) {
    this.id = idea.id;
    this.apply(idea);
    this.#tally = tally;
    this.#myDots = myDots;
  }

  get text(): string {
    return this.#text;
  }
  get authorId(): string {
    return this.#authorId;
  }
  get anonymous(): boolean {
    return this.#anonymous;
  }
  get category(): string {
    return this.#category;
  }
  get status(): IdeaStatus {
    return this.#status;
  }
  get createdAt(): number {
    return this.#createdAt;
  }
  get mergedInto(): string | null {
    return this.#mergedInto;
  }
  /** Everyone's dots on this idea. */
  get tally(): number {
    return this.#tally;
  }
  /** This person's own dots on this idea. */
  get myDots(): number {
    return this.#myDots;
  }

  /**
   * Only the board binding calls these. Assigning an unchanged value is free: a `$state` signal
   * that gets an equal primitive does not notify its readers.
   */
  apply(idea: Idea): void {
    this.#text = idea.text;
    this.#authorId = idea.authorId;
    this.#anonymous = idea.anonymous;
    this.#category = idea.category;
    this.#status = idea.status;
    this.#createdAt = idea.createdAt;
    this.#mergedInto = idea.mergedInto ?? null;
  }

  setVotes(tally: number, myDots: number): void {
    this.#tally = tally;
    this.#myDots = myDots;
  }
}

/** Newest first; the id breaks ties so that every peer shows the same order. */
export function newestFirst(a: IdeaView, b: IdeaView): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
