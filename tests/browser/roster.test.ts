/**
 * [issue 9, item 2] Roster and settings in a real browser, through the staff page only: staff edit
 * a name card (name, reading, a picture from the picker), set and remove its PIN, deactivate it (it
 * leaves the join page) and take that back; add a work-area category that the participant's
 * composer then offers; change a board's vote budget and the participant's board follows; print
 * the name cards on A4. axe finds nothing on the roster, the categories and the name-card sheet,
 * in Japanese and English.
 *
 * With `TEIAN_SCREENSHOT_DIR` set, the roster editor (tablet and PC) and the printed sheet (as a
 * PDF) are saved there to look at.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Board, FacilityCategories, Participant } from '../../shared/api';
import { DEFAULT_CATEGORIES } from '../../shared/categories';
import { expectOk } from '../helpers/api-client';
import {
  boardFlows,
  browserAvailable,
  checkA11y,
  describeViolations,
  LAPTOP,
  PHONE,
  useBrowserSuite,
  type AppLocale,
  type Viewport,
} from '../helpers/browser';
import { ADMIN } from '../helpers/server';

const TABLET: Viewport = { width: 820, height: 1180 };
const shots = process.env.TEIAN_SCREENSHOT_DIR;

/** The whole page, and, given `at`, the viewport scrolled to it (what a person sees there). */
async function shoot(page: Page, name: string, at?: Locator): Promise<void> {
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `${name}-full.png`), fullPage: true });
  if (!at) return;
  await at.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

async function expectAxeClean(page: Page): Promise<void> {
  const violations = await checkA11y(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** Every control inside `scope` is at least 44 × 44 px (a radio's or checkbox's label is its target). */
function smallTargets(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) => {
    const problems: string[] = [];
    for (const control of root.querySelectorAll<HTMLElement>('button, a, input, select, summary')) {
      const target = control.matches('input[type="radio"], input[type="checkbox"]') ? (control.closest('label') ?? control) : control;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.width < 44 || box.height < 44) problems.push(`${target.textContent?.trim() || control.outerHTML.slice(0, 60)}: ${box.width}×${box.height}`);
    }
    return problems;
  });
}

