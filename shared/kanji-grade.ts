/**
 * Which school grade teaches a kanji (教育漢字, from the generated shared/kanji-grades.ts), for the
 * furigana levels of shared/reading.ts. A module of its own: the client loads it only when a reader
 * picks a grade level.
 */
import { KANJI_BY_GRADE } from './kanji-grades';

let gradeOfKanji: Map<string, number> | undefined;

/** The school grade (1–6) that teaches a kanji, or undefined for one outside 教育漢字. */
export function kanjiGrade(char: string): number | undefined {
  gradeOfKanji ??= new Map(KANJI_BY_GRADE.flatMap((chars, index) => [...chars].map((kanji) => [kanji, index + 1] as const)));
  return gradeOfKanji.get(char);
}
