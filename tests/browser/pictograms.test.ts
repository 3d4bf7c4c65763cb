/**
 * [issue 12, item 3] Every action button has a pictogram beside its word, for a person who reads
 * the picture before the word: on the join page, the board, the projects view, the
 * facilitator's screen and the staff dashboard, each visible button (and disclosure summary) holds an SVG icon or a
 * picture, and one that shows no word still has an accessible name.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, LAPTOP, PHONE, useBrowserSuite, waitUntilLive } from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const flows = boardFlows('ja');
const { t } = flows;

/**
 * The visible buttons of the page that have no pictogram, or no accessible name, each described by
 * its text. Two pictograms are drawn without a picture file: the vote button's big dot (the same dot
 * as on the card's tally) and the furigana switch's kanji with its reading over it.
 */
function buttonsWithoutPictogram(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const control of document.querySelectorAll<HTMLElement>('button, a.button, [role="button"], summary')) {
      if (!control.checkVisibility({ visibilityProperty: true })) continue;
      const text = control.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      const named = text !== '' || control.hasAttribute('aria-label') || control.hasAttribute('aria-labelledby');
      if (!control.querySelector('svg, img, .big-dot, .furigana-toggle > .glyph')) problems.push(`no pictogram: ${text || control.outerHTML.slice(0, 80)}`);
      if (!named) problems.push(`no name: ${control.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

describe.skipIf(!browserAvailable())('[issue 12] a pictogram beside every button', () => {
  const suite = useBrowserSuite();

  it('on the join page, the board, the projects view, the facilitator’s screen and the staff dashboard', { timeout: 90_000 }, async () => {
    const board = await suite.api.createBoard('えのボード', { voteBudget: 3 });
    expectOk(await suite.api.post('/api/participants', { displayName: 'あおい', reading: 'あおい', avatar: '🐶' }));
    const [staff, hana] = await Promise.all([suite.person({ viewport: LAPTOP }), suite.person({ viewport: PHONE })]);

    // The start page and the join page: the code, the name cards and the guest's name.
    await hana.page.goto('/');
    await hana.page.getByRole('button', { name: t('home.submit'), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'start page').toEqual([]);
    await hana.page.goto(`/join/${board.joinCode!}`);
    await hana.page.getByRole('button', { name: 'あおい あおい' }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'join page').toEqual([]);
    await hana.page.getByRole('button', { name: 'あおい あおい' }).click();
    await hana.page.getByRole('button', { name: t('join.enter'), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'join confirm').toEqual([]);
    await hana.page.getByRole('button', { name: t('join.notMe'), exact: true }).click();
    await flows.guestJoins(hana.page, board.joinCode!, 'はな');

    await flows.staffOpensBoard(staff.page, ADMIN, board.id);
    await flows.postIdea(staff.page, '箱に番号をかく');
    await flows.postIdea(hana.page, '手あらいの絵をはる');

    // The board while ideas are collected, with the composer open.
    expect(await buttonsWithoutPictogram(hana.page), 'board').toEqual([]);
    await hana.page.getByRole('button', { name: t('board.write'), exact: true }).click();
    await hana.page.getByRole('dialog').waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'composer').toEqual([]);
    await hana.page.getByRole('dialog').getByRole('button', { name: t('composer.cancel'), exact: true }).click();

    // The facilitator's screen, its extra tools unfolded and an idea's staff menu open.
    await staff.page.getByRole('region', { name: t('facilitator.title'), exact: true }).waitFor();
    await staff.page.locator('details.more > summary').click();
    const card = staff.page.getByRole('article', { name: '手あらいの絵をはる', exact: true });
    await card.getByTestId('staff-menu').getByRole('button', { name: t('tidy.menu'), exact: true }).click();
    await card.getByRole('button', { name: t('board.makeProject'), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(staff.page), 'facilitator').toEqual([]);
    await card.getByTestId('staff-menu').getByRole('button', { name: t('tidy.menu'), exact: true }).click();

    // Voting: the vote and take-back buttons, and the pass.
    await flows.setPhase(staff.page, 'vote');
    const hanasView = hana.page.getByRole('article', { name: '箱に番号をかく', exact: true });
    await hanasView.getByRole('button', { name: t('board.vote'), exact: true }).click();
    await hanasView.getByRole('button', { name: t('board.takeBack'), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'board, voting').toEqual([]);
    expect(await buttonsWithoutPictogram(staff.page), 'facilitator, voting').toEqual([]);

    // The projects view, with a project to lead and join.
    await flows.staffMakesProject(staff.page, '手あらいの絵をはる');
    await flows.setPhase(staff.page, 'projects');
    const project = hana.page.getByRole('article', { name: '手あらいの絵をはる' });
    await project.getByRole('button', { name: t('project.becomeLead'), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'projects view').toEqual([]);
    await project.getByRole('button', { name: t('project.join'), exact: true }).click();
    await project.getByLabel(t('project.stepLabel'), { exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(hana.page), 'projects view, a member').toEqual([]);
    await waitUntilLive(staff.page);
    expect(await buttonsWithoutPictogram(staff.page), 'facilitator, projects').toEqual([]);

    // The staff dashboard: the boards, the roster with its name cards, the lockouts and the categories.
    await staff.page.goto('/staff');
    await staff.page.getByRole('button', { name: t('roster.edit.openNamed', { name: 'あおい' }), exact: true }).waitFor();
    expect(await buttonsWithoutPictogram(staff.page), 'staff dashboard').toEqual([]);
    for (const someone of [hana, staff]) expect(someone.pageErrors).toEqual([]);
  });
});
