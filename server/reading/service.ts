/**
 * Readings for the API (docs/furigana.md): each text is analysed once and its words kept in a
 * bounded in-memory cache; the facility's corrections are laid over them on every request, read
 * from the database each time, so a correction shows at once on every instance and no cached entry
 * can ever be stale (the cache holds only what the analyser said, which a correction does not change).
 */
import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { ReadingSegment } from '../../shared/reading';
import type { Logger } from '../log';
import { createLruCache } from './cache';
import type { CorrectionStore } from './corrections';
import { createLazyAnalyser, type LazyAnalyser } from './analyser';
import { applyCorrections, placeWords, segmentsOf } from './reading';

export interface ReadingResult {
  readings: ReadingSegment[][];
  /** Texts answered from the cache, and texts the analyser read for this request. */
  hits: number;
  misses: number;
}

export interface ReadingService {
  read(facilityId: string, texts: readonly string[]): Promise<ReadingResult>;
  readonly corrections: CorrectionStore;
}

export interface ReadingServiceOptions {
  corrections: CorrectionStore;
  analyser?: LazyAnalyser;
  /** Where the cache counts its hits and misses (`teian_reading_cache_total`). */
  metrics?: Registry;
  /**
   * The cache's bound, in characters of the texts it holds: a million is about 2,000 boards' worth
   * of ideas and some tens of megabytes at most.
   */
  cacheCharacters?: number;
  log?: Logger;
}

const YIELD_AFTER_MS = 5;

let processAnalyser: LazyAnalyser | undefined;

/**
 * The analyser of this process: its dictionary is the same for everyone, so every app built in the
 * process (tests build many) shares the one load.
 */
export function sharedAnalyser(log?: Logger): LazyAnalyser {
  processAnalyser ??= createLazyAnalyser({ log });
  return processAnalyser;
}

export function createReadingService({
  corrections,
  analyser,
  metrics,
  cacheCharacters = 1_000_000,
  log,
}: ReadingServiceOptions): ReadingService {
  const words = analyser ?? sharedAnalyser(log);
  const cache = createLruCache<ReturnType<typeof placeWords>>({ maxWeight: cacheCharacters });
  const lookups = new Counter({
    name: 'teian_reading_cache_total',
    help: 'Texts asked for a reading, by whether the cache had them (hit) or the analyser read them (miss)',
    labelNames: ['result'] as const,
    registers: metrics ? [metrics] : [],
  });

  return {
    corrections,
    async read(facilityId, texts) {
      // Keyed by facility too: a hit must not tell one facility what another has written.
      const keys = texts.map((text) => createHash('sha256').update(facilityId).update('\0').update(text).digest('base64url'));
      const placed = keys.map((key) => cache.get(key));
      const hits = placed.filter((pieces) => pieces !== undefined).length;
      let misses = 0;
      if (hits < texts.length) {
        const analyser = await words.get();
        let slice = performance.now();
        for (const [index, text] of texts.entries()) {
          if (placed[index]) continue;
          // Analysis is synchronous (a full request is about 140 ms of it): give the relay's sockets
          // a turn every few milliseconds rather than hold them for the whole request.
          if (performance.now() - slice > YIELD_AFTER_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
          // The same text twice in one request is read once.
          let pieces = cache.get(keys[index]!);
          if (!pieces) {
            misses++;
            pieces = placeWords(text, analyser.words(text));
            cache.set(keys[index]!, pieces, Math.max(1, text.length));
          }
          placed[index] = pieces;
        }
      }
      lookups.inc({ result: 'hit' }, texts.length - misses);
      lookups.inc({ result: 'miss' }, misses);
      const active = await corrections.active(facilityId);
      return {
        readings: texts.map((text, index) => segmentsOf(text, applyCorrections(text, placed[index]!, active))),
        hits: texts.length - misses,
        misses,
      };
    },
  };
}
