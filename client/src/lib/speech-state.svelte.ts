/**
 * What the read-aloud buttons show: which one is reading now, and which one last said why it could
 * not. Kept apart from lib/speech.ts, the chunk that does the speaking, so that a SpeakButton on the
 * board costs only this and the button itself until someone first presses one.
 *
 * A problem shows beside its button and is said once in one live region for the whole page (made
 * on the first press, so it is in place before anything is put in it), never one per button: a
 * board of cards would otherwise carry a live region on each.
 *
 * @example speechState.speaking === myId // this button's aria-pressed
 */
import { t } from '../i18n/i18n.svelte';

/** Why a button could not read: no engine at all, no voice for the text's language, or the engine failed. */
export type SpeechProblem = 'unsupported' | 'noJapaneseVoice' | 'noEnglishVoice' | 'failed';

export interface SpeechNotice {
  /** The button that was pressed: the message shows beside it. */
  owner: string;
  problem: SpeechProblem;
}

/** A message put in a live region in the same moment as the region itself, or as the same text again, is often not read out. */
const ANNOUNCE_AFTER_MS = 100;

class SpeechState {
  #speaking = $state<string | null>(null);
  #notice = $state.raw<SpeechNotice | null>(null);
  #region: HTMLElement | undefined;
  #announcing: ReturnType<typeof setTimeout> | undefined;

  /** The button whose text is being read (or fetched and about to be), or null. */
  get speaking(): string | null {
    return this.#speaking;
  }

  get notice(): SpeechNotice | null {
    return this.#notice;
  }

  /**
   * Called on every press, before anything can go wrong: puts the live region in place, inside the
   * pressed button's dialog when it has one (a modal dialog makes the rest of the page inert, and
   * an inert region is not read out).
   */
  pressed(button: Element): void {
    const home = button.closest('dialog') ?? document.body;
    const region = this.#liveRegion();
    if (region.parentElement !== home) home.append(region);
  }

  setSpeaking(owner: string | null): void {
    this.#speaking = owner;
  }

  setNotice(notice: SpeechNotice | null): void {
    this.#notice = notice;
    const region = this.#liveRegion();
    clearTimeout(this.#announcing);
    region.textContent = '';
    if (notice) this.#announcing = setTimeout(() => (region.textContent = t(`speech.${notice.problem}`)), ANNOUNCE_AFTER_MS);
  }

  #liveRegion(): HTMLElement {
    if (this.#region?.isConnected) return this.#region;
    const region = document.createElement('p');
    region.className = 'visually-hidden';
    region.setAttribute('role', 'status');
    region.dataset.testid = 'speech-status';
    document.body.append(region);
    return (this.#region = region);
  }
}

export const speechState = new SpeechState();