describe.skipIf(!browserAvailable())('[issue 9] roster and settings', () => {
  const suite = useBrowserSuite();

  function staffFlows(locale: AppLocale) {
    const flows = boardFlows(locale);
    const { t } = flows;
    return {
      ...flows,
      async signIn(page: Page): Promise<void> {
        await page.goto('/staff/login');
        await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(ADMIN.login);
        await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(ADMIN.password);
        await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
        await page.waitForURL('**/staff');
        await page.getByRole('heading', { name: t('staff.roster.title'), level: 2 }).waitFor();
      },
      roster: (page: Page) => page.getByRole('region', { name: t('staff.roster.title'), exact: true }),
      categories: (page: Page) => page.getByRole('region', { name: t('categories.title'), exact: true }),
      async openEditor(page: Page, name: string): Promise<Locator> {
        await page.getByRole('button', { name: t('roster.edit.openNamed', { name }), exact: true }).click();
        const editor = page.getByRole('group', { name: t('roster.edit.title', { name }), exact: true });
        await editor.waitFor();
        return editor;
      },
      async said(scope: Locator, key: Parameters<typeof t>[0], params: Record<string, string> = {}): Promise<void> {
        await scope.getByRole('status').getByText(t(key, params)).waitFor();
      },
    };
  }

  async function card(displayName: string, extra: Record<string, unknown> = {}): Promise<Participant> {
    return expectOk(await suite.api.post<Participant>('/api/participants', { displayName, ...extra }));
  }

  async function cardNow(id: string): Promise<Participant> {
    return expectOk(await suite.api.get<Participant[]>('/api/participants')).find((p) => p.id === id)!;
  }

  it('edits a name card, sets and removes its PIN, deactivates it and takes that back', { timeout: 90_000 }, async () => {
    const flows = staffFlows('ja');
    const { t } = flows;
    const board = await suite.api.createBoard('名前カードをなおすボード');
    const aoi = await card('あおい', { reading: 'あおい', avatar: '🐶' });
    const staff = await suite.person({ viewport: TABLET });
    await flows.signIn(staff.page);

    let editor = await flows.openEditor(staff.page, 'あおい');
    // The editor takes the focus, so a keyboard or screen-reader user is there at once.
    expect(await editor.getByRole('heading', { level: 3 }).evaluate((heading) => heading === document.activeElement)).toBe(true);
    await editor.getByLabel(t('staff.roster.displayName'), { exact: true }).fill('青井');
    await editor.getByLabel(t('staff.roster.reading'), { exact: true }).fill('あおい みどり');
    const pictures = editor.getByRole('group', { name: t('roster.avatar'), exact: true });
    expect(await pictures.getByRole('radio', { name: t('pictogram.dog'), exact: true }).isChecked()).toBe(true);
    // The keyboard moves through the pictures: from the dog, one to the right is the cat.
    await pictures.getByRole('radio', { name: t('pictogram.dog'), exact: true }).focus();
    await staff.page.keyboard.press('ArrowRight');
    expect(await pictures.getByRole('radio', { name: t('pictogram.cat'), exact: true }).isChecked()).toBe(true);
    await pictures.getByRole('radio', { name: t('pictogram.sunflower'), exact: true }).check();
    expect(await smallTargets(editor)).toEqual([]);
    await editor.getByRole('button', { name: t('roster.edit.save'), exact: true }).click();
    editor = staff.page.getByRole('group', { name: t('roster.edit.title', { name: '青井' }), exact: true });
    await flows.said(editor, 'roster.edit.saved', { name: '青井' });
    expect(await cardNow(aoi.id)).toMatchObject({ displayName: '青井', reading: 'あおい みどり', avatar: '🌻', hasPin: false });

    // A PIN: set, then removed.
    await editor.getByLabel(t('roster.pin.label'), { exact: true }).fill('１２３４');
    await editor.getByRole('button', { name: t('roster.pin.setButton'), exact: true }).click();
    await flows.said(editor, 'roster.pin.set', { name: '青井' });
    await editor.getByText(t('roster.pin.has'), { exact: true }).waitFor();
    expect((await cardNow(aoi.id)).hasPin).toBe(true);
    await editor.getByRole('button', { name: t('roster.pin.remove'), exact: true }).click();
    await flows.said(editor, 'roster.pin.removed', { name: '青井' });
    expect((await cardNow(aoi.id)).hasPin).toBe(false);

    await expectAxeClean(staff.page);
    await shoot(staff.page, 'roster-editor-tablet-820', editor);
    await staff.page.setViewportSize(LAPTOP);
    await shoot(staff.page, 'roster-editor-pc-1366', editor);
    await staff.page.setViewportSize(TABLET);

    // The join page shows the card; deactivated, it does not; the undo brings it back.
    const participant = await suite.person({ viewport: PHONE });
    const nameCard = participant.page.getByRole('button', { name: '青井 あおい みどり', exact: true });
    await participant.page.goto(`/join/${board.joinCode}`);
    await nameCard.waitFor();

    await editor.getByText(t('roster.active.explain'), { exact: true }).waitFor();
    await editor.getByRole('button', { name: t('roster.active.deactivate'), exact: true }).click();
    await flows.said(editor, 'roster.active.deactivated', { name: '青井' });
    await editor.getByText(t('roster.active.isInactive', { name: '青井' }), { exact: true }).waitFor();
    expect((await cardNow(aoi.id)).active).toBe(false);
    await participant.page.reload();
    await participant.page.getByRole('heading', { name: t('join.pickName'), exact: true }).waitFor();
    expect(await nameCard.count()).toBe(0);

    await editor.getByRole('button', { name: t('roster.active.undo'), exact: true }).click();
    await flows.said(editor, 'roster.active.reactivated', { name: '青井' });
    await participant.page.reload();
    await nameCard.waitFor();

    // Deactivated again, and brought back later with the card's own button, after closing the editor.
    await editor.getByRole('button', { name: t('roster.active.deactivate'), exact: true }).click();
    await flows.said(editor, 'roster.active.deactivated', { name: '青井' });
    await editor.getByRole('button', { name: t('roster.edit.close'), exact: true }).click();
    const row = flows.roster(staff.page).getByRole('listitem').filter({ hasText: '青井' });
    await row.getByText(t('roster.inactiveBadge'), { exact: true }).waitFor();
    // Closing gives the focus back to the card's edit button.
    const edit = staff.page.getByRole('button', { name: t('roster.edit.openNamed', { name: '青井' }), exact: true });
    expect(await edit.evaluate((button) => button === document.activeElement)).toBe(true);
    editor = await flows.openEditor(staff.page, '青井');
    await editor.getByRole('button', { name: t('roster.active.reactivate'), exact: true }).click();
    await flows.said(editor, 'roster.active.reactivated', { name: '青井' });
    expect((await cardNow(aoi.id)).active).toBe(true);

    expect(staff.pageErrors).toEqual([]);
    expect(participant.pageErrors).toEqual([]);
  });

  it('adds a category that the composer then offers, and puts the list back with the undo', { timeout: 90_000 }, async () => {
    const flows = staffFlows('ja');
    const { t } = flows;
    const board = await suite.api.createBoard('しゅるいのボード');
    const staff = await suite.person({ viewport: LAPTOP });
    await flows.signIn(staff.page);
    const section = flows.categories(staff.page);
    const first = DEFAULT_CATEGORIES[0]!.label.ja;
    await section.getByText(first, { exact: true }).waitFor();

    await section.getByRole('button', { name: t('categories.add'), exact: true }).click();
    await section.getByRole('heading', { name: t('categories.editTitle', { name: t('categories.unnamed') }), exact: true }).waitFor();
    await section.getByLabel(t('categories.nameJa'), { exact: true }).fill('パンづくり');
    // The editor is named after the category, so it follows the new name.
    const editor = section.getByRole('group', { name: t('categories.editTitle', { name: 'パンづくり' }), exact: true });
    await editor.getByLabel(t('categories.nameEn'), { exact: true }).fill('Baking');
    await editor.getByRole('radio', { name: t('pictogram.bread'), exact: true }).check();
    await editor.getByRole('radio', { name: t('colour.yellow'), exact: true }).check();
    // To the top: up, as many times as there are categories above it.
    for (let i = 0; i < DEFAULT_CATEGORIES.length; i++) {
      await section.getByRole('button', { name: t('categories.upNamed', { name: 'パンづくり' }), exact: true }).click();
    }
    await section.getByText(t('categories.unsaved'), { exact: true }).waitFor();
    await expectAxeClean(staff.page);
    await shoot(staff.page, 'categories-pc-1366', editor);
    await section.getByRole('button', { name: t('categories.save'), exact: true }).click();
    await section.getByRole('status').getByText(t('categories.saved')).waitFor();

    const saved = expectOk(await suite.api.get<FacilityCategories>('/api/facility/categories'));
    expect(saved.categories[0]).toMatchObject({ label: { ja: 'パンづくり', en: 'Baking' }, pictogram: '🍞', colour: '#F0E442' });
    expect(saved.categories.slice(1).map((c) => c.id)).toEqual(DEFAULT_CATEGORIES.map((c) => c.id));

    // A participant's composer offers it, first; the idea shows it.
    const guest = await suite.person({ viewport: PHONE });
    await flows.guestJoins(guest.page, board.joinCode!, 'はな');
    await guest.page.getByRole('button', { name: t('board.write'), exact: true }).click();
    const radios = guest.page.getByRole('dialog').getByRole('radio');
    expect(await radios.first().getAttribute('value')).toBe(saved.categories[0]!.id);
    await guest.page.getByRole('dialog').getByRole('button', { name: t('composer.cancel'), exact: true }).click();
    await flows.postIdea(guest.page, 'パンのふくろに日づけ', { category: 'パンづくり' });
    await guest.page.getByRole('article', { name: 'パンのふくろに日づけ' }).getByText('パンづくり', { exact: true }).waitFor();

    // The undo puts the list back as it was.
    await section.getByRole('button', { name: t('categories.undo'), exact: true }).click();
    await section.getByRole('status').getByText(t('categories.undone')).waitFor();
    const undone = expectOk(await suite.api.get<FacilityCategories>('/api/facility/categories'));
    expect(undone.categories.map((c) => c.id)).toEqual(DEFAULT_CATEGORIES.map((c) => c.id));

    expect(staff.pageErrors).toEqual([]);
    expect(guest.pageErrors).toEqual([]);
  });

  it("changes a board's vote budget from the board list, and the participant's board follows", { timeout: 90_000 }, async () => {
    const flows = staffFlows('ja');
    const { t } = flows;
    const title = '票の数をかえるボード';
    const board = await suite.api.createBoard(title, { voteBudget: 3 });
    const facilitator = await suite.person({ viewport: LAPTOP });
    const guest = await suite.person({ viewport: PHONE });
    const staff = await suite.person({ viewport: TABLET });
    await flows.staffOpensBoard(facilitator.page, ADMIN, board.id);
    await flows.guestJoins(guest.page, board.joinCode!, 'けん');
    await flows.setPhase(facilitator.page, 'vote');
    await flows.dotsLeftIs(guest.page, 3);

    await flows.signIn(staff.page);
    const item = staff.page.getByRole('listitem').filter({ has: staff.page.getByRole('heading', { name: title, exact: true }) });
    await item.getByText(t('boardSettings.title'), { exact: true }).click();
    const form = item.getByRole('form', { name: t('boardSettings.formNamed', { title }), exact: true });
    const more = form.getByRole('button', { name: t('boardSettings.more'), exact: true });
    await more.click();
    await more.click();
    expect(await form.getByLabel(t('boardSettings.voteBudget'), { exact: true }).inputValue()).toBe('5');
    await form.getByLabel(t('staff.create.allowAnonymous'), { exact: true }).uncheck();
    expect(await smallTargets(form)).toEqual([]);
    await form.getByRole('button', { name: t('boardSettings.save'), exact: true }).click();
    await form.getByRole('status').getByText(t('boardSettings.saved'), { exact: true }).waitFor();
    await item.getByText(t('staff.voteBudgetShort', { count: 5 }), { exact: true }).waitFor();
    await shoot(staff.page, 'board-settings-tablet-820', item);

    await flows.dotsLeftIs(guest.page, 5);
    expect(expectOk(await suite.api.get<Board>(`/api/boards/${board.id}`))).toMatchObject({ voteBudget: 5, allowAnonymous: false, allowGuests: true });
    for (const someone of [facilitator, guest, staff]) expect(someone.pageErrors).toEqual([]);
  });

  it('prints the name cards on A4, ten to a sheet, with the chosen board\'s join QR', { timeout: 90_000 }, async () => {
    const flows = staffFlows('ja');
    const { t } = flows;
    const board = await suite.api.createBoard('印刷のボード');
    const before = expectOk(await suite.api.get<Participant[]>('/api/participants')).filter((p) => p.active).length;
    const names = ['さくら', 'たろう', 'はなこ', 'けんじ', 'みさき', 'ゆうと', 'あやか', 'しょう', 'まい', 'りく', 'なな', 'そら'];
    for (const [index, name] of names.entries()) await card(name, { reading: name, avatar: ['🐱', '🌷', '🚃', '🍙'][index % 4] });
    const resting = await card('おやすみ');
    expectOk(await suite.api.patch(`/api/participants/${resting.id}`, { active: false }));

    const staff = await suite.person({ viewport: LAPTOP });
    await flows.signIn(staff.page);
    await flows.roster(staff.page).getByRole('link', { name: t('roster.printCards'), exact: true }).click();
    await staff.page.waitForURL('**/staff/name-cards');
    await staff.page.getByLabel(t('nameCards.board'), { exact: true }).selectOption(board.id);
    await staff.page.waitForURL(`**/staff/name-cards?board=${board.id}`);
    const sheet = staff.page.getByRole('region', { name: t('nameCards.sheet'), exact: true });
    const qrs = sheet.getByRole('img', { name: t('nameCards.qr', { title: board.title }), exact: true });
    await qrs.nth(names.length - 1).waitFor();
    expect(await qrs.count()).toBe(before + names.length);
    expect(await qrs.first().getAttribute('data-value')).toBe(`${new URL(suite.server.url).origin}/join/${board.joinCode}`);
    expect(await sheet.getByText('おやすみ').count()).toBe(0);

    const pdf = await staff.page.pdf({ format: 'A4', printBackground: true });
    if (shots) await writeFile(path.join(shots, 'name-cards.pdf'), pdf);
    // Ten cards to a sheet, and a card never split across two.
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length;
    expect(pages).toBe(Math.ceil((before + names.length) / 10));
    await shoot(staff.page, 'name-cards-screen-1366', sheet);
    expect(staff.pageErrors).toEqual([]);
  });

  describe.each(['ja', 'en'] as const)('in %s', (locale) => {
    it('has no axe violations on the roster, the categories and the name cards', { timeout: 90_000 }, async () => {
      const flows = staffFlows(locale);
      const { t } = flows;
      const board = await suite.api.createBoard(`axe ${locale}`);
      const someone = await card(locale === 'ja' ? 'ちえ' : 'Chie', { avatar: '🐧', pin: '4321' });
      const staff = await suite.person({ viewport: TABLET, locale });
      await flows.signIn(staff.page);
      const editor = await flows.openEditor(staff.page, someone.displayName);
      await editor.getByText(t('roster.pin.has'), { exact: true }).waitFor();
      const section = flows.categories(staff.page);
      await section.getByRole('button', { name: t('categories.editNamed', { name: DEFAULT_CATEGORIES[1]!.label[locale] }), exact: true }).click();
      await section.getByRole('radio', { name: t('colour.orange'), exact: true }).waitFor();
      await item(staff.page, board.title).getByText(t('boardSettings.title'), { exact: true }).click();
      await item(staff.page, board.title).getByRole('form').waitFor();
      await expectAxeClean(staff.page);

      await staff.page.goto(`/staff/name-cards?board=${board.id}`);
      await staff.page.getByRole('region', { name: t('nameCards.sheet'), exact: true }).getByRole('img').first().waitFor();
      await expectAxeClean(staff.page);
      expect(staff.pageErrors).toEqual([]);
    });
  });

  function item(page: Page, title: string): Locator {
    return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
  }
});
