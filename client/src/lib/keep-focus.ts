import { tick } from 'svelte';

const CONTROLS = 'button:not([disabled]), input:not([disabled]), select, a[href]';

/**
 * A control that answers by going away (join → leave, lead → step down, the last vote taken back)
 * would drop the keyboard's focus to <body>, where the next Tab starts again from the top. After
 * the change has rendered, this puts focus on the first control that took its place in `area`
 * (the first that matches `controls`, when only some will do).
 */
export async function keepFocusIn(area: HTMLElement | null | undefined, controls = CONTROLS): Promise<void> {
  await tick();
  const focused = document.activeElement;
  if (!area || (focused && focused !== document.body)) return;
  area.querySelector<HTMLElement>(controls)?.focus();
}
