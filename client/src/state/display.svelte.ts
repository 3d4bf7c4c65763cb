/**
 * How this device shows the app (issue 12, docs/accessibility.md): furigana, text size, contrast
 * and the read-aloud rate. Each choice is kept on the device, like the language: a shared tablet
 * usually serves the same few people, and a phone serves one.
 *
 * Furigana has three sources, the nearest winning: the device's own choice, the board's default set
 * by staff (`meta.furigana`), and none.
 *
 * @example display.setTextSize(2) // 200%: <html style="--text-scale: 2">
 */
import { FURIGANA_LEVELS, type FuriganaLevel } from '../../../shared/reading';
import { readStored, writeStored } from '../lib/storage';

/** Text sizes offered, as a factor of the page's own size; 2 is WCAG's 200%. */
export const TEXT_SIZES = [1, 1.25, 1.5, 2] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

export const CONTRASTS = ['standard', 'high'] as const;
export type Contrast = (typeof CONTRASTS)[number];

/** Read-aloud rates offered (SpeechSynthesisUtterance.rate): slow, usual, quick. */
export const SPEECH_RATES = [0.7, 1, 1.3] as const;
export type SpeechRate = (typeof SPEECH_RATES)[number];

/** The localStorage keys; tests set them before a page loads. */
export const DISPLAY_KEYS = {
  furigana: 'teian.furigana',
  textSize: 'teian.textSize',
  contrast: 'teian.contrast',
  speechRate: 'teian.speechRate',
} as const;

class DisplayState {
  /** The device's own choice; null follows the board. */
  #furigana = $state<FuriganaLevel | null>(kept(DISPLAY_KEYS.furigana, FURIGANA_LEVELS, null));
  /** The open board's default, set by BoardView from `meta.furigana`; none off a board. */
  #boardFurigana = $state<FuriganaLevel>('none');
  #textSize = $state<TextSize>(kept(DISPLAY_KEYS.textSize, TEXT_SIZES, 1));
  /** The device's own choice; null follows the system's `prefers-contrast: more`. */
  #contrast = $state<Contrast | null>(kept(DISPLAY_KEYS.contrast, CONTRASTS, null));
  #systemContrast = matchMedia('(prefers-contrast: more)');
  #systemHigh = $state(this.#systemContrast.matches);
  #speechRate = $state<SpeechRate>(kept(DISPLAY_KEYS.speechRate, SPEECH_RATES, 1));

  constructor() {
    this.#systemContrast.addEventListener('change', (event) => {
      this.#systemHigh = event.matches;
      this.#apply();
    });
    this.#apply();
  }

  /** The level every text is shown at. */
  get furigana(): FuriganaLevel {
    return this.#furigana ?? this.#boardFurigana;
  }

  /** Whether the device has a choice of its own, rather than following the board. */
  get furiganaChosen(): boolean {
    return this.#furigana !== null;
  }

  /** Null goes back to the board's default. */
  setFurigana(level: FuriganaLevel | null): void {
    this.#furigana = level;
    writeStored(DISPLAY_KEYS.furigana, level);
  }

  /** The header's one-tap toggle: off when any furigana shows; on at all kanji otherwise. */
  toggleFurigana(): void {
    this.setFurigana(this.furigana === 'none' ? 'all' : 'none');
  }

  setBoardFurigana(level: FuriganaLevel): void {
    this.#boardFurigana = level;
  }

  get textSize(): TextSize {
    return this.#textSize;
  }

  setTextSize(size: TextSize): void {
    this.#textSize = size;
    writeStored(DISPLAY_KEYS.textSize, String(size));
    this.#apply();
  }

  get contrast(): Contrast {
    return this.#contrast ?? (this.#systemHigh ? 'high' : 'standard');
  }

  setContrast(contrast: Contrast): void {
    this.#contrast = contrast;
    writeStored(DISPLAY_KEYS.contrast, contrast);
    this.#apply();
  }

  get speechRate(): SpeechRate {
    return this.#speechRate;
  }

  setSpeechRate(rate: SpeechRate): void {
    this.#speechRate = rate;
    writeStored(DISPLAY_KEYS.speechRate, String(rate));
  }

  // The root carries the size and the theme, so plain CSS (app.css) follows them on every page.
  #apply(): void {
    const root = document.documentElement;
    root.style.setProperty('--text-scale', String(this.#textSize));
    root.dataset.textSize = String(this.#textSize);
    if (this.contrast === 'high') root.dataset.contrast = 'high';
    else delete root.dataset.contrast;
  }
}

function kept<T extends string | number, D>(key: string, allowed: readonly T[], fallback: D): T | D {
  const stored = readStored(key);
  return allowed.find((value) => String(value) === stored) ?? fallback;
}

export const display = new DisplayState();
