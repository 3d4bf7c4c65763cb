/**
 * BudouX's Japanese phrases for the browsers without `word-break: auto-phrase` (lib/phrases.svelte.ts).
 * Only the Japanese model is bundled (budoux's models have no side effects, so the others are
 * dropped): about 20 kB before compression. budoux 0.7.0: 0.8 and later declare a registry
 * authentication package as a runtime dependency, which a browser bundle has no use for.
 */
import { jaModel, Parser } from 'budoux';
import type { ReadingSegment } from '../../../shared/reading';
import type { PhraseSegment } from './phrases.svelte';

const parser = new Parser(jaModel);
// Ruby.svelte's `word-break: keep-all` under this class: from now on its texts carry their <wbr>s.
document.documentElement.classList.add('phrase-breaks');

/**
 * The segments cut where BudouX puts a phrase boundary, the segment after each boundary marked
 * `opens`; plain text is cut, a word with a reading never (its kanji stay under their one ruby).
 * The segments' texts, joined, are the text.
 */
export function cutPhrases(text: string, segments: readonly ReadingSegment[]): PhraseSegment[] {
  const starts = new Set<number>();
  let at = 0;
  for (const phrase of parser.parse(text)) {
    if (at > 0) starts.add(at);
    at += phrase.length;
  }
  const cut: PhraseSegment[] = [];
  let offset = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    if (segment.reading !== undefined) cut.push(starts.has(offset) ? { ...segment, opens: true } : segment);
    else {
      let from = offset;
      for (let place = offset + 1; place <= end; place++) {
        if (place < end && !starts.has(place)) continue;
        cut.push(starts.has(from) ? { text: text.slice(from, place), opens: true } : { text: text.slice(from, place) });
        from = place;
      }
    }
    offset = end;
  }
  return cut;
}
