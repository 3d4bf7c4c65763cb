/**
 * axe-core with every rule it has, and the display preferences a device keeps, for the
 * accessibility matrix (tests/browser/accessibility.test.ts). `checkA11y` in ./browser runs the
 * WCAG rules; this runs all of them: best practices and the experimental rules too.
 *
 * @example
 * await setDisplay(context, { furigana: 'all', contrast: 'high', textSize: 2 });
 * const violations = await checkAllRules(page);
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { FuriganaLevel } from '../../shared/reading';
import { animationsEnded } from './browser';

const AXE_PATH = path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

/** What a device can choose in the display menu (client/src/state/display.svelte.ts). */
export interface DisplayChoice {
  furigana?: FuriganaLevel;
  contrast?: 'standard' | 'high';
  textSize?: 1 | 1.25 | 1.5 | 2;
}

/**
 * Stores the choices under the client's `DISPLAY_KEYS` before every page load of the context, so
 * the page starts with them as a returning device does.
 */
export async function setDisplay(context: BrowserContext, choice: DisplayChoice): Promise<void> {
  const stored: Record<string, string> = {};
  if (choice.furigana) stored['teian.furigana'] = choice.furigana;
  if (choice.contrast) stored['teian.contrast'] = choice.contrast;
  if (choice.textSize) stored['teian.textSize'] = String(choice.textSize);
  await context.addInitScript((entries) => {
    try {
      for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
    } catch {
      // about:blank has no storage; the app's pages do.
    }
  }, stored);
}

export interface RuleChoice {
  /**
   * WCAG's AAA contrast (7:1, `color-contrast-enhanced`): asked of the high-contrast theme, which
   * is there for the people AA's 4.5:1 is not enough for. The other AAA rules stay off: Teian
   * promises AA (docs/accessibility.md).
   */
  enhancedContrast?: boolean;
}

/**
 * Every axe rule but the AAA ones (see `RuleChoice`), best practices and the experimental rules
 * included, on the page once its animations have ended.
 */
export async function checkAllRules(page: Page, { enhancedContrast = false }: RuleChoice = {}): Promise<Result[]> {
  await animationsEnded(page);
  // Evaluated, not added as a <script>: the app's CSP refuses inline scripts, as it should.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await readFile(AXE_PATH, 'utf8'));
  return page.evaluate(async (withEnhancedContrast) => {
    const { axe } = window as unknown as { axe: typeof import('axe-core') };
    const rules = Object.fromEntries(
      axe.getRules().map(({ ruleId, tags }) => [ruleId, { enabled: !tags.includes('wcag2aaa') || (withEnhancedContrast && ruleId === 'color-contrast-enhanced') }]),
    );
    const results = await axe.run(document, { rules });
    // label-content-name-mismatch takes furigana for part of a control's visible label: it reads
    // 「履歴」 with its <rt>りれき</rt> as 「履歴りれき」, which no aria-label contains. The reading is an
    // annotation over the label, not the label (a person says 「履歴」 or 「りれき」, and the name
    // has the kanji). Such a node is dropped only when, without its <rt>s, its visible text is in
    // its name; any other mismatch stays a violation.
    const words = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
    const labelWithoutReadings = (element: Element) => {
      const copy = element.cloneNode(true) as Element;
      for (const hidden of copy.querySelectorAll('rt, rp, .visually-hidden')) hidden.remove();
      return words(copy.textContent ?? '');
    };
    const onlyFurigana = (node: (typeof results.violations)[number]['nodes'][number]) => {
      const element = document.querySelector(String(node.target[0]));
      if (!element?.querySelector('rt')) return false;
      return words(axe.commons.text.accessibleText(element)).includes(labelWithoutReadings(element));
    };
    // The names are axe's own; its tree of the page is gone once a run has ended.
    axe.setup(document);
    try {
      return results.violations
        .map((violation) => (violation.id === 'label-content-name-mismatch' ? { ...violation, nodes: violation.nodes.filter((node) => !onlyFurigana(node)) } : violation))
        .filter((violation) => violation.nodes.length > 0);
    } finally {
      axe.teardown();
    }
  }, enhancedContrast);
}
