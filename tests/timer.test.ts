/**
 * [issue 9 item 5, docs/protocol.md "The meeting timer"] The timer's rules (shared/timer.ts) on
 * real Yjs documents: what is left at a given server time, and the writers staff use. Times are
 * the server's, passed in, so nothing here waits for a clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardRoots, initBoard, readMeta } from '../shared/board';
import { metaSchema } from '../shared/board-schema';
import {
  addMinute,
  displaySeconds,
  formatClock,
  MINUTE_MS,
  pauseTimer,
  remainingMs,
  remainingShare,
  restoreTimer,
  resumeTimer,
  startTimer,
  stopTimer,
  TIMER_DURATION_MAX_MS,
  timerState,
} from '../shared/timer';
import { readMetaEntry } from '../server/permissions/entries';

const T0 = 1_800_000_000_000;

function board(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'かいぎ', voteBudget: 3 });
  return doc;
}

const timerOf = (doc: Y.Doc) => readMeta(doc).timer;

/** Copies every change of `from` into `to` (and back), as the relay would. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

/** A running timer ends on a whole second, never later: what is left is at most a second short. */
function expectUnderASecondLess(left: number, expected: number): void {
  expect(left).toBeLessThanOrEqual(expected);
  expect(left).toBeGreaterThan(expected - 1000);
}

