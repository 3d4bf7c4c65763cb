/**
 * The font files the interface's own words need, fetched at once so that the service worker keeps
 * them (issue 12). BIZ UDPGothic comes in ~125 unicode-range subsets per weight and a browser
 * fetches a subset only when text on screen needs it; a device that first sees "書いたものは消え
 * ません" offline would have no subset for 消 and draw a box. Every character of the Japanese
 * messages (English needs only the Latin subset, which is among them), in both weights the app
 * uses: about 18 subsets, 0.5 MB, once per device.
 */
import ja from '../i18n/ja.json';

const FAMILY = "'BIZ UDPGothic'";
const WEIGHTS = ['400', '700'] as const;

/** Every distinct character the Japanese UI can show, with the printable ASCII for names and numbers. */
export function uiCharacters(): string {
  const chars = new Set<string>();
  for (const message of Object.values(ja)) for (const char of message) chars.add(char);
  for (let code = 0x20; code < 0x7f; code++) chars.add(String.fromCharCode(code));
  return [...chars].join('');
}

/** Loads (and so fetches) the subsets that cover the UI's characters; resolves when they are in, or failed. */
export async function loadUiFonts(): Promise<void> {
  if (!('fonts' in document)) return;
  const text = uiCharacters();
  await Promise.all(WEIGHTS.map((weight) => document.fonts.load(`${weight} 1em ${FAMILY}`, text).catch(() => [])));
}
