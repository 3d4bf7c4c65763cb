/**
 * [issue 12, item 1] The app's own words carry their readings (client/src/i18n/ja.readings.json,
 * written by client/scripts/ui-readings.ts, docs/furigana.md): the file is what the script writes
 * from today's messages and fixes, so a changed message cannot ship with a stale reading or none.
 * The real analyser.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMarked, uiWords } from '../client/src/lib/marked-readings';
import { kanjiMessages, readFixes, READINGS_FILE, readingsFileText, REGENERATE, uiReadings, type UiReadings } from '../client/scripts/ui-readings';
import { sharedAnalyser } from '../server/reading/service';
import { hasKanji, isKana } from '../shared/reading';

const STALE = `client/src/i18n/ja.readings.json is stale: run \`${REGENERATE}\`, read the new readings, and commit the file`;

let onFile: Record<string, string>;
let messages: string[];
let expected: UiReadings;

beforeAll(async () => {
  onFile = JSON.parse(await readFile(READINGS_FILE, 'utf8')) as Record<string, string>;
  messages = await kanjiMessages();
  expected = uiReadings(await sharedAnalyser().get(), messages, await readFixes());
});

describe('[issue 12] readings of the app’s own words', () => {
  it('has every Japanese message that holds a kanji, and no message that is gone', () => {
    expect(messages.length).toBeGreaterThan(100);
    expect(messages.filter((message) => !(message in onFile)), STALE).toEqual([]);
    expect(Object.keys(onFile).filter((text) => !messages.includes(text)), STALE).toEqual([]);
  });

  it('marks each message with its own text, readings in kana over kanji only', () => {
    for (const [text, marked] of Object.entries(onFile)) {
      const segments = parseMarked(marked);
      expect(segments.map((segment) => segment.text).join(''), `${marked} is not a marking of ${text}. ${STALE}`).toBe(text);
      for (const segment of segments) {
        if (segment.reading === undefined) continue;
        expect(isKana(segment.reading), `${segment.text}: ${segment.reading} in ${marked}`).toBe(true);
        expect(hasKanji(segment.text), `${segment.text} has a reading but no kanji, in ${marked}`).toBe(true);
      }
    }
  });

  it('is exactly what the script writes from today’s messages and fixes', async () => {
    expect(await readFile(READINGS_FILE, 'utf8'), STALE).toBe(readingsFileText(expected.readings));
  });

  it('uses every hand fix', () => {
    expect(expected.idleFixes, 'these fixes in ja.readings.fixes.json change no message: remove them, or write them as whole words').toEqual([]);
  });

  it('keeps a template’s placeholders out of its readings, and reads a counter after a number as a counter', () => {
    const templates = Object.values(onFile).filter((marked) => /\{\w+\}/.test(marked));
    expect(templates.length).toBeGreaterThan(20);
    for (const marked of templates) {
      for (const segment of parseMarked(marked)) if (segment.reading) expect(segment.text, marked).not.toMatch(/[{}]/);
    }
    const counters = templates.flatMap((marked) => [...marked.matchAll(/\{(?:count|total)\} ?\{([人分票])\|([^{}|]+)\}/gu)]);
    expect(counters.length).toBeGreaterThan(5);
    const counterReading: Record<string, string> = { 人: 'にん', 分: 'ふん', 票: 'ひょう' };
    for (const [whole, counter, reading] of counters) expect(reading, whole).toBe(counterReading[counter!]);
  });

  it('reads a message with its values in from its template, and leaves one with a name in kanji to the server', () => {
    const words = uiWords(onFile);
    const fill = (template: string, value: string) => template.replace(/\{\w+\}/g, value);
    const withCount = Object.keys(onFile).filter((text) => /^[^{]*\{count\}[^{]*$/.test(text));
    const withName = Object.keys(onFile).filter((text) => /^[^{]*\{name\}[^{]*$/.test(text));
    expect(withCount.length).toBeGreaterThan(5);
    expect(withName.length).toBeGreaterThan(5);
    for (const template of withCount) {
      const segments = parseMarked(onFile[template]!).map((segment) => (segment.reading ? segment : { text: fill(segment.text, '12') }));
      expect(words.templated(fill(template, '12')), template).toEqual(segments);
    }
    for (const template of withName) {
      expect(words.templated(fill(template, 'Aiko'))?.map((segment) => segment.text).join(''), template).toBe(fill(template, 'Aiko'));
      expect(words.templated(fill(template, '山田')), template).toBeUndefined();
    }
    expect(words.templated('箱に貼る')).toBeUndefined();
    expect([...words.exact.keys()].every((text) => !/\{\w+\}/.test(text))).toBe(true);
  });
});