describe('the meeting timer', () => {
  it('has no time left to show on a new board', () => {
    const doc = board();
    expect(remainingMs(timerOf(doc), T0)).toBeNull();
    expect(timerState(timerOf(doc), T0)).toBe('none');
  });

  it('counts down from the start, in server time, and stops at zero', () => {
    const doc = board();
    startTimer(doc, { durationMs: 3 * MINUTE_MS, label: '書く時間', now: T0 });
    const timer = timerOf(doc);
    expect(timer).toMatchObject({ endsAt: T0 + 180_000, label: '書く時間', paused: false, pausedAt: null, durationMs: 180_000 });
    expect(formatClock(displaySeconds(remainingMs(timer, T0)!))).toBe('3:00');
    expect(formatClock(displaySeconds(remainingMs(timer, T0 + 1)!))).toBe('3:00');
    expect(formatClock(displaySeconds(remainingMs(timer, T0 + 1000)!))).toBe('2:59');
    expect(remainingShare(timer, T0 + 90_000)).toBe(0.5);
    expect(timerState(timer, T0 + 179_999)).toBe('running');
    expect(remainingMs(timer, T0 + 500_000)).toBe(0);
    expect(timerState(timer, T0 + 180_000)).toBe('ended');
  });

  it('stands still while paused and runs on from there', () => {
    const doc = board();
    startTimer(doc, { durationMs: 5 * MINUTE_MS, label: '', now: T0 });
    pauseTimer(doc, { now: T0 + 60_000 });
    expect(timerState(timerOf(doc), T0 + 60_000)).toBe('paused');
    expect(remainingMs(timerOf(doc), T0 + 10 * MINUTE_MS)).toBe(4 * MINUTE_MS);
    resumeTimer(doc, { now: T0 + 10 * MINUTE_MS });
    expect(timerOf(doc)).toMatchObject({ paused: false, pausedAt: null, endsAt: T0 + 14 * MINUTE_MS });
    expect(remainingMs(timerOf(doc), T0 + 11 * MINUTE_MS)).toBe(3 * MINUTE_MS);
  });

  it('adds a minute while running, while paused, and after the time is up', () => {
    const doc = board();
    startTimer(doc, { durationMs: 3 * MINUTE_MS, label: '', now: T0 });
    addMinute(doc, { now: T0 + 1000 });
    expect(remainingMs(timerOf(doc), T0 + 1000)).toBe(239_000);
    expect(timerOf(doc).durationMs).toBe(4 * MINUTE_MS);
    pauseTimer(doc, { now: T0 + 2000 });
    addMinute(doc, { now: T0 + 50_000 });
    expect(remainingMs(timerOf(doc), T0 + 99_000)).toBe(298_000);
    resumeTimer(doc, { now: T0 + 100_000 });
    // Long after the end, a minute counts from now.
    addMinute(doc, { now: T0 + 3_600_000 });
    expect(remainingMs(timerOf(doc), T0 + 3_600_000)).toBe(MINUTE_MS);
    expect(timerState(timerOf(doc), T0 + 3_600_000)).toBe('running');
  });

  it('stops, and the stop can be undone as it was', () => {
    const doc = board();
    startTimer(doc, { durationMs: 10 * MINUTE_MS, label: 'はなしあい', now: T0 });
    const before = timerOf(doc);
    stopTimer(doc);
    expect(timerState(timerOf(doc), T0)).toBe('none');
    restoreTimer(doc, before);
    expect(timerOf(doc)).toEqual(before);
  });

  it('writes the server-made nested map in place, one transaction per writer', () => {
    const doc = board();
    const map = boardRoots(doc).meta.get('timer');
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    startTimer(doc, { durationMs: MINUTE_MS, label: '', now: T0 });
    pauseTimer(doc, { now: T0 + 1 });
    resumeTimer(doc, { now: T0 + 2 });
    addMinute(doc, { now: T0 + 3 });
    stopTimer(doc);
    expect(transactions).toBe(5);
    expect(boardRoots(doc).meta.get('timer')).toBe(map);
  });

  it('does nothing to a board whose timer map is missing, rather than race to make one', () => {
    const doc = new Y.Doc();
    startTimer(doc, { durationMs: MINUTE_MS, label: '', now: T0 });
    expect(boardRoots(doc).meta.get('timer')).toBeUndefined();
  });

  it('keeps a pause and a minute that two staff members pressed at the same moment', () => {
    const a = board();
    const b = new Y.Doc();
    sync(a, b);
    startTimer(a, { durationMs: 3 * MINUTE_MS, label: '', now: T0 });
    sync(a, b);
    pauseTimer(a, { now: T0 + 10_000 });
    addMinute(b, { now: T0 + 10_000 });
    sync(a, b);
    expect(timerOf(a)).toEqual(timerOf(b));
    expect(remainingMs(timerOf(a), T0 + 60_000)).toBe(230_000);
  });

  it('validates the new fields, and boards from before them', () => {
    const doc = board();
    const roots = boardRoots(doc);
    expect(readMetaEntry(roots).ok).toBe(true);
    startTimer(doc, { durationMs: MINUTE_MS, label: '', now: T0 });
    pauseTimer(doc, { now: T0 + 1 });
    expect(readMetaEntry(roots).ok).toBe(true);
    const old = { title: '', phase: 'collect', voteBudget: 3, votesHidden: false, timer: { endsAt: T0, label: '', paused: false } };
    expect(metaSchema.safeParse(old).success).toBe(true);
    expect(metaSchema.safeParse({ ...old, timer: { ...old.timer, durationMs: -1 } }).success).toBe(false);
    expect(metaSchema.safeParse({ ...old, timer: { ...old.timer, pausedAt: 'soon' } }).success).toBe(false);
    expect(metaSchema.safeParse({ ...old, timer: { ...old.timer, extra: 1 } }).success).toBe(false);
  });

  it('reads an older board’s timer with the new fields as null', () => {
    const doc = new Y.Doc();
    const map = new Y.Map<unknown>();
    doc.transact(() => {
      boardRoots(doc).meta.set('timer', map);
      map.set('endsAt', T0);
      map.set('label', '');
      map.set('paused', false);
    });
    expect(timerOf(doc)).toEqual({ endsAt: T0, label: '', paused: false, pausedAt: null, durationMs: null });
    expect(remainingShare(timerOf(doc), T0 - 1000)).toBeNull();
    expect(remainingMs(timerOf(doc), T0 - 1000)).toBe(1000);
  });

  it('formats hours, minutes and seconds', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(59)).toBe('0:59');
    expect(formatClock(600)).toBe('10:00');
    expect(formatClock(3725)).toBe('1:02:05');
  });

  it('never shows more than was set, nor less than zero, whatever staff press when', () => {
    type Press = { kind: 'pause' | 'resume' | 'minute' | 'stop' | 'start'; after: number; minutes: number };
    const press = fc.record({
      kind: fc.constantFrom('pause', 'resume', 'minute', 'stop', 'start'),
      after: fc.integer({ min: 0, max: 10 * MINUTE_MS }).map((ms) => ms + (ms % 7) * 111),
      minutes: fc.integer({ min: 1, max: 60 }),
    }) as fc.Arbitrary<Press>;
    fc.assert(
      fc.property(fc.array(press, { maxLength: 30 }), fc.integer({ min: 0, max: 10 * MINUTE_MS }), (presses, lookLater) => {
        const doc = board();
        let now = T0;
        for (const { kind, after, minutes } of presses) {
          now += after;
          const before = timerOf(doc);
          const leftBefore = remainingMs(before, now);
          if (kind === 'start') startTimer(doc, { durationMs: minutes * MINUTE_MS, label: '', now });
          if (kind === 'pause') pauseTimer(doc, { now });
          if (kind === 'resume') resumeTimer(doc, { now });
          if (kind === 'minute') addMinute(doc, { now });
          if (kind === 'stop') stopTimer(doc);
          const timer = timerOf(doc);
          const left = remainingMs(timer, now);
          // Pausing never changes what is left at that moment, resuming takes under a second at most
          // (a running timer ends on a whole second, never later); a minute adds one.
          if (kind === 'pause') expect(left).toBe(leftBefore);
          if (kind === 'resume' && leftBefore !== null) expectUnderASecondLess(left!, leftBefore);
          if (kind === 'minute' && leftBefore !== null) {
            expect(Math.abs(left! - Math.min(leftBefore + MINUTE_MS, TIMER_DURATION_MAX_MS))).toBeLessThan(1000);
          }
          if (kind === 'start') expectUnderASecondLess(left!, minutes * MINUTE_MS);
          if (timer.endsAt !== null && !timer.paused) expect(timer.endsAt % 1000).toBe(0);
          if (kind === 'stop') expect(left).toBeNull();
          expect(metaSchema.safeParse(boardRoots(doc).meta.toJSON()).success).toBe(true);
        }
        const timer = timerOf(doc);
        const later = remainingMs(timer, now + lookLater);
        if (later === null) return;
        expect(later).toBeGreaterThanOrEqual(0);
        // The end is moved to a whole second, earlier, so never over the length.
        expect(later).toBeLessThanOrEqual(timer.durationMs ?? Infinity);
        // Time only ever takes away from what is left; a paused timer stands still.
        expect(later).toBeLessThanOrEqual(remainingMs(timer, now)!);
        if (timer.paused) expect(later).toBe(remainingMs(timer, now));
      }),
      { numRuns: 300 },
    );
  });
});
