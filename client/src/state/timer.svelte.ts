/**
 * The server's time as a reactive value, and this device's choice of an end-of-time sound.
 *
 * `serverNow(clock)` changes once a second while something reads it, on the whole seconds of the
 * server's clock (shared/timer.ts ends every running timer on one), so every screen turns "2:59"
 * into "2:58" in the same moment whatever its own clock says. It also changes at once when the
 * clock's offset does (the first answer after connecting). Nothing ticks while nobody reads it.
 *
 * @example
 * const left = $derived(remainingMs(board.meta.timer, serverNow(connection.clock)));
 */
import { createSubscriber } from 'svelte/reactivity';
import type { ServerClock } from '../lib/server-clock';
import { readStored, writeStored } from '../lib/storage';

/** A little past the boundary, so that a timer that fires a hair early still sees the new second. */
const PAST_BOUNDARY_MS = 15;

class ServerTicker {
  #clock: ServerClock;
  #subscribe: () => void;

  constructor(clock: ServerClock) {
    this.#clock = clock;
    this.#subscribe = createSubscriber((update) => {
      let next: ReturnType<typeof setTimeout> | undefined;
      const schedule = () => {
        clearTimeout(next);
        const toBoundary = 1000 - (((clock.now() % 1000) + 1000) % 1000);
        next = setTimeout(() => {
          update();
          schedule();
        }, toBoundary + PAST_BOUNDARY_MS);
      };
      const unsubscribe = clock.subscribe(() => {
        update();
        schedule();
      });
      schedule();
      return function stopTicking() {
        clearTimeout(next);
        unsubscribe();
      };
    });
  }

  get now(): number {
    this.#subscribe();
    return this.#clock.now();
  }
}

const tickers = new WeakMap<ServerClock, ServerTicker>();

/** The server's time now (ms since the epoch), re-read by effects on every server second. */
export function serverNow(clock: ServerClock): number {
  let ticker = tickers.get(clock);
  if (!ticker) {
    ticker = new ServerTicker(clock);
    tickers.set(clock, ticker);
  }
  return ticker.now;
}

const SOUND_KEY = 'teian.timerSound';

/** Whether this device plays a soft tone when the time is up: off unless chosen here (DESIGN 4). */
class TimerSound {
  #on = $state(readStored(SOUND_KEY) === 'on');

  get on(): boolean {
    return this.#on;
  }

  set on(value: boolean) {
    this.#on = value;
    writeStored(SOUND_KEY, value ? 'on' : null);
  }

  /** A short, soft tone (two gentle notes, quiet, slow to fade): no alarm. Needs no file. */
  play(): void {
    if (!this.#on) return;
    const Context = window.AudioContext;
    if (!Context) return;
    try {
      const audio = new Context();
      const start = audio.currentTime + 0.05;
      [523.25, 659.25].forEach((frequency, index) => {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = 'sine';
        oscillator.frequency.value = frequency;
        const at = start + index * 0.35;
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(0.08, at + 0.08);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.2);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + 1.3);
      });
      setTimeout(() => void audio.close(), 2500);
    } catch {
      // No sound on this device: the words on screen say it all the same.
    }
  }
}

export const timerSound = new TimerSound();
