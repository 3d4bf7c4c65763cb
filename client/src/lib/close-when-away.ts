/**
 * For a small panel opened from a button (the phone header's language and presence): while it is
 * open, a tap anywhere outside `root` closes it, as a menu does. Returns the cleanup for $effect.
 */
export function closeWhenAway(open: boolean, root: HTMLElement | undefined, close: () => void): (() => void) | undefined {
  if (!open || !root) return undefined;
  const away = (event: PointerEvent) => {
    if (!root.contains(event.target as Node)) close();
  };
  document.addEventListener('pointerdown', away);
  return () => document.removeEventListener('pointerdown', away);
}
