/**
 * Read-aloud (issue 12, item 2; docs/client.md, "Read aloud"): the browser's speech synthesis,
 * in Japanese for a text with kana or kanji and in English otherwise, at the device's rate
 * (display.speechRate), saying kanji by the reading the server gave for them (readings.spoken), so
 * that names are said right.
 *
 * A chunk of its own: SpeakButton imports it on the first press, so the board's first download
 * carries only the button (the board is at its size budget).
 *
 * One utterance at a time in the page: a press starts its text and stops any other; a second
 * press on the button that is reading stops it. A device that cannot read says so beside the button
 * (speechState.notice); nothing fails silently.
 *
 * @example await toggleSpeech(buttonId, idea.text)
 */
import { readings } from './readings.svelte';
import { speechState, type SpeechProblem } from './speech-state.svelte';
import { display } from '../state/display.svelte';

type SpeechLanguage = 'ja-JP' | 'en-US';

/**
 * How long a first press waits for the voice list. Chromium fills it after the page asks, with a
 * `voiceschanged` event; a device with no voices at all never sends one, and it must hear "no
 * voice" soon rather than wait in silence.
 */
const VOICES_WAIT_MS = 1500;

/** Kana or kanji: the text is Japanese, whatever the interface's language. */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

/** Each press takes a turn; a press that finds its turn gone after an await (another came) drops out. */
let turn = 0;
/** Kept so that Chromium does not collect a long utterance mid-way and never send its `end`. */
let current: SpeechSynthesisUtterance | undefined;
let voicesWaited: Promise<void> | undefined;

/** Reads the text for this button, or stops it when this button is the one reading. */
export async function toggleSpeech(owner: string, text: string): Promise<void> {
  if (speechState.speaking === owner) {
    stopSpeech(owner);
    return;
  }
  const mine = ++turn;
  const synth = engine();
  if (speechState.notice?.owner === owner) speechState.setNotice(null);
  if (!synth) return fail(owner, 'unsupported');
  // Whatever was reading stops; its `end` and `error` then belong to no one.
  current = undefined;
  synth.cancel();
  const language: SpeechLanguage = JAPANESE.test(text) ? 'ja-JP' : 'en-US';
  // Shown as reading while the voices and the reading arrive, so the press answers at once.
  speechState.setSpeaking(owner);
  const [voice] = await Promise.all([voiceFor(synth, language), language === 'ja-JP' ? readings.load(text) : undefined]);
  if (mine !== turn) return;
  if (!voice) return fail(owner, language === 'ja-JP' ? 'noJapaneseVoice' : 'noEnglishVoice');

  const utterance = new SpeechSynthesisUtterance(language === 'ja-JP' ? readings.spoken(text) : text);
  utterance.lang = language;
  utterance.voice = voice;
  utterance.rate = display.speechRate;
  const finished = () => {
    if (current !== utterance) return;
    current = undefined;
    if (speechState.speaking === owner) speechState.setSpeaking(null);
  };
  utterance.onend = finished;
  utterance.onerror = (event) => {
    const wasCurrent = current === utterance;
    finished();
    // Cancelled or cut off by the next press: that is what was asked for, not a failure.
    if (wasCurrent && event.error !== 'canceled' && event.error !== 'interrupted') fail(owner, 'failed');
  };
  current = utterance;
  synth.speak(utterance);
}

/** Stops this button's reading, if it is the one reading (a second press, or the button going away). */
export function stopSpeech(owner: string): void {
  if (speechState.speaking !== owner) return;
  turn++;
  current = undefined;
  speechState.setSpeaking(null);
  engine()?.cancel();
}

function fail(owner: string, problem: SpeechProblem): void {
  if (speechState.speaking === owner) speechState.setSpeaking(null);
  speechState.setNotice({ owner, problem });
}

function engine(): SpeechSynthesis | undefined {
  return typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined' ? undefined : speechSynthesis;
}

async function voiceFor(synth: SpeechSynthesis, language: SpeechLanguage): Promise<SpeechSynthesisVoice | undefined> {
  const found = pickVoice(synth.getVoices(), language);
  if (found) return found;
  await (voicesWaited ??= voicesChanged(synth));
  return pickVoice(synth.getVoices(), language);
}

/** The first `voiceschanged`, or the wait's end: voices load asynchronously, and some never come. */
function voicesChanged(synth: SpeechSynthesis): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      synth.removeEventListener('voiceschanged', done);
      resolve();
    };
    const timer = setTimeout(done, VOICES_WAIT_MS);
    synth.addEventListener('voiceschanged', done);
  });
}

/** The language's voice: the device's default for it first, then the exact region, then any of the language. */
function pickVoice(voices: readonly SpeechSynthesisVoice[], language: SpeechLanguage): SpeechSynthesisVoice | undefined {
  const base = language.slice(0, 2);
  const ofLanguage = voices.filter((voice) => voice.lang.replace('_', '-').toLowerCase().split('-')[0] === base);
  return ofLanguage.find((voice) => voice.default) ?? ofLanguage.find((voice) => voice.lang.replace('_', '-') === language) ?? ofLanguage[0];
}
