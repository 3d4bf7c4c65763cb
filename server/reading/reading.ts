/**
 * A text's reading (shared/reading.ts) from the analyser's words, with the facility's corrections
 * laid over them. A correction replaces the reading of its surface wherever that surface is one or
 * more whole words of the text, never part of a word: a correction of 田中 changes 田中さん, not
 * 山田中学校 (which the analyser cuts 山田 | 中学校).
 */
import { alignReading, mergePlain, type ReadingSegment } from '../../shared/reading';
import type { AnalysedWord, Analyser } from './analyser';

export interface Correction {
  surface: string;
  reading: string;
}

interface Piece {
  start: number;
  end: number;
  reading: string | undefined;
}

/** The words of a text with their places; text the analyser dropped (spaces) becomes a piece of its own. */
export function placeWords(text: string, words: readonly AnalysedWord[]): Piece[] {
  const pieces: Piece[] = [];
  let cursor = 0;
  for (const word of words) {
    const start = word.surface === '' ? -1 : text.indexOf(word.surface, cursor);
    if (start < 0) continue;
    if (start > cursor) pieces.push({ start: cursor, end: start, reading: undefined });
    pieces.push({ start, end: start + word.surface.length, reading: word.reading });
    cursor = start + word.surface.length;
  }
  if (cursor < text.length) pieces.push({ start: cursor, end: text.length, reading: undefined });
  return pieces;
}

/** The analyser's pieces with every correction that falls on whole words put in their place. */
export function applyCorrections(text: string, pieces: readonly Piece[], corrections: readonly Correction[]): Piece[] {
  if (corrections.length === 0) return [...pieces];
  const starts = new Set(pieces.map((piece) => piece.start));
  const ends = new Set(pieces.map((piece) => piece.end));
  const taken: Piece[] = [];
  const overlaps = (start: number, end: number) => taken.some((span) => start < span.end && span.start < end);
  // Longest first, so that a correction of 山田太郎 wins over one of 山田 in the same place.
  for (const { surface, reading } of [...corrections].sort((a, b) => b.surface.length - a.surface.length)) {
    for (let at = text.indexOf(surface); at >= 0; at = text.indexOf(surface, at + 1)) {
      const end = at + surface.length;
      if (starts.has(at) && ends.has(end) && !overlaps(at, end)) taken.push({ start: at, end, reading });
    }
  }
  if (taken.length === 0) return [...pieces];
  const kept = pieces.filter((piece) => !overlaps(piece.start, piece.end));
  return [...kept, ...taken].sort((a, b) => a.start - b.start);
}

/** Segments for pieces: each word's reading laid over its kanji, the plain parts joined. */
export function segmentsOf(text: string, pieces: readonly Piece[]): ReadingSegment[] {
  return mergePlain(pieces.flatMap((piece) => alignReading(text.slice(piece.start, piece.end), piece.reading)));
}

/** A text's reading straight from the analyser, with corrections if any (the comparison tool uses it bare). */
export function readingOf(analyser: Analyser, text: string, corrections: readonly Correction[] = []): ReadingSegment[] {
  return segmentsOf(text, applyCorrections(text, placeWords(text, analyser.words(text)), corrections));
}
