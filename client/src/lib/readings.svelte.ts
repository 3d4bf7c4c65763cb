/**
 * How each text on the page is read, for furigana and for read-aloud (docs/furigana.md).
 *
 * The app's own words come with their readings from the message files (i18n/ja.readings.json,
 * written by scripts/ui-readings.ts; a message with a number in it is read from its template, see
 * lib/marked-readings.ts); everything else (ideas, steps, names, and messages with a name in them) is
 * asked of the server's analyser, a batch at a time, and kept for the visit. A
 * text not read yet, or that could not be read (offline, the analyser busy), shows without
 * furigana; nothing waits for it.
 *
 * @example
 * const segments = readings.of('箱に貼る'); // undefined at first, then (reactively) the segments
 */
import { SvelteMap } from 'svelte/reactivity';
import type { UiWords } from './marked-readings';
import { hasKanji, READING_TEXTS_MAX, READING_TOTAL_MAX, type GradeOf, type ReadingSegment, type ReadingsAnswer } from '../../../shared/reading';

/** Where texts are read: a session's `/api/readings`, or a board's with its token (the projector). */
export interface ReadingSource {
  url: string;
  token?: string;
}

const DEFAULT_SOURCE: ReadingSource = { url: '/api/readings' };
/** Texts asked within this long share one request. */
const BATCH_DELAY_MS = 30;
/** A text that could not be read is asked again after this long, if still shown. */
const RETRY_AFTER_MS = 30_000;

class Readings {
  #known = new SvelteMap<string, readonly ReadingSegment[]>();
  #queued = new Set<string>();
  #asking = new Set<string>();
  #failedAt = new Map<string, number>();
  #flushScheduled = false;
  #source = DEFAULT_SOURCE;
  #uiWords: Promise<void> | undefined;
  #files: UiWords | undefined;

  /** The segments of a text once known; asks for them otherwise. Reactive. */
  of(text: string): readonly ReadingSegment[] | undefined {
    const known = this.#known.get(text);
    if (known || !hasKanji(text)) return known;
    this.#ask(text);
    return undefined;
  }

  /** The kana a text is read as, for read-aloud: readings over kanji where known, the text elsewhere. */
  spoken(text: string): string {
    const segments = this.#known.get(text);
    return segments ? segments.map((segment) => segment.reading ?? segment.text).join('') : text;
  }

  /** Reads a text now (read-aloud asks before it speaks); resolves even when it cannot be read. */
  async load(text: string): Promise<void> {
    if (this.#known.has(text) || !hasKanji(text)) return;
    await this.#loadUiWords();
    if (this.#known.has(text) || this.#fillFromFiles(text)) return;
    this.#failedAt.delete(text);
    this.#ask(text);
    await new Promise<void>((resolve) => {
      const check = () => (this.#asking.has(text) || this.#queued.has(text) ? setTimeout(check, BATCH_DELAY_MS) : resolve());
      check();
    });
  }

  /** Sets where texts are read; the projector, which has no session, reads with its board token. */
  useSource(source: ReadingSource | undefined): void {
    this.#source = source ?? DEFAULT_SOURCE;
  }

  /** Forgets a text's reading (a staff correction changed it), so the next look asks again. */
  forget(predicate: (text: string) => boolean): void {
    for (const text of [...this.#known.keys()]) if (predicate(text)) this.#known.delete(text);
    this.#failedAt.clear();
  }

  #ask(text: string): void {
    if (this.#queued.has(text) || this.#asking.has(text)) return;
    const failed = this.#failedAt.get(text);
    if (failed !== undefined && Date.now() - failed < RETRY_AFTER_MS) return;
    this.#queued.add(text);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setTimeout(() => void this.#flush(), BATCH_DELAY_MS);
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    await this.#loadUiWords();
    const texts = [...this.#queued].filter((text) => !this.#known.has(text) && !this.#fillFromFiles(text));
    this.#queued.clear();
    for (const batch of batches(texts)) void this.#request(batch);
  }

  async #request(texts: string[]): Promise<void> {
    for (const text of texts) this.#asking.add(text);
    const { url, token } = this.#source;
    try {
      const response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ texts }),
      });
      if (!response.ok) throw new Error(`readings: ${response.status}`);
      const answer = (await response.json()) as ReadingsAnswer;
      texts.forEach((text, index) => {
        const segments = answer.readings[index];
        if (segments) this.#known.set(text, segments);
      });
    } catch {
      const now = Date.now();
      for (const text of texts) this.#failedAt.set(text, now);
    } finally {
      for (const text of texts) this.#asking.delete(text);
    }
  }

  // The app's own words are read from the message files, fetched the first time furigana is asked for.
  #loadUiWords(): Promise<void> {
    this.#uiWords ??= Promise.all([import('../i18n/ja.readings.json'), import('./marked-readings')]).then(
      ([file, { uiWords }]) => {
        this.#files = uiWords(file.default as Record<string, string>);
        for (const [text, segments] of this.#files.exact) if (!this.#known.has(text)) this.#known.set(text, segments);
      },
      () => {
        this.#uiWords = undefined;
      },
    );
    return this.#uiWords;
  }

  /** A UI word from the message files (again, after `forget`), or one with its values in (あと 2 票) from its template. */
  #fillFromFiles(text: string): boolean {
    const segments = this.#files?.exact.get(text) ?? this.#files?.templated(text);
    if (segments) this.#known.set(text, segments);
    return segments !== undefined;
  }
}

/** Batches within the API's limits (shared/reading.ts). */
function* batches(texts: string[]): Generator<string[]> {
  let batch: string[] = [];
  let length = 0;
  for (const text of texts) {
    if (batch.length === READING_TEXTS_MAX || length + text.length > READING_TOTAL_MAX) {
      yield batch;
      batch = [];
      length = 0;
    }
    batch.push(text);
    length += text.length;
  }
  if (batch.length) yield batch;
}

export const readings = new Readings();

let gradeOf = $state.raw<GradeOf | undefined>();
let gradesLoading = false;

/**
 * The school grade of each kanji, for the grade levels: undefined until shared/kanji-grade.ts, a chunk
 * of its own, has arrived (Ruby shows no furigana for that moment rather than too many). Reactive.
 */
export function kanjiGrades(): GradeOf | undefined {
  if (!gradeOf && !gradesLoading) {
    gradesLoading = true;
    void import('../../../shared/kanji-grade').then(
      (module) => (gradeOf = module.kanjiGrade),
      () => (gradesLoading = false),
    );
  }
  return gradeOf;
}
