/**
 * [issue 9, item 1] The staff header on every staff page: from a board back to the board list,
 * and signing out, through the header alone; axe-clean (landmarks included) in Japanese and English,
 * on a 360 px phone and a 1280 px PC.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { boardFlows, browserAvailable, checkA11y, describeViolations, useBrowserSuite, type Viewport } from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const SIZES: readonly Viewport[] = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];

/** Every target of the staff menu is at least 44 × 44 px and none spills out of the viewport. */
function menuProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const nav of document.querySelectorAll('nav.staff-nav')) {
      for (const control of nav.querySelectorAll<HTMLElement>('a, button')) {
        const box = control.getBoundingClientRect();
        const name = control.textContent?.trim() ?? '?';
        if (box.width < 44 || box.height < 44) problems.push(`${name}: ${box.width}×${box.height}`);
        if (box.right > innerWidth + 0.5 || box.left < -0.5) problems.push(`${name}: outside the viewport`);
      }
    }
    if (document.documentElement.scrollWidth > innerWidth) problems.push('the page scrolls sideways');
    return problems;
  });
}

async function expectAxeClean(page: Page) {
  const violations = await checkA11y(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

describe.skipIf(!browserAvailable())('the staff header', () => {
  const suite = useBrowserSuite();

  describe.each(['ja', 'en'] as const)('in %s', (locale) => {
    const flows = boardFlows(locale);
    const { t } = flows;

    it.each(SIZES)('takes staff from a board back to the list and signs them out at $width px', { timeout: 60_000 }, async (viewport) => {
      const title = `${locale === 'ja' ? 'ヘッダーのボード' : 'Header board'} ${viewport.width}`;
      const board = await suite.api.createBoard(title);
      const staff = await suite.person({ viewport, locale });
      const { page } = staff;
      const menu = () => page.getByRole('navigation', { name: t('staff.nav'), exact: true });

      await flows.staffOpensBoard(page, ADMIN, board.id);
      const me = (await (await page.request.get('/api/me')).json()) as { name: string };
      await menu().getByText(t('staff.signedInAs', { name: me.name }), { exact: true }).waitFor();
      expect(await menuProblems(page)).toEqual([]);
      await expectAxeClean(page);
      await page.screenshot({ path: `/tmp/staff-header-board-${locale}-${viewport.width}x${viewport.height}.png` });

      // Back to the board list through the header.
      await menu().getByRole('link', { name: t('staff.nav.boards'), exact: true }).click();
      await page.waitForURL('**/staff');
      await page.getByRole('heading', { name: t('staff.title'), level: 1 }).waitFor();
      await page.getByRole('link', { name: t('staff.openNamed', { title }), exact: true }).waitFor();
      expect(await menu().getByRole('link', { name: t('staff.nav.boards'), exact: true }).getAttribute('aria-current')).toBe('page');
      expect(await menuProblems(page)).toEqual([]);
      await expectAxeClean(page);
      await page.screenshot({ path: `/tmp/staff-header-list-${locale}-${viewport.width}x${viewport.height}.png` });

      // The roster is one tap away.
      await menu().getByRole('link', { name: t('staff.nav.roster'), exact: true }).click();
      await page.waitForURL('**/staff#roster');
      await page.getByRole('heading', { name: t('staff.roster.title'), level: 2 }).waitFor();

      // Sign out: back on the login page, and the board list is closed to this device.
      await menu().getByRole('button', { name: t('staff.signOut'), exact: true }).click();
      await page.waitForURL('**/staff/login');
      await page.getByLabel(t('staffLogin.login'), { exact: true }).waitFor();
      await expectAxeClean(page);
      expect((await page.request.get('/api/me')).status()).toBe(401);
      await page.goto('/staff');
      await page.waitForURL('**/staff/login');

      expect(staff.pageErrors).toEqual([]);
    });
  });
});
