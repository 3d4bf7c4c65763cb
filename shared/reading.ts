/**
 * How a text is read, as the server's analyser gives it (docs/furigana.md): a list of segments
 * whose texts, joined, are the text itself; only segments that hold a kanji carry a reading, in
 * hiragana, and a reading covers the kanji alone, never the okurigana beside them
 * (食べる → 食[た] + べる), so `<ruby>` puts kana only over the kanji.
 *
 * Pure and shared: the server builds readings with `alignReading`, the client picks what to show
 * with `pickFurigana` for the reader's level.
 *
 * @example
 * pickFurigana([{ text: '箱', reading: 'はこ' }, { text: 'に' }, { text: '貼', reading: 'は' }, { text: 'る' }], 'grade-3')
 * // → [{ text: '箱' }, { text: 'に' }, { text: '貼', reading: 'は' }, { text: 'る' }] (箱 is grade 3, 貼 is not 教育漢字)
 */
import { z } from 'zod';
import { BOARD_DESCRIPTION_MAX } from './limits';
import { KANJI_BY_GRADE } from './kanji-grades';

export interface ReadingSegment {
  text: string;
  /** Hiragana, on segments that hold a kanji (and only when the analyser knew the word). */
  reading?: string;
}

/** `POST /api/readings` and `POST /api/boards/:id/readings` (docs/api.md, "Readings"). */
export interface ReadingsAnswer {
  /** One list of segments per text asked, in the same order. */
  readings: ReadingSegment[][];
}

/** A staff correction: wherever the facility's texts hold `surface` as a word, it reads `reading`. */
export interface ReadingCorrection {
  surface: string;
  reading: string;
  updatedAt: string;
  /** The staff member who set it. */
  updatedBy: string;
}

/** Texts one request may ask for: a board page asks in batches of this size. */
export const READING_TEXTS_MAX = 100;
/** One text: the longest the app shows is a board's description. */
export const READING_TEXT_MAX = BOARD_DESCRIPTION_MAX;
/** All texts of one request together, in UTF-16 code units (the body limit is 64 KiB of UTF-8). */
export const READING_TOTAL_MAX = 16_000;
/** A corrected word: a name or a term, not a sentence. */
export const CORRECTION_SURFACE_MAX = 30;
/** A corrected reading, in kana. */
export const CORRECTION_READING_MAX = 60;

/** `POST /api/readings`: the texts to read (empty ones are allowed and read as nothing). */
export const readingsBody = z
  .strictObject({
    texts: z.array(z.string().max(READING_TEXT_MAX, `A text is at most ${READING_TEXT_MAX} characters`)).max(READING_TEXTS_MAX, `At most ${READING_TEXTS_MAX} texts at once`),
  })
  .refine((body) => body.texts.reduce((sum, text) => sum + text.length, 0) <= READING_TOTAL_MAX, {
    message: `At most ${READING_TOTAL_MAX} characters in all at once`,
    path: ['texts'],
  });

/** The word a correction is for, as the path names it: a name or a term with a kanji, no spaces. */
export const correctionSurface = z
  .string()
  .min(1)
  .max(CORRECTION_SURFACE_MAX, `A word to correct is at most ${CORRECTION_SURFACE_MAX} characters`)
  .refine((surface) => hasKanji(surface), 'Only a word with a kanji has a reading to correct')
  .refine((surface) => !/\s/u.test(surface), 'A word to correct has no spaces');

/** `PUT /api/facility/readings/:surface`: its reading, in hiragana or katakana (kept as hiragana). */
export const correctionBody = z.strictObject({
  reading: z
    .string()
    .trim()
    .min(1, 'A reading is required')
    .max(CORRECTION_READING_MAX, `A reading is at most ${CORRECTION_READING_MAX} characters`)
    .refine((reading) => isKana(reading), 'A reading is written in kana (hiragana or katakana)')
    .transform(katakanaToHiragana),
});

