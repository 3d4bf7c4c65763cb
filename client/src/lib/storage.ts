/**
 * localStorage that never throws: private windows and locked-down tablets may refuse it, and a
 * preference that cannot be saved must not break the page.
 */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Keeping the choice for this visit only is the best we can do.
  }
}
