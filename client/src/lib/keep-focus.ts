import { tick } from 'svelte';

/**
 * A control that answers by going away (join → leave, lead → step down, the last vote taken back)
 * would drop the keyboard's focus to <body>, where the next Tab starts again from the top. After
 * the change has rendered, this puts focus on the first control that took its place in `area`.
 */
export async function keepFocusIn(area: HTMLElement | null | undefined): Promise<void> {
  await tick();
  const focused = document.activeElement;
  if (!area || (focused && focused !== document.body)) return;
  area.querySelector<HTMLElement>('button:not([disabled]), input:not([disabled]), select, a[href]')?.focus();
}
