/**
 * [issue 12, item 2] Read aloud, in a real browser against a real server: the speaker button on an
 * idea, on the phase banner's instruction, on the join page's "is this you?" and on a project's
 * step, and what it says when the device has no voice.
 *
 * Headless Chromium has no speech engine: `speechSynthesis` gives no voices, ever. So the no-voice
 * path runs for real, and for the speaking path a recording `speechSynthesis` is installed before
 * the app loads (the one stand-in in this file, for the engine that cannot run here). It checks
 * what the app hands the engine: the text as kana (the server's reading, a staff correction
 * included), the language and the device's rate.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Me } from '../../shared/api';
import { addIdea, addStep, createProject, setMeta } from '../../shared/board';
import type { ReadingCorrection, ReadingsAnswer } from '../../shared/reading';
import { ApiClient, expectOk } from '../helpers/api-client';
import { boardFlows, browserAvailable, checkA11y, describeViolations, screenshot, useBrowserSuite, type AppLocale, type Person } from '../helpers/browser';
import { connectBoard, type BoardClient } from '../helpers/yjs-client';

interface FakeVoice {
  name: string;
  lang: string;
}

interface Spoken {
  text: string;
  lang: string;
  rate: number;
  voice: string | undefined;
}

/** What the recording engine kept, read from the page. */
interface EngineLog {
  spoken: Spoken[];
  cancels: number;
  speaking: boolean;
}

/**
 * A `speechSynthesis` that records each utterance and never finishes one by itself (so a test can
 * press again to stop it). Its voices arrive as a browser's do: an empty list first, then the
 * list with a `voiceschanged` event.
 */
function installRecordingEngine(voices: readonly FakeVoice[]): void {
  const log: EngineLog = { spoken: [], cancels: 0, speaking: false };
  (window as unknown as { speechLog: EngineLog }).speechLog = log;
  let loaded: SpeechSynthesisVoice[] = [];
  let current: (EventTarget & { onerror: ((event: { error: string }) => void) | null }) | undefined;
  const engine = new EventTarget() as EventTarget & Record<string, unknown>;
  engine.getVoices = () => {
    if (loaded.length === 0) {
      setTimeout(() => {
        loaded = voices.map((voice) => ({ ...voice, default: false, localService: true, voiceURI: voice.name }) as SpeechSynthesisVoice);
        engine.dispatchEvent(new Event('voiceschanged'));
      }, 0);
    }
    return loaded;
  };
  engine.speak = (utterance: { text: string; lang: string; rate: number; voice: SpeechSynthesisVoice | null } & typeof current) => {
    log.spoken.push({ text: utterance.text, lang: utterance.lang, rate: utterance.rate, voice: utterance.voice?.name });
    log.speaking = true;
    current = utterance;
  };
  engine.cancel = () => {
    const cancelled = current;
    current = undefined;
    log.speaking = false;
    if (!cancelled) return;
    log.cancels++;
    cancelled.onerror?.({ error: 'canceled' });
  };
  class RecordingUtterance extends EventTarget {
    lang = '';
    rate = 1;
    voice: SpeechSynthesisVoice | null = null;
    onend: (() => void) | null = null;
    onerror: ((event: { error: string }) => void) | null = null;
    constructor(readonly text: string) {
      super();
    }
  }
  Object.defineProperty(window, 'speechSynthesis', { value: engine, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: RecordingUtterance, configurable: true });
}