export type ReadingsBody = z.infer<typeof readingsBody>;
export type CorrectionBody = z.input<typeof correctionBody>;

export const FURIGANA_LEVELS = ['all', 'grade-1', 'grade-2', 'grade-3', 'grade-4', 'grade-5', 'grade-6', 'none'] as const;
/**
 * `all`: over every kanji; `grade-N`: only over words holding a kanji that school grade N has not
 * taught yet (教育漢字, 学年別漢字配当表 of 2017, in force since 2020), or one outside 教育漢字;
 * `none`: no furigana.
 */
export type FuriganaLevel = (typeof FURIGANA_LEVELS)[number];

/** Kanji, the iteration mark 々, 〆 and the counter ヶ/ヵ: characters that need a reading. */
const KANJI = /[\p{Script=Han}々〆ヶヵ]/u;
const KANJI_RUNS = /([\p{Script=Han}々〆ヶヵ]+)/u;

export function hasKanji(text: string): boolean {
  return KANJI.test(text);
}

/** Katakana to hiragana (ァ–ヶ); the long-vowel mark and everything else stay as they are. */
export function katakanaToHiragana(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0x60));
}

/** Hiragana, katakana and the long-vowel mark only: what a reading may hold. */
export function isKana(text: string): boolean {
  return /^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]+$/u.test(text);
}

/**
 * One word's segments: its reading (kana of any kind) laid over the kanji runs of its surface, the
 * kana between them matched against the reading so that they are left out of the ruby. When the
 * kana do not fit the reading (a reading the dictionary spells differently), the whole word gets
 * the whole reading rather than a wrong split.
 *
 * @example alignReading('取り扱い', 'トリアツカイ') // → 取[と] り 扱[あつか] い
 */
export function alignReading(surface: string, reading: string | undefined): ReadingSegment[] {
  if (!hasKanji(surface) || !reading) return [{ text: surface }];
  const kana = katakanaToHiragana(reading);
  const runs = surface.split(KANJI_RUNS).filter((run) => run !== '');
  const pattern = runs.map((run) => (hasKanji(run) ? '(.+?)' : escapeRegExp(katakanaToHiragana(run)))).join('');
  const match = new RegExp(`^${pattern}$`, 'u').exec(kana);
  if (!match) return [{ text: surface, reading: kana }];
  let group = 1;
  return runs.map((run) => (hasKanji(run) ? { text: run, reading: match[group++]! } : { text: run }));
}

/** Joins neighbouring segments without a reading, so a text has as few segments as it can. */
export function mergePlain(segments: ReadingSegment[]): ReadingSegment[] {
  const merged: ReadingSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.reading === undefined && segment.reading === undefined) last.text += segment.text;
    else merged.push({ ...segment });
  }
  return merged;
}

let gradeOfKanji: Map<string, number> | undefined;

/** The school grade (1–6) that teaches a kanji, or undefined for one outside 教育漢字. */
export function kanjiGrade(char: string): number | undefined {
  gradeOfKanji ??= new Map(KANJI_BY_GRADE.flatMap((chars, index) => [...chars].map((kanji) => [kanji, index + 1] as const)));
  return gradeOfKanji.get(char);
}

/** Whether a segment gets furigana at a level. 々 and ヶ are read with their neighbours and decide nothing. */
export function showsFurigana(segment: ReadingSegment, level: FuriganaLevel): boolean {
  if (segment.reading === undefined || level === 'none') return false;
  if (level === 'all') return true;
  const taught = Number(level.slice('grade-'.length));
  return [...segment.text].some((char) => KANJI.test(char) && !'々〆ヶヵ'.includes(char) && (kanjiGrade(char) ?? 7) > taught);
}

/** The segments with a reading only where the level shows one; the text is unchanged. */
export function pickFurigana(segments: readonly ReadingSegment[], level: FuriganaLevel): ReadingSegment[] {
  return segments.map((segment) => (showsFurigana(segment, level) ? { ...segment } : { text: segment.text }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
