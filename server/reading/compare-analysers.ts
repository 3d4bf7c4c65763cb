/**
 * Compares the two analysers that could give furigana, kuromoji and lindera's WASM build, both with
 * IPADIC (docs/furigana.md, "Which analyser"): dictionary load time, memory, time per sentence and
 * accuracy on the thirty sentences of tests/fixtures/work-sentences.ts. Each analyser is measured in
 * a process of its own, so that one's memory is not counted in the other's:
 *
 *   npx tsx server/reading/compare-analysers.ts
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expectedSegments, joinReadWords, plainText, WORK_SENTENCES } from '../../tests/fixtures/work-sentences';
import { loadLindera, type Analyser } from './analyser';
import { readingOf } from './reading';

const ANALYSERS = {
  kuromoji: loadKuromoji,
  lindera: loadLindera,
} satisfies Record<string, () => Promise<Analyser>>;
type Name = keyof typeof ANALYSERS;

/** kuromoji 0.1.2 with its IPADIC dictionary (node_modules/kuromoji/dict), the other candidate. */
function loadKuromoji(): Promise<Analyser> {
  const require = createRequire(import.meta.url);
  const kuromoji = require('kuromoji') as typeof import('kuromoji');
  const dicPath = path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath }).build((error, tokenizer) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      resolve({
        words: (text) =>
          tokenizer.tokenize(text).map((token) => ({
            surface: token.surface_form,
            reading: token.reading && token.reading !== '*' ? token.reading : undefined,
          })),
      });
    });
  });
}

const ROUNDS = 200;

async function measure(name: Name) {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const analyser = await ANALYSERS[name]();
  const loadMs = performance.now() - started;
  global.gc?.();
  const rssMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  const texts = WORK_SENTENCES.map(plainText);
  const failures: string[] = [];
  for (const [index, marked] of WORK_SENTENCES.entries()) {
    const got = joinReadWords(readingOf(analyser, texts[index]!));
    const want = joinReadWords(expectedSegments(marked));
    if (!isDeepStrictEqual(got, want)) failures.push(`${texts[index]}\n    got  ${show(got)}\n    want ${show(want)}`);
  }
  const warm = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const text of texts) analyser.words(text);
  const perSentenceMs = (performance.now() - warm) / (ROUNDS * texts.length);
  return { name, loadMs, rssMb, perSentenceMs, correct: texts.length - failures.length, of: texts.length, failures };
}

function show(segments: { text: string; reading?: string }[]): string {
  return segments.map((s) => (s.reading === undefined ? s.text : `${s.text}[${s.reading}]`)).join('');
}

const child = process.argv[2] as Name | undefined;
if (child) {
  console.log(JSON.stringify(await measure(child)));
} else {
  for (const name of Object.keys(ANALYSERS) as Name[]) {
    const runs = [0, 1, 2].map(() => {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, name], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof measure>>;
    });
    const median = (pick: (run: (typeof runs)[number]) => number) => runs.map(pick).sort((a, b) => a - b)[1]!;
    console.log(
      `${name}: load ${median((r) => r.loadMs).toFixed(0)} ms, RSS +${median((r) => r.rssMb).toFixed(0)} MB, ` +
        `${(median((r) => r.perSentenceMs) * 1000).toFixed(0)} µs per sentence, ${runs[0]!.correct}/${runs[0]!.of} sentences right (median of 3 runs)`,
    );
    for (const failure of runs[0]!.failures) console.log(`  ✗ ${failure}`);
  }
}
