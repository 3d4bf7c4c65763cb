/**
 * Writes client/src/pictograms/<code points>.svg: the few Fluent Emoji Flat pictograms the app shows
 * (work-area categories and avatar choices), copied out of `@iconify-json/fluent-emoji-flat` (MIT) so
 * that the build carries only these, and every tablet draws the same picture with no emoji font.
 * They are image files, not a table in the bundle: a page fetches only the pictures it shows, and
 * the participant's board does not carry 80 kB of path data in its JavaScript (docs/client.md, "Size").
 *
 * Run after changing the list: `npx tsx client/scripts/pictograms.ts`
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { pictogramFile } from '../src/lib/pictogram-file';

/** Pictograms for categories a facility may add, and a palette of avatars for the roster. */
const EXTRA = [
  // work
  '🧺', '🌱', '🍞', '🧵', '🪴', '☕', '🛒', '🧼', '🔧', '🎨', '🧾', '💻', '🚲', '🏷️', '🖨️', '📋',
  // avatars
  '🌻', '🌷', '🌸', '🌼', '🍀', '🌵', '🍎', '🍊', '🍓', '🍇', '🍌', '🍑', '🍙', '🍰', '🐶', '🐱', '🐰',
  '🐻', '🐼', '🐨', '🐯', '🦁', '🐸', '🐧', '🐦', '🐢', '🐟', '🐬', '🦋', '🐝', '🌞', '🌙', '⭐', '🌈',
  '⚽', '🎵', '🎸', '🚗', '🚃', '✈️', '🏠', '🎈', '📚', '🧸', '🙂',
];

const setDir = path.resolve(import.meta.dirname, '../../node_modules/@iconify-json/fluent-emoji-flat');
const out = path.resolve(import.meta.dirname, '../src/pictograms');

interface IconSet {
  icons: Record<string, { body: string; width?: number; height?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

/** Iconify's emoji key: code points in hex, joined by '-', without the variation selector. */
function charKey(emoji: string): string {
  return [...emoji]
    .map((char) => char.codePointAt(0)!)
    .filter((code) => code !== 0xfe0f)
    .map((code) => code.toString(16))
    .join('-');
}

const set = JSON.parse(await readFile(path.join(setDir, 'icons.json'), 'utf8')) as IconSet;
const chars = JSON.parse(await readFile(path.join(setDir, 'chars.json'), 'utf8')) as Record<string, string>;

const wanted = [...new Set([...DEFAULT_CATEGORIES.map((category) => category.pictogram), ...EXTRA])];
const files = new Map<string, string>();
const missing: string[] = [];
for (const emoji of wanted) {
  let name = chars[charKey(emoji)];
  while (name && !set.icons[name] && set.aliases?.[name]) name = set.aliases[name]!.parent;
  const icon = name ? set.icons[name] : undefined;
  if (!icon) {
    missing.push(emoji);
    continue;
  }
  const size = icon.width ?? set.width ?? 32;
  files.set(pictogramFile(emoji), `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}">${icon.body}</svg>\n`);
}
if (missing.length > 0) throw new Error(`not in the set: ${missing.join(' ')}`);

await mkdir(out, { recursive: true });
for (const stale of await readdir(out)) if (!files.has(stale)) await rm(path.join(out, stale));
for (const [name, svg] of files) await writeFile(path.join(out, name), svg);
console.log(`wrote ${files.size} pictograms to ${path.relative(process.cwd(), out)}`);
