/**
 * The meeting timer (spec 5 `meta.timer`, issue 9 item 5): how much time is left, and the only
 * functions that change it.
 *
 * Every time here is the server's (a client passes its estimate of the server's clock,
 * client/src/lib/server-clock.ts), so screens whose own clocks differ still show the same second.
 * The fields, in the nested `meta.timer` map that the server creates once with the board:
 *
 * - `endsAt`: when the time is up; null when no timer is set. While paused it keeps the end as it
 *   was at the pause, and the time left is `endsAt − pausedAt`.
 * - `paused`, `pausedAt`: whether it stands still, and since when (null while it runs).
 * - `durationMs`: the whole length, for a progress bar; "+1 minute" adds to it.
 * - `label`: what the time is for ("休憩"), may be empty.
 *
 * Each writer is one Yjs transaction that sets keys of that nested map and never replaces it, so
 * two staff members who press at once merge key by key: a pause and a "+1 minute" made together
 * both survive (one sets `paused`/`pausedAt`, the other `endsAt`/`durationMs`).
 *
 * @example
 * startTimer(doc, { durationMs: 3 * MINUTE_MS, label: '', now: clock.now() });
 * remainingMs(readMeta(doc).timer, clock.now()); // 180000, counting down
 */
import * as Y from 'yjs';
import { boardRoots, readMeta, type Timer } from './board';

export const MINUTE_MS = 60_000;
/** The longest timer staff can set: a meeting lasts an hour or so, a whole day at most. */
export const TIMER_DURATION_MAX_MS = 8 * 60 * MINUTE_MS;
/** The presets on the facilitator's panel, in minutes. */
export const TIMER_PRESETS_MIN = [3, 5, 10] as const;

/** What a timer is doing, for screens that show it. */
export type TimerState = 'none' | 'running' | 'paused' | 'ended';

/** A board without a timer. */
export const NO_TIMER: Timer = { endsAt: null, label: '', paused: false, pausedAt: null, durationMs: null };

/**
 * Milliseconds left at server time `serverNow`, never below zero; null when no timer is set. A
 * paused timer stands at what was left when it was paused.
 */
export function remainingMs(timer: Timer, serverNow: number): number | null {
  if (timer.endsAt === null) return null;
  // A paused timer from before `pausedAt` existed has no record of when it stopped: it stands at
  // what is left now, which is the best guess.
  const at = timer.paused ? (timer.pausedAt ?? serverNow) : serverNow;
  return Math.max(0, timer.endsAt - at);
}

export function timerState(timer: Timer, serverNow: number): TimerState {
  const left = remainingMs(timer, serverNow);
  if (left === null) return 'none';
  if (timer.paused) return 'paused';
  return left > 0 ? 'running' : 'ended';
}

/**
 * Whole seconds shown for `ms` left: rounded up, so "0:00" appears exactly when the time is up and
 * a fresh three-minute timer reads "3:00", not "2:59".
 */
export function displaySeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** `m:ss` (`h:mm:ss` from an hour), for the seconds `displaySeconds` gives. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** The share of the time still left, 0 to 1, for a progress bar; null without a known length. */
export function remainingShare(timer: Timer, serverNow: number): number | null {
  const left = remainingMs(timer, serverNow);
  if (left === null || timer.durationMs === null || timer.durationMs <= 0) return null;
  return Math.min(1, left / timer.durationMs);
}

/** A length staff may set: whole milliseconds, at least a second, at most the maximum. */
export function clampDuration(ms: number): number {
  if (!Number.isFinite(ms)) return MINUTE_MS;
  return Math.min(TIMER_DURATION_MAX_MS, Math.max(1000, Math.round(ms)));
}

/** Starts (or restarts) the timer: `durationMs` from server time `now`. */
export function startTimer(doc: Y.Doc, { durationMs, label, now }: { durationMs: number; label: string; now: number }): void {
  const length = clampDuration(durationMs);
  writeTimer(doc, { endsAt: wholeSecond(now + length), label, paused: false, pausedAt: null, durationMs: length });
}

/** Stops the clock where it is; does nothing to a timer that is not running. */
export function pauseTimer(doc: Y.Doc, { now }: { now: number }): void {
  const timer = readTimer(doc);
  if (timerState(timer, now) !== 'running') return;
  writeTimer(doc, { paused: true, pausedAt: Math.round(now) });
}

/** Runs a paused timer on from what was left. */
export function resumeTimer(doc: Y.Doc, { now }: { now: number }): void {
  const timer = readTimer(doc);
  if (timer.endsAt === null || !timer.paused) return;
  const left = remainingMs(timer, now) ?? 0;
  writeTimer(doc, { endsAt: wholeSecond(now + left), paused: false, pausedAt: null });
}

/**
 * A running timer ends on a whole second of server time, so its display changes on the same
 * boundaries every screen ticks on (client/src/state/timer.svelte.ts): all flip together. It moves
 * an end earlier, by under a second, never later: a 3-minute timer shows 3:00 when it starts, not 3:01.
 */
function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * One more minute, running or paused. A timer whose time is already up gets a minute from now
 * (adding to an end long past would change nothing on screen).
 */
export function addMinute(doc: Y.Doc, { now }: { now: number }): void {
  const timer = readTimer(doc);
  if (timer.endsAt === null) return;
  const from = timer.paused ? (timer.pausedAt ?? Math.round(now)) : Math.round(now);
  const base = timer.endsAt >= from ? timer.endsAt : timer.paused ? from : wholeSecond(from);
  const endsAt = Math.min(base + MINUTE_MS, from + TIMER_DURATION_MAX_MS);
  const durationMs = Math.min(TIMER_DURATION_MAX_MS, (timer.durationMs ?? Math.max(0, timer.endsAt - from)) + MINUTE_MS);
  writeTimer(doc, { endsAt, durationMs, ...(timer.paused && timer.pausedAt === null ? { pausedAt: from } : {}) });
}

/** No timer any more. `restoreTimer` with what it was undoes this. */
export function stopTimer(doc: Y.Doc): void {
  writeTimer(doc, NO_TIMER);
}

/** Puts the timer back exactly as it was (an undo): a running one has run on meanwhile. */
export function restoreTimer(doc: Y.Doc, timer: Timer): void {
  writeTimer(doc, timer);
}

/** The timer as the board's reader sees it (shared/board.ts `readMeta`). */
export function readTimer(doc: Y.Doc): Timer {
  return readMeta(doc).timer;
}

function timerMap(doc: Y.Doc): Y.Map<unknown> | undefined {
  const timer = boardRoots(doc).meta.get('timer');
  return timer instanceof Y.Map ? (timer as Y.Map<unknown>) : undefined;
}

/**
 * Sets the given keys of the nested timer map, only those that differ, in one transaction. A board
 * without the map (never made by the server) is left alone: creating it here could race another
 * peer's, and one of the two maps would be lost.
 */
function writeTimer(doc: Y.Doc, change: Partial<Timer>): void {
  const map = timerMap(doc);
  if (!map) return;
  doc.transact(() => {
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined && map.get(key) !== value) map.set(key, value);
    }
  });
}
