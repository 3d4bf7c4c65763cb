/**
 * Keyboard-only driving for browser tests (issue 12, item 5): focus moves by Tab and Shift+Tab
 * only, and a step that never reaches its control fails with the list of what got focus on the way,
 * which is the tab order a keyboard user walks.
 */
import type { Locator, Page } from 'playwright-core';

/** The focused element as a person would name it: its role-ish tag and its words or label. */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return '<body>';
    const labelled = element.getAttribute('aria-labelledby');
    const words =
      element.getAttribute('aria-label') ??
      (labelled ? document.getElementById(labelled.split(' ')[0]!)?.innerText : undefined) ??
      ((element as HTMLInputElement).labels?.[0]?.innerText || element.innerText || (element as HTMLInputElement).value || '');
    const type = element.getAttribute('type');
    return `${element.tagName.toLowerCase()}${type ? `[${type}]` : ''} "${words.replace(/\s+/g, ' ').trim().slice(0, 50)}"`;
  });
}

/** Whether `target` (one element) has the focus now; false while it is not on the page. */
export async function isFocused(target: Locator): Promise<boolean> {
  if ((await target.count()) !== 1) return false;
  return target.evaluate((element) => element === document.activeElement);
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has the focus, at most `max` times.
 * Returns what was focused on the way, in order.
 */
export async function tabTo(page: Page, target: Locator, { backwards = false, max = 60 } = {}): Promise<string[]> {
  const passed: string[] = [];
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(target)) return passed;
    if (presses === max) break;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    passed.push(await describeFocus(page));
  }
  throw new Error(`${max} presses of ${backwards ? 'Shift+Tab' : 'Tab'} never reached ${String(target)}; focused in turn:\n${passed.join('\n')}`);
}

/** Focus is on something, not dropped to <body> (where the next Tab starts over from the top). */
export async function focusIsKept(page: Page): Promise<string> {
  const focused = await describeFocus(page);
  if (focused === '<body>') throw new Error('focus fell to <body>');
  return focused;
}
