/**
 * The name of the file in client/src/pictograms/ that draws `emoji` (client/scripts/pictograms.ts
 * writes them): its code points in hex, joined by '-', without the variation selector U+FE0F.
 *
 * @example pictogramFile('🏷️') // '1f3f7.svg'
 */
export function pictogramFile(emoji: string): string {
  const codes = [...emoji].map((char) => char.codePointAt(0)!).filter((code) => code !== 0xfe0f);
  return `${codes.map((code) => code.toString(16)).join('-')}.svg`;
}
