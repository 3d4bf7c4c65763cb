/**
 * The reveal's ranking (issue 9, item 6): ideas by dots, most first, with ties kept together. Ideas
 * with the same number of dots share one place, and the next place counts them all (two ideas
 * tied for first are both 1st, the next is 3rd), as results are usually read out. Within a tie the
 * older idea comes first, the same on every screen.
 *
 * @example
 * rankByDots([{ id: 'a', tally: 3, createdAt: 1 }, { id: 'b', tally: 3, createdAt: 2 }, { id: 'c', tally: 1, createdAt: 0 }])
 * // [{ place: 1, tally: 3, items: [a, b] }, { place: 3, tally: 1, items: [c] }]
 */
export interface Rankable {
  id: string;
  tally: number;
  createdAt: number;
}

export interface Place<T extends Rankable> {
  /** 1 for the most dots; tied ideas share it. */
  place: number;
  tally: number;
  items: T[];
}

export function rankByDots<T extends Rankable>(items: readonly T[]): Place<T>[] {
  const sorted = [...items].sort(
    (a, b) => b.tally - a.tally || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const places: Place<T>[] = [];
  sorted.forEach((item, index) => {
    const last = places.at(-1);
    if (last && last.tally === item.tally) last.items.push(item);
    else places.push({ place: index + 1, tally: item.tally, items: [item] });
  });
  return places;
}
