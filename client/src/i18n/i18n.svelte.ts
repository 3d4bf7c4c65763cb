/**
 * Messages and the chosen language. Japanese is the default; the choice is kept on the device, since
 * a shared tablet usually serves one workshop's language.
 *
 * @example t('board.dotsLeft', { count: 2 }) // "あと 2 票"
 */
import ja from './ja.json';
import type en from './en.json';
import type jaStaff from './ja.staff.json';
import type enStaff from './en.staff.json';
import { readStored, writeStored } from '../lib/storage';

/** The words of the pages a participant's board shows (ja.json, en.json). */
type BoardKey = keyof typeof ja;
/** The words of the pages and tools only staff and the projector show (ja.staff.json, en.staff.json). */
type StaffKey = keyof typeof jaStaff;
export type MessageKey = BoardKey | StaffKey;
export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];

type BoardMessages = Record<BoardKey, string>;
type StaffMessages = Record<StaffKey, string>;

// Japanese board words are in the first download; everything else is a chunk of its own, fetched
// when needed: English by the devices that choose it (before the app mounts when it is the kept
// choice), staff's words by the staff pages, the board's staff tools and the projector
// (`loadStaffMessages`, which App.svelte and BoardView.svelte await before they show them). Staff's
// words are two thirds of all of them (docs/client.md, "Size").
// Each pair of files must carry exactly the same keys: a missing one fails the type check here.
const loaders: Record<Locale, () => Promise<BoardMessages>> = {
  ja: () => Promise.resolve(ja),
  en: () => import('./en.json').then((module) => module.default),
};
const enHasNoExtraKeys: Record<keyof typeof en, string> = ja;
void enHasNoExtraKeys;
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const staffFilesHaveSameKeys: SameKeys<typeof jaStaff, typeof enStaff> = true;
void staffFilesHaveSameKeys;
const messages: Partial<Record<Locale, BoardMessages>> = { ja };
let staffMessages = $state.raw<Record<Locale, StaffMessages> | null>(null);

async function loadMessages(locale: Locale): Promise<void> {
  messages[locale] ??= await loaders[locale]();
}

/** Fetches staff's words (both languages, once); await it before showing a staff page or tool. */
export async function loadStaffMessages(): Promise<void> {
  if (staffMessages) return;
  const [staffJa, staffEn] = await Promise.all([import('./ja.staff.json'), import('./en.staff.json')]);
  staffMessages = { ja: staffJa.default, en: staffEn.default };
}

const STORAGE_KEY = 'teian.locale';

class LocaleState {
  #current = $state<Locale>('ja');
  /** Resolves once the kept language's messages are here; main.ts mounts the app after it. */
  readonly ready: Promise<void>;

  constructor() {
    const kept = initialLocale();
    // A language that cannot be fetched (offline before it was ever chosen) leaves Japanese.
    this.ready = loadMessages(kept).then(
      () => this.#show(kept),
      () => this.#show('ja'),
    );
  }

  get current(): Locale {
    return this.#current;
  }

  /** Switches once the language's messages are here; a failed fetch keeps the current language. */
  async set(locale: Locale): Promise<void> {
    try {
      await loadMessages(locale);
    } catch {
      return;
    }
    this.#show(locale);
    writeStored(STORAGE_KEY, locale);
  }

  #show(locale: Locale): void {
    this.#current = locale;
    document.documentElement.lang = locale;
  }
}

function initialLocale(): Locale {
  const stored = readStored(STORAGE_KEY);
  return stored === 'en' || stored === 'ja' ? stored : 'ja';
}

export const locale = new LocaleState();

export type MessageParams = Record<string, string | number>;

/** Reads `locale.current`, so markup that calls it re-renders when the language changes. */
export function t(key: MessageKey, params?: MessageParams): string {
  const template = message(key, locale.current);
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

function isBoardKey(key: MessageKey): key is BoardKey {
  return Object.hasOwn(ja, key);
}

function message(key: MessageKey, current: Locale): string {
  if (isBoardKey(key)) return (messages[current] ?? ja)[key];
  // Shown only if a staff page forgot to await loadStaffMessages(): the key says which words are missing.
  return staffMessages?.[current][key] ?? key;
}