/** Matches the text said as kana: each run of kanji read as some kana, everything else as it is. */
function asKana(text: string): RegExp {
  const parts = text.split(/(\p{Script=Han}+)/u).map((part, index) => (index % 2 ? '[\\p{Script=Hiragana}\\p{Script=Katakana}ー]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('')}$`, 'u');
}

const engineLog = (page: Page) => page.evaluate(() => (window as unknown as { speechLog: EngineLog }).speechLog);

describe.skipIf(!browserAvailable())('read aloud', () => {
  const suite = useBrowserSuite();
  const clients: BoardClient[] = [];
  let aoiApi: ApiClient;

  beforeAll(async () => {
    // A name the analyser reads うえむら; this facility's staff say it is かみむら.
    expectOk(await suite.api.request<ReadingCorrection>('PUT', `/api/facility/readings/${encodeURIComponent('上村')}`, { reading: 'かみむら' }));
  });
  afterAll(() => clients.forEach((client) => client.close()));

  /** A board with one idea by あおい (a plain Yjs client), and hana on her phone, live on it. */
  async function scene(locale: AppLocale, ideaText: string, prepare: (hana: Person) => Promise<void> = async () => {}) {
    const flows = boardFlows(locale);
    const board = await suite.api.createBoard('よむボード', { allowGuests: true });
    aoiApi = new ApiClient(suite.server.url);
    const aoi: Me = await aoiApi.joinAsGuest(board.joinCode!, 'あおい');
    const aoiClient = connectBoard(suite.server.url, board.id, (await aoiApi.boardToken(board.id)).token);
    clients.push(aoiClient);
    await aoiClient.synced;
    addIdea(aoiClient.doc, { id: 'idea-read', text: ideaText, authorId: aoi.actorId });
    const hana = await suite.person({ locale: locale === 'en' ? 'en' : undefined });
    await prepare(hana);
    await flows.guestJoins(hana.page, board.joinCode!, 'はな');
    const card = hana.page.getByRole('article', { name: ideaText, exact: true });
    await card.waitFor();
    return { t: flows.t, hana, card };
  }

  it('says, beside the button and in a live region, that this device has no Japanese voice', { timeout: 60_000 }, async () => {
    const { t, hana, card } = await scene('ja', '上村さんと箱を運ぶ');
    const speak = card.getByRole('button', { name: t('speech.read'), exact: true });
    await speak.click();

    await card.getByTestId('speech-problem').getByText(t('speech.noJapaneseVoice'), { exact: true }).waitFor();
    await hana.page.locator('[data-testid="speech-status"][role="status"]').getByText(t('speech.noJapaneseVoice'), { exact: true }).waitFor();
    // The button is a button still, not left pressed as if it were reading.
    expect(await speak.getAttribute('aria-pressed')).toBe('false');
    const violations = await checkA11y(hana.page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(hana.page, 'read-aloud-no-voice');

    // In the composer, a modal dialog, the rest of the page is inert: the message is said inside it.
    await hana.page.getByRole('button', { name: t('board.write'), exact: true }).click();
    const composer = hana.page.getByRole('dialog');
    await composer.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await composer.getByTestId('speech-problem').getByText(t('speech.noJapaneseVoice'), { exact: true }).waitFor();
    await composer.locator('[data-testid="speech-status"][role="status"]').getByText(t('speech.noJapaneseVoice'), { exact: true }).waitFor();
    await screenshot(hana.page, 'read-aloud-composer');
    expect(hana.pageErrors).toEqual([]);
  });

  it('reads an idea as kana, names as staff corrected them, in Japanese at the chosen rate, and stops on a second press', { timeout: 60_000 }, async () => {
    const text = '上村さんと箱を運ぶ';
    const { t, hana, card } = await scene('ja', text, async ({ context }) => {
      await context.addInitScript(installRecordingEngine, [{ name: 'Fake Kyoko', lang: 'ja-JP' }]);
      await context.addInitScript(() => localStorage.setItem('teian.speechRate', '0.7'));
    });
    // What the reading API says for the text, to this participant, in kana.
    const answer = await hana.page.evaluate(async (texts) => {
      const response = await fetch('/api/readings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
      return (await response.json()) as ReadingsAnswer;
    }, [text]);
    const kana = answer.readings[0]!.map((segment) => segment.reading ?? segment.text).join('');
    expect(kana).toContain('かみむら');
    expect(kana).not.toMatch(/\p{Script=Han}/u);

    const speak = card.getByRole('button', { name: t('speech.read'), exact: true });
    await speak.click();
    await card.getByRole('button', { name: t('speech.read'), exact: true, pressed: true }).waitFor();
    await hana.page.waitForFunction(() => (window as unknown as { speechLog: EngineLog }).speechLog.spoken.length === 1);
    expect((await engineLog(hana.page)).spoken).toEqual([{ text: kana, lang: 'ja-JP', rate: 0.7, voice: 'Fake Kyoko' }]);

    await speak.click();
    await card.getByRole('button', { name: t('speech.read'), exact: true, pressed: false }).waitFor();
    const stopped = await engineLog(hana.page);
    expect(stopped).toMatchObject({ cancels: 1, speaking: false });
    expect(stopped.spoken).toHaveLength(1);
    expect(await card.getByTestId('speech-problem').count()).toBe(0);
    expect(hana.pageErrors).toEqual([]);
  });

  it('reads one text at a time: a second button stops the first', { timeout: 60_000 }, async () => {
    const { t, hana, card } = await scene('ja', 'まどを あける', async ({ context }) => {
      await context.addInitScript(installRecordingEngine, [{ name: 'Fake Kyoko', lang: 'ja-JP' }]);
    });
    const banner = hana.page.getByTestId('phase-banner');
    await card.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await card.getByRole('button', { name: t('speech.read'), exact: true, pressed: true }).waitFor();

    await banner.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await banner.getByRole('button', { name: t('speech.read'), exact: true, pressed: true }).waitFor();
    await card.getByRole('button', { name: t('speech.read'), exact: true, pressed: false }).waitFor();
    await hana.page.waitForFunction(() => (window as unknown as { speechLog: EngineLog }).speechLog.spoken.length === 2);
    const log = await engineLog(hana.page);
    expect(log.spoken.map((spoken) => spoken.text)).toEqual(['まどを あける', expect.stringMatching(asKana(t('phase.banner.collect')))]);
    expect(log.spoken.map((spoken) => spoken.rate)).toEqual([1, 1]);
    expect(log.cancels).toBe(1);
  });

  it("says a name card's name by its own kana on the join page, and reads a project's step", { timeout: 60_000 }, async () => {
    const t = boardFlows('ja').t;
    const board = await suite.api.createBoard('なまえのボード', { allowGuests: true });
    expectOk(await suite.api.post('/api/participants', { displayName: '上村 健', reading: 'かみむら けん', avatar: '🌻' }));
    const staff = connectBoard(suite.server.url, board.id, (await suite.api.boardToken(board.id)).token);
    clients.push(staff);
    await staff.synced;
    const ken = await suite.person();
    await ken.context.addInitScript(installRecordingEngine, [{ name: 'Fake Kyoko', lang: 'ja-JP' }]);

    await ken.page.goto(`/join/${board.joinCode!}`);
    await ken.page.getByRole('button', { name: '上村 健 かみむら けん' }).click();
    const confirm = ken.page.getByRole('heading', { name: t('join.confirm', { name: '上村 健' }), exact: true }).locator('..');
    await confirm.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await ken.page.waitForFunction(() => (window as unknown as { speechLog: EngineLog }).speechLog.spoken.length === 1);
    expect((await engineLog(ken.page)).spoken[0]).toMatchObject({ text: t('join.confirm', { name: 'かみむら けん' }), lang: 'ja-JP' });
    await ken.page.getByRole('button', { name: t('join.enter'), exact: true }).click();
    await ken.page.waitForURL('**/b/*');

    addIdea(staff.doc, { id: 'idea-boxes', text: '箱を そろえる', authorId: 'staff' });
    createProject(staff.doc, { id: 'project-boxes', ideaId: 'idea-boxes', title: '箱の たな' });
    addStep(staff.doc, 'project-boxes', { id: 'step-ask', text: '上村さんに 聞く' });
    setMeta(staff.doc, { phase: 'projects' });
    await boardFlows('ja').showView(ken.page, 'projects');
    const step = ken.page.getByRole('article', { name: '箱の たな' }).getByRole('listitem').filter({ hasText: '上村さんに 聞く' });
    await step.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await ken.page.waitForFunction(() => (window as unknown as { speechLog: EngineLog }).speechLog.spoken.length === 2);
    await screenshot(ken.page, 'read-aloud-project-step');
    const said = (await engineLog(ken.page)).spoken[1]!;
    expect(said.text).toMatch(/^かみむらさんに [\p{Script=Hiragana}]+$/u);
    expect(ken.pageErrors).toEqual([]);
  });

  it('reads an English instruction in English', { timeout: 60_000 }, async () => {
    const { t, hana } = await scene('en', 'Open the window', async ({ context }) => {
      await context.addInitScript(installRecordingEngine, [
        { name: 'Fake Kyoko', lang: 'ja-JP' },
        { name: 'Fake Samantha', lang: 'en-US' },
      ]);
    });
    const banner = hana.page.getByTestId('phase-banner');
    await banner.getByRole('button', { name: t('speech.read'), exact: true }).click();
    await hana.page.waitForFunction(() => (window as unknown as { speechLog: EngineLog }).speechLog.spoken.length === 1);
    expect((await engineLog(hana.page)).spoken).toEqual([{ text: t('phase.banner.collect'), lang: 'en-US', rate: 1, voice: 'Fake Samantha' }]);
    expect(hana.pageErrors).toEqual([]);
  });
});
