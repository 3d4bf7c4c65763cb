/**
 * How a text is read, as the server's analyser gives it (docs/furigana.md): a list of segments
 * whose texts, joined, are the text itself; only segments that hold a kanji carry a reading, in
 * hiragana, and a reading covers the kanji alone, never the okurigana beside them
 * (食べる → 食[た] + べる), so `<ruby>` puts kana only over the kanji.
 *
 * Pure and shared: the server builds readings with `alignReading`, the client picks what to show
 * with `pickFurigana` for the reader's level. The API's limits and request schemas are in
 * shared/reading-api.ts, so that the board's bundle does not carry zod.
 *
 * @example
 * pickFurigana([{ text: '箱', reading: 'はこ' }, { text: 'に' }, { text: '貼', reading: 'は' }, { text: 'る' }], 'grade-3', kanjiGrade)
 * // → [{ text: '箱' }, { text: 'に' }, { text: '貼', reading: 'は' }, { text: 'る' }] (箱 is grade 3, 貼 is not 教育漢字)
 */
import { BOARD_DESCRIPTION_MAX } from './limits';

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

/**
 * The school grade (1–6) that teaches a kanji, or undefined for one outside 教育漢字: `kanjiGrade`
 * of shared/kanji-grade.ts, passed in so that a page without grade levels does not carry the lists.
 */
export type GradeOf = (kanji: string) => number | undefined;

/** Whether a segment gets furigana at a level. 々 and ヶ are read with their neighbours and decide nothing. */
export function showsFurigana(segment: ReadingSegment, level: FuriganaLevel, gradeOf: GradeOf): boolean {
  if (segment.reading === undefined || level === 'none') return false;
  if (level === 'all') return true;
  const taught = Number(level.slice('grade-'.length));
  return [...segment.text].some((char) => KANJI.test(char) && !'々〆ヶヵ'.includes(char) && (gradeOf(char) ?? 7) > taught);
}

/** The segments with a reading only where the level shows one; the text is unchanged. */
export function pickFurigana(segments: readonly ReadingSegment[], level: FuriganaLevel, gradeOf: GradeOf): ReadingSegment[] {
  return segments.map((segment) => (showsFurigana(segment, level, gradeOf) ? { ...segment } : { text: segment.text }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
