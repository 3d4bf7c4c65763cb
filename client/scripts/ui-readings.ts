/**
 * Writes client/src/i18n/ja.readings.json: the reading of every Japanese message that holds a kanji
 * (ja.json and ja.staff.json), in the marked form `{漢字|かんじ}` that `parseMarked`
 * (lib/readings.svelte.ts) reads, so that the app's own words never wait for the server. The readings
 * come from the server's own analyser and alignment (server/reading/reading.ts), so UI words and
 * ideas are read the same way; the words it reads wrong are put right in ja.readings.fixes.json
 * (surface → reading, applied as a staff correction is: on whole words only).
 *
 * A message with placeholders is read as a template (`あと {count} 票` → `あと {count} {票|ひょう}`),
 * with a number or a letter standing in for each placeholder while the analyser reads it, so that
 * a counter after `{count}` is read as one (人 にん, 分 ふん). The client fills the template with the
 * message's values.
 *
 * Run after changing a Japanese message or a fix: `npx tsx client/scripts/ui-readings.ts`
 * (tests/ui-readings.test.ts fails until you do). `--show` also prints each reading as 漢字[かんじ].
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasKanji, isKana, type ReadingSegment } from '../../shared/reading';
import type { Analyser } from '../../server/reading/analyser';
import { readingOf, type Correction } from '../../server/reading/reading';

const I18N = path.resolve(import.meta.dirname, '../src/i18n');
export const MESSAGE_FILES = ['ja.json', 'ja.staff.json'].map((file) => path.join(I18N, file));
export const READINGS_FILE = path.join(I18N, 'ja.readings.json');
export const FIXES_FILE = path.join(I18N, 'ja.readings.fixes.json');
export const REGENERATE = 'npx tsx client/scripts/ui-readings.ts';

const PLACEHOLDER = /\{(\w+)\}/g;
/** Placeholders that hold a number: a digit stands in for them, so the counter after one reads as a counter. */
const NUMBER_PLACEHOLDERS = new Set(['count', 'n', 'total', 'max', 'min', 'done', 'rank', 'place', 'page', 'pages', 'sheets', 'budget', 'grade']);

export interface UiReadings {
  /** Message text (a template keeps its `{name}`s) → marked form. */
  readings: Record<string, string>;
  /** Fixes that changed no message: no message holds them as whole words any more, or the analyser already agrees. */
  idleFixes: string[];
}

/** The Japanese messages that hold a kanji, each once, in the files' order. */
export async function kanjiMessages(): Promise<string[]> {
  const values = await Promise.all(
    MESSAGE_FILES.map(async (file) => Object.values(JSON.parse(await readFile(file, 'utf8')) as Record<string, string>)),
  );
  return [...new Set(values.flat().filter(hasKanji))];
}

export async function readFixes(): Promise<Correction[]> {
  const fixes = JSON.parse(await readFile(FIXES_FILE, 'utf8')) as Record<string, string>;
  return Object.entries(fixes).map(([surface, reading]) => {
    // Kana, and the surface's own punctuation where a fix needs it to find its word: （分） → （ふん）.
    const kana = [...reading].filter((char) => !surface.includes(char) || hasKanji(char)).join('');
    if (kana && !isKana(kana)) throw new Error(`${path.basename(FIXES_FILE)}: the reading of ${surface} must be kana, not ${reading}`);
    return { surface, reading };
  });
}

/** The marked form of segments: `{漢字|かんじ}` where a segment has a reading. */
export function marked(segments: readonly ReadingSegment[]): string {
  return segments.map((segment) => (segment.reading === undefined ? segment.text : `{${segment.text}|${segment.reading}}`)).join('');
}

/** A message's segments; a template's placeholders stay in its plain text, never under a reading. */
export function readMessage(analyser: Analyser, message: string, fixes: readonly Correction[]): ReadingSegment[] {
  const holes: { start: number; end: number; placeholder: string }[] = [];
  let text = '';
  let from = 0;
  for (const match of message.matchAll(PLACEHOLDER)) {
    text += message.slice(from, match.index);
    const standIn = NUMBER_PLACEHOLDERS.has(match[1]!) ? '2' : 'A';
    holes.push({ start: text.length, end: text.length + standIn.length, placeholder: match[0] });
    text += standIn;
    from = match.index + match[0].length;
  }
  text += message.slice(from);
  let offset = 0;
  return readingOf(analyser, text, fixes).map((segment) => {
    const start = offset;
    offset += segment.text.length;
    const inside = holes.filter((hole) => hole.start < offset && start < hole.end);
    if (inside.length === 0) return segment;
    if (segment.reading !== undefined) throw new Error(`«${message}»: the analyser read a placeholder into the word ${segment.text}`);
    let plain = segment.text;
    for (const hole of inside.reverse()) plain = plain.slice(0, hole.start - start) + hole.placeholder + plain.slice(hole.end - start);
    return { text: plain };
  });
}

export function uiReadings(analyser: Analyser, messages: readonly string[], fixes: readonly Correction[]): UiReadings {
  const readings: Record<string, string> = {};
  for (const message of messages) readings[message] = marked(readMessage(analyser, message, fixes));
  const idleFixes = fixes
    .filter((fix) => !messages.some((message) => message.includes(fix.surface) && readings[message] !== marked(readMessage(analyser, message, []))))
    .map((fix) => fix.surface);
  return { readings, idleFixes };
}

export function readingsFileText(readings: Record<string, string>): string {
  return `${JSON.stringify(readings, null, 2)}\n`;
}

async function main(): Promise<void> {
  const { loadLindera } = await import('../../server/reading/analyser');
  const { readings, idleFixes } = uiReadings(await loadLindera(), await kanjiMessages(), await readFixes());
  await writeFile(READINGS_FILE, readingsFileText(readings));
  console.log(`${path.relative(process.cwd(), READINGS_FILE)}: ${Object.keys(readings).length} messages`);
  if (process.argv.includes('--show')) {
    for (const form of Object.values(readings)) console.log(form.replace(/\{([^{}|]+)\|([^{}|]+)\}/g, '$1[$2]'));
  }
  for (const surface of idleFixes) console.warn(`fix for ${surface} changes no message: remove it, or write it as whole words`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
