/**
 * The morphological analyser behind furigana (docs/furigana.md): lindera's WASM build with the
 * IPADIC dictionary embedded. Compiling the module and building its dictionary take a few hundred
 * milliseconds and about a hundred megabytes, so the process loads it once, when the first reading
 * is asked for (never at start-up), and every caller shares that one load; a load that fails is
 * forgotten, so the next request tries again.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../log';

/** A word as the analyser cut it: its surface as written, its reading in katakana when it knows one. */
export interface AnalysedWord {
  surface: string;
  reading: string | undefined;
}

export interface Analyser {
  /** The words of a text, in order. Whitespace may be left out; nothing else is. */
  words(text: string): AnalysedWord[];
}

/** What lindera's `tokenize` returns (its types say `any`): the fields we read. */
interface LinderaToken {
  surface: string;
  reading?: string;
}

/** Loads lindera with IPADIC; required here, not imported, so that merely importing this module compiles nothing. */
export async function loadLindera(): Promise<Analyser> {
  const { TokenizerBuilder } = createRequire(import.meta.url)('lindera-wasm-nodejs-ipadic') as typeof import('lindera-wasm-nodejs-ipadic');
  const builder = new TokenizerBuilder();
  builder.setDictionary('embedded://ipadic');
  builder.setMode('normal');
  const tokenizer = builder.build();
  return {
    words: (text) =>
      (tokenizer.tokenize(text) as LinderaToken[]).map((token) => ({
        surface: token.surface,
        // IPADIC has no reading for unknown words (latin letters, digits, emoji); some entries write '*'.
        reading: token.reading && token.reading !== '*' ? token.reading : undefined,
      })),
  };
}

/** The analyser could not be loaded; the API answers 503 and the next request tries again. */
export class AnalyserUnavailable extends Error {
  constructor(cause: unknown) {
    super('the reading analyser could not be loaded', { cause });
    this.name = 'AnalyserUnavailable';
  }
}

export interface LazyAnalyser {
  /** The analyser, loading it on the first call; concurrent first calls share one load. */
  get(): Promise<Analyser>;
  /** Whether it has loaded (for /metrics and tests; nothing waits on it). */
  readonly loaded: boolean;
}

export interface LazyAnalyserOptions {
  load?: () => Promise<Analyser>;
  log?: Logger | undefined;
}

/** One analyser, loaded on first use, its load time and memory logged once. */
export function createLazyAnalyser({ load = loadLindera, log }: LazyAnalyserOptions = {}): LazyAnalyser {
  let loading: Promise<Analyser> | undefined;
  let loaded = false;
  return {
    get loaded() {
      return loaded;
    },
    get() {
      loading ??= (async function loadAnalyserOnce() {
        const started = performance.now();
        const rssBefore = process.memoryUsage().rss;
        try {
          const analyser = await load();
          loaded = true;
          log?.info('reading analyser loaded', {
            ms: Math.round(performance.now() - started),
            rssDeltaMb: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20),
          });
          return analyser;
        } catch (error) {
          loading = undefined;
          log?.error('reading analyser failed to load', { error });
          throw new AnalyserUnavailable(error);
        }
      })();
      return loading;
    },
  };
}
