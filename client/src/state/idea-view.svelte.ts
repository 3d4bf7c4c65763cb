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
  #thanks = $state(0);
  #thankedByMe = $state(false);
  #help = $state<Idea['help']>('none');
  #enteredBy = $state<string | null>(null);

  constructor(idea: Idea, votes: { tally: number; myDots: number }, thanks: { count: number; mine: boolean }) {
    this.id = idea.id;
    this.apply(idea);
    this.setVotes(votes.tally, votes.myDots);
    this.setThanks(thanks.count, thanks.mine);
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
  /** How much staff helped (spec 5 `help`); 'none' for an idea its author wrote alone. */
  get help(): Idea['help'] {
    return this.#help;
  }
  /** Everyone's dots on this idea. */
  get tally(): number {
    return this.#tally;
  }
  /** This person's own dots on this idea. */
  get myDots(): number {
    return this.#myDots;
  }
  /** How many people said thank you. */
  get thanks(): number {
    return this.#thanks;
  }
  get thankedByMe(): boolean {
    return this.#thankedByMe;
  }

  /** The idea as plain data, as the document has it now (for undo and for the permission rules). */
  snapshot(): Idea {
    return {
      id: this.id,
      text: this.#text,
      authorId: this.#authorId,
      anonymous: this.#anonymous,
      category: this.#category,
      createdAt: this.#createdAt,
      status: this.#status,
      help: this.#help,
      ...(this.#mergedInto !== null ? { mergedInto: this.#mergedInto } : {}),
      ...(this.#enteredBy !== null ? { enteredBy: this.#enteredBy } : {}),
    };
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
    this.#help = idea.help;
    this.#enteredBy = idea.enteredBy ?? null;
  }

  setVotes(tally: number, myDots: number): void {
    this.#tally = tally;
    this.#myDots = myDots;
  }

  setThanks(count: number, mine: boolean): void {
    this.#thanks = count;
    this.#thankedByMe = mine;
  }
}

/** Newest first; the id breaks ties so that every peer shows the same order. */
export function newestFirst(a: IdeaView, b: IdeaView): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
