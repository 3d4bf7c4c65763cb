/**
 * The readings of the app's own words, from i18n/ja.readings.json (written by
 * client/scripts/ui-readings.ts, docs/furigana.md). A chunk of its own, with the file: the board
 * fetches both the first time it shows furigana.
 *
 * A message with placeholders is kept as a template (`あと {count} {票|ひょう}`), since the page
 * shows it with its values in (あと 2 票): the template's readings serve every such text whose
 * values hold no kanji. A value with a kanji (a person's name) leaves the whole text to the
 * server's analyser, which reads the name in its sentence.
 *
 * @example uiWords({ 'あと {count} 票': 'あと {count} {票|ひょう}' }).templated('あと 2 票') // → あと 2 票[ひょう]
 */
import { hasKanji, type ReadingSegment } from '../../../shared/reading';

export interface UiWords {
  /** The messages without placeholders, by their text. */
  exact: Map<string, ReadingSegment[]>;
  /** A filled-in message's segments, when a template fits it and its values hold no kanji. */
  templated(text: string): ReadingSegment[] | undefined;
}

const PLACEHOLDER = /\{\w+\}/g;

export function uiWords(file: Record<string, string>): UiWords {
  const exact = new Map<string, ReadingSegment[]>();
  const templates: { pattern: RegExp; literal: number; segments: ReadingSegment[] }[] = [];
  for (const [text, marked] of Object.entries(file)) {
    const segments = parseMarked(marked);
    const literals = text.split(PLACEHOLDER);
    if (literals.length === 1) exact.set(text, segments);
    else {
      const pattern = new RegExp(`^${literals.map(escapeRegExp).join('([\\s\\S]*?)')}$`, 'u');
      templates.push({ pattern, literal: literals.join('').length, segments });
    }
  }
  // The most literal text first, so that あと 2 票 is read by `あと {count} 票` rather than by `{count} 票`.
  templates.sort((one, other) => other.literal - one.literal);
  return {
    exact,
    templated(text) {
      for (const { pattern, segments } of templates) {
        const values = pattern.exec(text)?.slice(1);
        if (!values || values.some(hasKanji)) continue;
        let next = 0;
        return segments.map((segment) =>
          segment.reading === undefined ? { text: segment.text.replace(PLACEHOLDER, () => values[next++] ?? '') } : { ...segment },
        );
      }
      return undefined;
    },
  };
}

/**
 * The message files' compact form: `{漢字|かんじ}` over the kanji, plain text between (a template's
 * `{count}` has no `|` and stays plain).
 *
 * @example parseMarked('{箱|はこ}に{貼|は}る') // → 箱[はこ] に 貼[は] る
 */
export function parseMarked(marked: string): ReadingSegment[] {
  const segments: ReadingSegment[] = [];
  for (const part of marked.split(/(\{[^{}|]+\|[^{}|]+\})/u)) {
    if (!part) continue;
    const ruby = /^\{([^{}|]+)\|([^{}|]+)\}$/u.exec(part);
    segments.push(ruby ? { text: ruby[1]!, reading: ruby[2]! } : { text: part });
  }
  return segments;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
