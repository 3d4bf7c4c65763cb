/**
 * Messages and the chosen language. Japanese is the default; the choice is kept on the device, since
 * a shared tablet usually serves one workshop's language.
 *
 * @example t('board.dotsLeft', { count: 2 }) // "あと 2 票"
 */
import ja from './ja.json';
import en from './en.json';
import { readStored, writeStored } from '../lib/storage';

export type MessageKey = keyof typeof ja;
export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];

// Both files must carry exactly the same keys: a missing one fails the type check here.
const messages: Record<Locale, Record<MessageKey, string>> = { ja, en };
const enHasNoExtraKeys: Record<keyof typeof en, string> = ja;
void enHasNoExtraKeys;

const STORAGE_KEY = 'teian.locale';

class LocaleState {
  #current = $state<Locale>(initialLocale());

  constructor() {
    document.documentElement.lang = this.#current;
  }

  get current(): Locale {
    return this.#current;
  }

  set(locale: Locale): void {
    this.#current = locale;
    document.documentElement.lang = locale;
    writeStored(STORAGE_KEY, locale);
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
  const template = messages[locale.current][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
