/**
 * The readings API's limits and request bodies (docs/api.md, "Readings"), apart from shared/reading.ts
 * so that the client's board, which only renders readings, does not bundle zod.
 */
import { z } from 'zod';
import { CORRECTION_READING_MAX, CORRECTION_SURFACE_MAX, hasKanji, isKana, katakanaToHiragana, READING_TEXT_MAX, READING_TEXTS_MAX, READING_TOTAL_MAX } from './reading';

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
