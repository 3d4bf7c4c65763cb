/**
 * The server's clock as seen from this device, for anything that must agree across screens (the
 * meeting timer's `endsAt` is a server time). Tablets in a workshop are often minutes off.
 *
 * Each (re)connect sends one `time` request (shared/sync-messages.ts). With `t0`/`t1` the device's
 * wall time at sending and receiving, measured by the monotonic clock, and `s` the server's answer,
 * the offset is `s − (t0 + t1) / 2`, good to within half the round trip. The sample with the
 * shortest round trip is kept, unless a new one cannot be reconciled with it: then the device's
 * own clock was changed meanwhile (a tablet that synced its time on waking), and the new one wins.
 *
 * @example
 * const clock = new ServerClock();
 * ws.send(clock.request());
 * // … on the answer:
 * clock.receive(readTimeAnswer(decoder));
 * clock.now(); // Date.now() corrected by the offset
 */
import { encodeTimeRequest } from '../../../shared/sync-messages';

export interface ClockSample {
  /** Server time minus device time, in milliseconds. */
  offset: number;
  roundTrip: number;
}

export interface ClockSources {
  /** Wall time in ms since the epoch. */
  wall: () => number;
  /** A clock that never jumps, for measuring the round trip. */
  monotonic: () => number;
}

/** Requests older than the newest few are forgotten; an answer that late is no good sample. */
const MAX_OUTSTANDING = 8;

export class ServerClock {
  #best: ClockSample | null = null;
  #outstanding = new Map<number, { wall: number; monotonic: number }>();
  #nextRequest = 1;
  #sources: ClockSources;
  #listeners = new Set<() => void>();

  constructor(sources: ClockSources = { wall: () => Date.now(), monotonic: () => performance.now() }) {
    this.#sources = sources;
  }

  /** Server time minus device time, or null before the first answer. */
  get offset(): number | null {
    return this.#best?.offset ?? null;
  }

  /** The best sample's round trip (the offset is good to half of it), or null. */
  get roundTrip(): number | null {
    return this.#best?.roundTrip ?? null;
  }

  /** The server's time now, in ms since the epoch; the device's own until the server answered. */
  now(): number {
    return this.#sources.wall() + (this.#best?.offset ?? 0);
  }

  /** A `time` request to send; its answer goes to `receive`. */
  request(): Uint8Array<ArrayBuffer> {
    const id = this.#nextRequest++;
    this.#outstanding.set(id, { wall: this.#sources.wall(), monotonic: this.#sources.monotonic() });
    if (this.#outstanding.size > MAX_OUTSTANDING) this.#outstanding.delete(id - MAX_OUTSTANDING);
    // A copy of three bytes, typed as `WebSocket.send` wants (the encoder's type is the wider one).
    return new Uint8Array(encodeTimeRequest(id));
  }

  /** Takes an answer; answers the sample it made, or null for a request this clock did not send. */
  receive({ requestId, serverTime }: { requestId: number; serverTime: number }): ClockSample | null {
    const sent = this.#outstanding.get(requestId);
    if (!sent || !Number.isFinite(serverTime)) return null;
    this.#outstanding.delete(requestId);
    const roundTrip = Math.max(0, this.#sources.monotonic() - sent.monotonic);
    const sample = { offset: serverTime - (sent.wall + roundTrip / 2), roundTrip };
    if (this.#best === null || sample.roundTrip < this.#best.roundTrip || !agree(sample, this.#best)) {
      this.#best = sample;
      for (const listener of this.#listeners) listener();
    }
    return sample;
  }

  /**
   * Calls `listener` whenever the offset changes (a better sample, or the device's clock was set),
   * so a screen can redraw at once instead of at its next tick. Returns the unsubscribe.
   */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Each sample places the true offset within ± half its round trip; do the two ranges meet? */
function agree(a: ClockSample, b: ClockSample): boolean {
  return Math.abs(a.offset - b.offset) <= (a.roundTrip + b.roundTrip) / 2;
}
