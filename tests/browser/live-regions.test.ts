/**
 * [issue 12, item 5] The board's live region: what a screen reader hears without looking.
 *
 * Someone else's idea is announced (a burst of them as one summary), one's own never, nor the
 * ideas already there on opening the board; the timer speaks at its milestones (start, 5 minutes,
 * 1 minute, time up) and never second by second; a vote is answered with the votes left, in the
 * action bar's message, which is a polite live region too.
 *
 * What the region said is recorded in the page by a MutationObserver, so the test reads every
 * announcement in order, not only the last.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Me } from '../../shared/api';
import { addIdea, readMeta, setMeta } from '../../shared/board';
import { restoreTimer, startTimer } from '../../shared/timer';
import { ApiClient } from '../helpers/api-client';
import { boardFlows, browserAvailable, useBrowserSuite, type AppLocale } from '../helpers/browser';
import { connectBoard, type BoardClient } from '../helpers/yjs-client';

/** The region, found as assistive technology finds it: a polite status. */
const REGION = '[data-testid="live-announcer"][role="status"][aria-live="polite"]';

/** Starts keeping every text the page's live region takes, in order. */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.locator(REGION).waitFor({ state: 'attached' });
  await page.evaluate((selector) => {
    const region = document.querySelector(selector)!;
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver(() => {
      const text = region.textContent?.trim() ?? '';
      if (text) said.push(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
  }, REGION);
}

function announcements(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { said: string[] }).said);
}

describe.skipIf(!browserAvailable())('the board live region', () => {
  const suite = useBrowserSuite();

  /** A board, hana on her phone (through the UI), and あおい on a plain Yjs client who posts in bursts. */
  async function scene(locale: AppLocale, title: string) {
    const flows = boardFlows(locale);
    const board = await suite.api.createBoard(title, { voteBudget: 3, allowGuests: true });
    const aoiApi = new ApiClient(suite.server.url);
    const aoi: Me = await aoiApi.joinAsGuest(board.joinCode!, 'あおい');
    const aoiClient = connectBoard(suite.server.url, board.id, (await aoiApi.boardToken(board.id)).token);
    const staffClient = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    await Promise.all([aoiClient.synced, staffClient.synced]);
    return { flows, t: flows.t, board, aoi, aoiClient, staffClient };
  }

  const closeAll = (...clients: BoardClient[]) => clients.forEach((client) => client.close());

  it('announces ideas from others, one summary for a burst, never my own nor what was there', { timeout: 90_000 }, async () => {
    const { flows, t, board, aoi, aoiClient, staffClient } = await scene('ja', '声のボード');
    try {
      addIdea(aoiClient.doc, { id: 'idea-before', text: 'まえから ある アイデア', authorId: aoi.actorId });
      const hana = await suite.person();
      await flows.guestJoins(hana.page, board.joinCode!, 'はな');
      await hana.page.getByRole('article', { name: 'まえから ある アイデア', exact: true }).waitFor();
      await recordAnnouncements(hana.page);
      expect(await hana.page.locator(REGION).textContent()).toBe('');

      // Hana's own idea is no news to her; あおい's next one is, by its words.
      await flows.postIdea(hana.page, 'はなの アイデア');
      addIdea(aoiClient.doc, { id: 'idea-one', text: 'まどを あける', authorId: aoi.actorId });
      const one = t('announce.newIdea', { text: 'まどを あける' });
      await hana.page.locator(REGION).getByText(one, { exact: true }).waitFor();
      expect(await announcements(hana.page)).toEqual([one]);

      // Three in quick succession: one summary, not three messages.
      for (const [index, text] of ['いすを ふやす', 'ほんだなを おく', 'はなを かざる'].entries()) {
        addIdea(aoiClient.doc, { id: `idea-burst-${index}`, text, authorId: aoi.actorId });
      }
      const summary = t('announce.newIdeas', { count: 3 });
      await hana.page.locator(REGION).getByText(summary, { exact: true }).waitFor();
      await hana.page.getByRole('article', { name: 'はなを かざる', exact: true }).waitFor();
      expect(await announcements(hana.page)).toEqual([one, summary]);
      expect(hana.pageErrors).toEqual([]);
    } finally {
      closeAll(aoiClient, staffClient);
    }
  });

  it('says the votes left after each vote and each vote taken back', { timeout: 60_000 }, async () => {
    const { flows, t, board, aoi, aoiClient, staffClient } = await scene('en', 'Voting out loud');
    try {
      addIdea(aoiClient.doc, { id: 'idea-vote', text: 'Open the window', authorId: aoi.actorId });
      setMeta(staffClient.doc, { phase: 'vote' });
      const hana = await suite.person({ locale: 'en' });
      await flows.guestJoins(hana.page, board.joinCode!, 'Hana');
      const card = hana.page.getByRole('article', { name: 'Open the window', exact: true });
      const message = hana.page.getByRole('region', { name: t('board.actionBar'), exact: true }).getByRole('status');
      await card.getByRole('button', { name: t('board.vote'), exact: true }).click();
      await message.getByText(t('board.voted', { count: 2 }), { exact: true }).waitFor();
      await card.getByRole('button', { name: t('board.vote'), exact: true }).click();
      await message.getByText(t('board.voted', { count: 1 }), { exact: true }).waitFor();
      await card.getByRole('button', { name: t('board.takeBack'), exact: true }).click();
      await message.getByText(t('board.tookBack', { count: 2 }), { exact: true }).waitFor();
      expect(hana.pageErrors).toEqual([]);
    } finally {
      closeAll(aoiClient, staffClient);
    }
  });

  it('speaks the timer at its start, at 5 minutes, at 1 minute and at the end, never every second', { timeout: 90_000 }, async () => {
    const { flows, t, board, aoiClient, staffClient } = await scene('ja', '時計のボード');
    try {
      const hana = await suite.person();
      await flows.guestJoins(hana.page, board.joinCode!, 'はな');
      await recordAnnouncements(hana.page);
      const timer = hana.page.locator('header [data-testid="timer"]');
      const region = hana.page.locator(REGION);

      startTimer(staffClient.doc, { durationMs: 5 * 60_000 + 2_000, label: '', now: Date.now() });
      await region.getByText(t('timer.announceMinutesLeft', { count: 5 }), { exact: true }).waitFor();
      // Staff bring the end to just over a minute away: the next milestone comes as the count passes it.
      restoreTimer(staffClient.doc, { ...readMeta(staffClient.doc).timer, endsAt: Date.now() + 62_000 });
      await region.getByText(t('timer.announceMinutesLeft', { count: 1 }), { exact: true }).waitFor();
      // Several seconds tick by on the screen; the region says nothing more.
      await timer.and(hana.page.locator('[data-seconds="55"]')).waitFor();
      restoreTimer(staffClient.doc, { ...readMeta(staffClient.doc).timer, endsAt: Date.now() + 2_000 });
      await timer.and(hana.page.locator('[data-state="ended"]')).waitFor();
      await region.getByText(t('timer.announceEnded'), { exact: true }).waitFor();

      const said = await announcements(hana.page);
      expect(said).toHaveLength(4);
      expect(['5:02', '5:01'].map((time) => t('timer.announceStarted', { time }))).toContain(said[0]);
      expect(said.slice(1)).toEqual([
        t('timer.announceMinutesLeft', { count: 5 }),
        t('timer.announceMinutesLeft', { count: 1 }),
        t('timer.announceEnded'),
      ]);
      expect(hana.pageErrors).toEqual([]);
    } finally {
      closeAll(aoiClient, staffClient);
    }
  });
});
