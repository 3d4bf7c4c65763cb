/**
 * Messages and the chosen language. Japanese is the default; the choice is kept on the device, since
 * a shared tablet usually serves one workshop's language.
 *
 * @example t('board.dotsLeft', { count: 2 }) // "あと 2 票"
 */
import ja from './ja.json';
import type en from './en.json';
import { readStored, writeStored } from '../lib/storage';

export type MessageKey = keyof typeof ja;
export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];

type Messages = Record<MessageKey, string>;

// Japanese is in the first download; English is a chunk of its own, fetched by the devices that
// choose it (before the app mounts when it is the kept choice), so Japanese devices never do.
// Both files must carry exactly the same keys: a missing one fails the type check here.
const loaders: Record<Locale, () => Promise<Messages>> = {
  ja: () => Promise.resolve(ja),
  en: () => import('./en.json').then((module) => module.default),
};
const enHasNoExtraKeys: Record<keyof typeof en, string> = ja;
void enHasNoExtraKeys;
const messages: Partial<Record<Locale, Messages>> = { ja };

async function loadMessages(locale: Locale): Promise<void> {
  messages[locale] ??= await loaders[locale]();
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
  const template = (messages[locale.current] ?? ja)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
