/**
 * Ends a switch over a union: the compiler proves every case handled, and a value that slips past
 * the types at run time fails loudly instead of doing nothing.
 */
export function exhaustive(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
