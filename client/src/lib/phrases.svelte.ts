/**
 * Japanese wraps at phrase boundaries, not inside a word (issue 12, docs/furigana.md "Phrases").
 * Chromium 119 and later do it themselves with `word-break: auto-phrase` (app.css), which is
 * BudouX's model built into the browser; elsewhere, and wherever furigana are shown, <Ruby> cuts its
 * text into phrases with BudouX (lib/phrases-budoux.ts, a chunk of its own, fetched only then) and
 * puts a <wbr> between them under `word-break: keep-all`.
 *
 * @example phrasesOf('今日はいい天気です', [{ text: '今日はいい天気です' }]) // → 今日は | いい | 天気です (or undefined)
 */
import type { ReadingSegment } from '../../../shared/reading';
import { locale } from '../i18n/i18n.svelte';

/** A segment of a text; `opens` when a phrase starts with it (then a <wbr> goes before it). */
export interface PhraseSegment extends ReadingSegment {
  opens?: true;
}

type CutPhrases = (text: string, segments: readonly ReadingSegment[]) => PhraseSegment[];

/** Whether the browser finds phrases itself; read once, since a browser does not change its CSS. */
const native = typeof CSS !== 'undefined' && CSS.supports('word-break', 'auto-phrase');
/** Kana and kanji (the CJK ideographs' main block and extension A). */
const JAPANESE = /[\u3041-\u30ff\u3400-\u9fff]/;

let cut = $state.raw<CutPhrases | undefined>();
let loading = false;

/**
 * A text's segments cut at its phrases, where the browser cannot find them itself (no auto-phrase,
 * or a text that <ruby> cuts) and the page is in
 * Japanese (as `:lang(ja)` is for the native rule); undefined otherwise, and until BudouX is here. Reactive.
 */
export function phrasesOf(text: string, segments: readonly ReadingSegment[]): PhraseSegment[] | undefined {
  // Chromium finds phrases in each text node on its own, and <ruby> cuts a text into several: with
  // furigana shown, its boundaries fall inside words (思い|ます), so BudouX's are put in there too.
  if ((native && !segments.some((segment) => segment.reading)) || locale.current !== 'ja' || !JAPANESE.test(text)) return undefined;
  if (!cut && !loading) {
    loading = true;
    void import('./phrases-budoux').then(
      (module) => (cut = module.cutPhrases),
      () => (loading = false),
    );
  }
  return cut?.(text, segments);
}
