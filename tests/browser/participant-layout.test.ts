/**
 * [issue 4, stories 8 and spec 8] The board's layouts and accessibility: axe-core finds no WCAG A/AA
 * violations on the join page and the board (ideas, projects, the composer and the lead confirm), in
 * Japanese and in English; at phone, tablet and PC sizes nothing scrolls sideways, every control is
 * at least 44 × 44 px, and the phone's bottom bar never hides the last card.
 *
 * With TEIAN_SCREENSHOT_DIR set, it also saves what each size shows, to look at by eye.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { expectOk } from '../helpers/api-client';
import {
  boardFlows,
  browserAvailable,
  checkA11y,
  describeViolations,
  LAPTOP,
  useBrowserSuite,
  screenshot,
  type Viewport,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const SIZES: { name: string; viewport: Viewport }[] = [
  { name: 'phone', viewport: { width: 360, height: 740 } },
  { name: 'tablet', viewport: { width: 768, height: 1024 } },
  { name: 'tablet-landscape', viewport: { width: 1024, height: 768 } },
  { name: 'pc', viewport: { width: 1366, height: 768 } },
];

const label = (id: string, locale: 'ja' | 'en') => DEFAULT_CATEGORIES.find((category) => category.id === id)!.label[locale];

/** Things a person cannot use or read at this size; empty when the layout holds. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      // Name the widest culprits: elements that end past the right edge while their children do not.
      const wide = [...document.body.querySelectorAll<HTMLElement>('*')].filter(
        (el) => el.getBoundingClientRect().right > root.clientWidth + 1 && ![...el.children].some((child) => child.getBoundingClientRect().right > root.clientWidth + 1),
      );
      problems.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}: ${wide.slice(0, 3).map((el) => el.outerHTML.slice(0, 120)).join(' | ')}`);
    }
    for (const control of document.querySelectorAll<HTMLElement>('button, a[href], input[type="text"], textarea, select')) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.width < 44 || box.height < 44) problems.push(`small target ${Math.round(box.width)}×${Math.round(box.height)}: ${control.textContent?.trim() || control.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

describe.skipIf(!browserAvailable())('the board at every size, and with axe', () => {
  const suite = useBrowserSuite();

  describe.each(['ja', 'en'] as const)('in %s', (locale) => {
    const flows = boardFlows(locale);
    const { t } = flows;

    it('has no axe violations and a deliberate layout at phone, tablet and PC sizes', { timeout: 120_000 }, async () => {
      const title = locale === 'ja' ? '作業の改善ボード' : 'Workshop ideas';
      const board = await suite.api.createBoard(title);
      expectOk(await suite.api.post('/api/participants', { displayName: locale === 'ja' ? '田中 みどり' : 'Midori Tanaka', reading: 'たなか みどり', avatar: '🌷' }));
      const staff = await suite.person({ viewport: LAPTOP, locale });
      const hana = await suite.person({ viewport: SIZES[0]!.viewport, locale });

      // The join page, as the QR code opens it.
      await hana.page.goto(`/join/${board.joinCode}`);
      await hana.page.getByLabel(t('join.guestLabel'), { exact: true }).waitFor();
      let violations = await checkA11y(hana.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await screenshot(hana.page, `join-${locale}-360x740`);

      await flows.guestJoins(hana.page, board.joinCode!, locale === 'ja' ? 'はな' : 'Hana');
      await flows.staffOpensBoard(staff.page, ADMIN, board.id);
      const ideas =
        locale === 'ja'
          ? ['箱に番号をかく', 'ごみの日をカレンダーに書いて、みんなが見える場所にはる', 'お昼の前に手をあらう歌をながす', '配達の地図を大きくする']
          : ['Number the boxes', 'Write the rubbish days on a calendar and put it where everyone can see', 'Play a hand-washing song before lunch', 'Make the delivery map bigger'];
      await flows.postIdea(hana.page, ideas[0]!, { category: label('packing', locale) });
      await flows.postIdea(hana.page, ideas[1]!, { category: label('cleaning', locale) });
      await flows.postIdea(staff.page, ideas[2]!, { category: label('cooking', locale) });
      // The composer, open, with its category pictograms.
      await hana.page.getByRole('button', { name: t('board.write'), exact: true }).click();
      await hana.page.getByRole('dialog').getByRole('radio', { name: label('delivery', locale), exact: true }).check();
      violations = await checkA11y(hana.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await screenshot(hana.page, `composer-${locale}-360x740`);
      await hana.page.getByRole('dialog').getByLabel(t('composer.label'), { exact: true }).fill(ideas[3]!);
      await hana.page.getByRole('dialog').getByRole('button', { name: t('composer.post'), exact: true }).click();
      await hana.page.getByRole('article', { name: ideas[3]!, exact: true }).waitFor();

      await staff.page.getByRole('article', { name: ideas[0]!, exact: true }).getByRole('button', { name: t('board.thank'), exact: true }).click();
      await flows.setPhase(staff.page, 'vote');
      await flows.dotsLeftIs(hana.page, 3);
      await hana.page.getByRole('article', { name: ideas[1]!, exact: true }).getByRole('button', { name: t('board.vote'), exact: true }).click();
      await flows.dotsLeftIs(hana.page, 2);

      // The ideas view, voting, at every size.
      for (const { name, viewport } of SIZES) {
        await hana.page.setViewportSize(viewport);
        await hana.page.evaluate(() => scrollTo({ top: 0 }));
        await hana.page.waitForTimeout(150);
        await screenshot(hana.page, `board-${locale}-${viewport.width}x${viewport.height}`);
        expect(await layoutProblems(hana.page), `${name} ideas`).toEqual([]);
      }
      violations = await checkA11y(hana.page);
      expect(violations, describeViolations(violations)).toEqual([]);

      // On a phone the bottom bar, however tall a message makes it, leaves the last card in view.
      await hana.page.setViewportSize(SIZES[0]!.viewport);
      // Rows are measured as they come into view, so the page may grow while it scrolls: go on
      // scrolling until the bottom stays the bottom.
      for (let tries = 0; tries < 20; tries++) {
        const atBottom = await hana.page.evaluate(() => {
          const root = document.documentElement;
          const done = scrollY + innerHeight >= root.scrollHeight - 1;
          scrollTo({ top: root.scrollHeight });
          return done;
        });
        await hana.page.waitForTimeout(200);
        if (atBottom) break;
      }
      const clear = await hana.page.evaluate(() => {
        const cards = [...document.querySelectorAll('article')];
        const last = cards.reduce((a, b) => (a.getBoundingClientRect().bottom > b.getBoundingClientRect().bottom ? a : b));
        const bar = document.querySelector('.action-bar')!.getBoundingClientRect();
        return { lastBottom: last.getBoundingClientRect().bottom, barTop: bar.top };
      });
      expect(clear.lastBottom).toBeLessThanOrEqual(clear.barTop);
      await screenshot(hana.page, `board-${locale}-360x740-bottom`);

      // A project, led and with a step ticked, in the projects view.
      await flows.staffMakesProject(staff.page, ideas[1]!);
      await flows.setPhase(staff.page, 'projects');
      const project = hana.page.getByRole('article', { name: ideas[1]! });
      await project.getByRole('button', { name: t('project.becomeLead'), exact: true }).click();
      violations = await checkA11y(hana.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await screenshot(hana.page, `lead-confirm-${locale}-360x740`);
      await hana.page.getByRole('dialog').getByRole('button', { name: t('project.becomeLead'), exact: true }).click();
      for (const step of locale === 'ja' ? ['カレンダーを買う', 'ごみの日を書く'] : ['Buy a calendar', 'Write the days']) {
        await project.getByLabel(t('project.stepLabel'), { exact: true }).fill(step);
        await project.getByRole('button', { name: t('project.addStep'), exact: true }).click();
        await project.getByRole('checkbox', { name: step }).waitFor();
      }
      await project.getByRole('checkbox').first().check();
      await project.getByText(t('project.progress', { total: 2, done: 1 }), { exact: true }).waitFor();
      for (const { name, viewport } of SIZES) {
        await hana.page.setViewportSize(viewport);
        await hana.page.evaluate(() => scrollTo({ top: 0 }));
        await hana.page.waitForTimeout(150);
        await screenshot(hana.page, `projects-${locale}-${viewport.width}x${viewport.height}`);
        expect(await layoutProblems(hana.page), `${name} projects`).toEqual([]);
      }
      violations = await checkA11y(hana.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      // Staff's board, with the meeting controls.
      violations = await checkA11y(staff.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await screenshot(staff.page, `staff-${locale}-1366x768`);

      for (const someone of [staff, hana]) expect(someone.pageErrors).toEqual([]);
    });
  });
});
