/**
 * Who is here, from the awareness states (spec 5: `{ user: { id, name, avatar, role } }`).
 *
 * The document stores only author ids, so the names of people seen during this visit are also kept
 * (never forgotten while the page is open) to label their ideas after they leave.
 */
import type { Awareness } from 'y-protocols/awareness';
import { SvelteMap } from 'svelte/reactivity';

export interface PersonView {
  id: string;
  name: string;
  avatar: string;
  /** From the awareness state, when it says (staff are not counted in vote progress). */
  role?: string;
}

export class Presence {
  #awareness: Awareness;
  #here = $state.raw<readonly PersonView[]>([]);
  /** Per-key reactivity: a card that looks up one author re-renders only when that author changes. */
  #known = new SvelteMap<string, PersonView>();
  #onChange = () => this.#read();

  constructor(awareness: Awareness, seed: PersonView[] = []) {
    this.#awareness = awareness;
    for (const person of seed) this.#known.set(person.id, person);
    awareness.on('change', this.#onChange);
    this.#read();
  }

  /** Everyone connected now, each person once however many tabs they have open. */
  get here(): readonly PersonView[] {
    return this.#here;
  }

  person(actorId: string): PersonView | undefined {
    return this.#known.get(actorId);
  }

  /** For names that come from elsewhere (the staff roster). */
  remember(people: Iterable<PersonView>): void {
    for (const person of people) this.#remember(person);
  }

  destroy(): void {
    this.#awareness.off('change', this.#onChange);
  }

  #read(): void {
    const byId = new Map<string, PersonView>();
    for (const state of this.#awareness.getStates().values()) {
      const person = readUser(state);
      if (person) byId.set(person.id, person);
    }
    for (const person of byId.values()) this.#remember(person);
    if (!sameIds(byId, this.#here)) this.#here = [...byId.values()];
  }

  #remember(person: PersonView): void {
    const known = this.#known.get(person.id);
    if (!known || known.name !== person.name || known.avatar !== person.avatar || (person.role !== undefined && known.role !== person.role)) {
      this.#known.set(person.id, person);
    }
  }
}

function readUser(state: Record<string, unknown>): PersonView | null {
  const user = state.user;
  if (typeof user !== 'object' || user === null) return null;
  const { id, name, avatar, role } = user as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || !id || !name) return null;
  return { id, name, avatar: typeof avatar === 'string' ? avatar : '', ...(typeof role === 'string' ? { role } : {}) };
}

function sameIds(next: Map<string, PersonView>, current: readonly PersonView[]): boolean {
  return (
    next.size === current.length &&
    current.every((person) => {
      const other = next.get(person.id);
      return other?.name === person.name && other.avatar === person.avatar;
    })
  );
}
