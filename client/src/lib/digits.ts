/**
 * Japanese keyboards often type full-width digits (０–９), and people copy codes with spaces or
 * hyphens ("123 456"). Both should just work.
 */
export function onlyDigits(input: string, max: number): string {
  return input
    .replace(/[０-９]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\D/g, '')
    .slice(0, max);
}

/** "123456" → "123 456": two halves are easier to read aloud and to copy from a projector. */
export function groupCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}
