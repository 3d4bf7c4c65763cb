/**
 * What Yjs uses of `lib0/logging` in a browser: `print` and `warn` with a few style marks. The real
 * module also brings lib0's DOM helpers and its schema library, about 2.5 kB gzip that the board
 * never runs (docs/client.md, "Size"); vite.config.ts points `lib0/logging` here for the client only.
 * A Yjs that uses more of it fails the build on the missing export, rather than misbehaving.
 */
export const BOLD = Symbol('bold');
export const UNBOLD = Symbol('unbold');
export const RED = Symbol('red');
export const ORANGE = Symbol('orange');

const words = (args: unknown[]) => args.filter((arg) => typeof arg !== 'symbol');

export function print(...args: unknown[]): void {
  console.log(...words(args));
}

export function warn(...args: unknown[]): void {
  console.warn(...words(args));
}
