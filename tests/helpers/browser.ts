/**
 * Real Chromium for browser tests, driven by playwright-core (Debian's /usr/bin/chromium, or
 * `CHROMIUM_PATH`; never a downloaded browser).
 *
 * With `TEIAN_REQUIRE_BROWSER=1` (CI) a missing browser fails the run instead of skipping it.
 *
 * @example
 * describe.skipIf(!browserAvailable())('the board', () => {
 *   beforeAll(async () => { browser = await launchBrowser(); });
 *   it('…', async () => {
 *     const { page } = await newPerson(browser, server.url, { locale: 'en' });
 *     await page.goto('/');
 *   });
 * });
 */
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ApiClient } from './api-client';
import { startTestServer, type TestServer } from './server';
import type { Result } from 'axe-core';
import ja from '../../client/src/i18n/ja.json';
import en from '../../client/src/i18n/en.json';
import jaStaff from '../../client/src/i18n/ja.staff.json';
import enStaff from '../../client/src/i18n/en.staff.json';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Chromium 156 preloads its omnibox popup, a WebUI page in a renderer of its own, for every window,
 * and every browser context a test opens is a window: one more renderer of about 150 MB per person,
 * never shown in headless mode. Four people on about:blank took 1,753 MB and 5.3 s with it and
 * 1,167 MB and 3.8 s without (`Target.getTargets` names it `chrome://omnibox-popup.top-chrome/`).
 */
const UNUSED_BROWSER_UI = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * playwright-core 1.65's own `--disable-features` list. Chromium keeps only the last
 * `--disable-features` it is given, and Playwright puts the caller's after its own, so turning
 * anything more off means stating its list again.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

// These, and the features above: no GPU, no sandbox (containers), and nothing that phones home
// during a test.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...UNUSED_BROWSER_UI].join(',')}`,
];

/**
 * True when the Chromium executable is there. False means "skip the browser suites", unless
 * `TEIAN_REQUIRE_BROWSER=1`: then a missing browser throws, which fails the test file.
 */
export function browserAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    if (process.env.TEIAN_REQUIRE_BROWSER === '1') {
      throw new Error(`TEIAN_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
    }
    return false;
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export type AppLocale = 'ja' | 'en';
export type MessageKey = keyof typeof ja | keyof typeof jaStaff;

const messages: Record<AppLocale, Record<MessageKey, string>> = { ja: { ...ja, ...jaStaff }, en: { ...en, ...enStaff } };

/**
 * The client's own wording, so tests find controls by the names people see and a wording change
 * does not break them. Same `{param}` filling as client/src/i18n/i18n.svelte.ts.
 *
 * @example messagesFor('en')('board.dotsLeft', { count: 2 }) // "Votes left: 2"
 */
export function messagesFor(locale: AppLocale) {
  return function message(key: MessageKey, params: Record<string, string | number> = {}): string {
    return messages[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}

export interface Viewport {
  width: number;
  height: number;
}

/** A phone held upright: what most participants use. */
export const PHONE: Viewport = { width: 390, height: 844 };
/** A staff laptop, or a tablet on its side. */
export const LAPTOP: Viewport = { width: 1366, height: 768 };

export interface PersonOptions {
  viewport?: Viewport;
  /**
   * The language chosen on this device (stored as the client keeps it). Unset: nothing stored, so
   * the app starts in its default, Japanese.
   */
  locale?: AppLocale | undefined;
  /**
   * Lets the page install the service worker that keeps the app shell for offline use
   * (client/public/sw.js), as every real device does. Off unless a test is about working offline:
   * on its first page each new device would otherwise fetch and store every asset and every font
   * subset of the interface's words, about a tenth of a browser test's CPU (participant-board and
   * tidying: 147 against 131 CPU-seconds), for a worker that only matters without a network.
   */
  offlineShell?: boolean;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page; a test can expect none. */
  pageErrors: Error[];
  close(): Promise<void>;
}

/**
 * One person on one device: a fresh context (own cookies, storage and IndexedDB) and one page whose
 * relative `goto` paths resolve against `baseUrl`.
 */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  { viewport = PHONE, locale, offlineShell = false }: PersonOptions = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    locale: locale === 'en' ? 'en-US' : 'ja-JP',
    serviceWorkers: offlineShell ? 'allow' : 'block',
  });
  // Fail a step well inside the test timeout, with playwright's message rather than vitest's.
  context.setDefaultTimeout(10_000);
  // A first page load starts a cold renderer and reads the whole bundle: on two loaded cores that
  // alone has taken over 10 s (CI, three devices opening at once), which says nothing about the app.
  context.setDefaultNavigationTimeout(30_000);
  if (locale) await setAppLocale(context, locale);
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, pageErrors, close: () => context.close() };
}

export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Signed in as the admin, for setting a scene up through the API. */
  readonly api: ApiClient;
  /** A new person on a new device, closed after the test. */
  person(options?: PersonOptions): Promise<Person>;
}

/**
 * One server serving the built client, one browser and a staff API client for a whole `describe`;
 * the people a test opens are closed after it, which keeps the two cores free for the next test.
 * Call it inside the `describe`.
 */
export function useBrowserSuite(): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let api: ApiClient | undefined;
  const people: Person[] = [];
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the browser suite's ${name} is used before beforeAll ran`);
    return value;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ serveClient: true }), launchBrowser()]);
    api = new ApiClient(server.url);
    await api.login();
  });
  afterEach(async () => {
    await Promise.all(people.splice(0).map((person) => person.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      return ready(server, 'server');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get api() {
      return ready(api, 'api');
    },
    async person(options) {
      const created = await newPerson(ready(browser, 'browser'), ready(server, 'server').url, options);
      people.push(created);
      return created;
    },
  };
}

/**
 * Chooses the app's language the way a returning device has it: the client reads `teian.locale`
 * from localStorage at start. Runs before every page load of the context, so it also wins over a
 * choice made in the page.
 */
export async function setAppLocale(context: BrowserContext, locale: AppLocale): Promise<void> {
  await context.addInitScript((value) => {
    try {
      localStorage.setItem('teian.locale', value);
    } catch {
      // about:blank and other opaque origins have no storage; the app's pages do.
    }
  }, locale);
}

const AXE_PATH = path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Best-practice rules run as well. `region`: every text sits in a landmark (or a live region), so a
 * screen reader's landmark list reaches all of it.
 */
const EXTRA_RULES = ['region'];

/** Waits for the page's finite animations: a fade-in caught half-way has the contrast of neither end. */
export async function animationsEnded(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** axe-core's WCAG 2.x A and AA rules, and `EXTRA_RULES`, on the page as it is now; returns the violations. */
export async function checkA11y(page: Page): Promise<Result[]> {
  await animationsEnded(page);
  // Evaluated, not added as a <script>: the app's CSP refuses inline scripts, as it should.
  await page.evaluate(await readFile(AXE_PATH, 'utf8'));
  return page.evaluate(
    async ({ tags, extra }) => {
      const { axe } = window as unknown as { axe: typeof import('axe-core') };
      const rules = Object.fromEntries(extra.map((id) => [id, { enabled: true }]));
      const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, rules });
      return results.violations;
    },
    { tags: WCAG_TAGS, extra: EXTRA_RULES },
  );
}

/** A readable one-line-per-node summary of axe violations, for assertion messages. */
export function describeViolations(violations: Result[]): string {
  return violations
    .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact ?? '?'}): ${node.target.join(' ')} – ${v.help}`))
    .join('\n');
}

/**
 * Saves what the viewport shows as `<TEIAN_SCREENSHOT_DIR>/<name>.png` when that variable is set,
 * to look at a layout by eye; does nothing otherwise.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.TEIAN_SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** The header's connection badge says the board is live (data-state is the machine-readable twin). */
export function waitUntilLive(page: Page): Promise<void> {
  return page.locator('[role="status"][data-state="connected"]').waitFor();
}

/**
 * Flows every board test repeats, done through the UI as a person does them, in the wording of
 * `locale`'s message file.
 */
export function boardFlows(locale: AppLocale) {
  const t = messagesFor(locale);
  return {
    t,
    /** Staff sign in on the login page, then open the board. */
    async staffOpensBoard(page: Page, login: { login: string; password: string }, boardId: string): Promise<void> {
      await page.goto('/staff/login');
      await page.getByLabel(t('staffLogin.login'), { exact: true }).fill(login.login);
      await page.getByLabel(t('staffLogin.password'), { exact: true }).fill(login.password);
      await page.getByRole('button', { name: t('staffLogin.submit'), exact: true }).click();
      await page.waitForURL('**/staff');
      await page.goto(`/b/${boardId}`);
      await waitUntilLive(page);
    },
    /** A guest joins through the QR code's link, `/join/<code>`, by typing a name. */
    async guestJoins(page: Page, code: string, name: string): Promise<void> {
      await page.goto(`/join/${code}`);
      // By role, whose name is the accessible one: with furigana on, getByLabel also reads the
      // label's ruby (aria-hidden beside a hidden plain copy), which a screen reader does not.
      await page.getByRole('textbox', { name: t('join.guestLabel'), exact: true }).fill(name);
      await page.getByRole('button', { name: t('join.guestSubmit'), exact: true }).click();
      await page.waitForURL('**/b/*');
      await waitUntilLive(page);
    },
    /** Writes and posts an idea; `category` is the label on its pictogram tile. */
    async postIdea(page: Page, text: string, options: { category?: string; anonymous?: boolean } = {}): Promise<void> {
      await page.getByRole('button', { name: t('board.write'), exact: true }).click();
      const composer = page.getByRole('dialog');
      await composer.getByRole('textbox', { name: t('composer.label'), exact: true }).fill(text);
      if (options.category) await composer.getByRole('radio', { name: options.category, exact: true }).check();
      if (options.anonymous) await composer.getByLabel(t('composer.anonymous'), { exact: true }).check();
      await composer.getByRole('button', { name: t('composer.post'), exact: true }).click();
      await composer.waitFor({ state: 'hidden' });
      await page.getByRole('article', { name: text, exact: true }).waitFor();
    },
    /** Staff move the meeting to another phase with the facilitator's buttons. */
    async setPhase(page: Page, phase: 'collect' | 'vote' | 'projects' | 'closed'): Promise<void> {
      const group = page.getByRole('group', { name: t('meeting.phase'), exact: true });
      await group.getByRole('button', { name: t(`board.phase.${phase}`), exact: true }).click();
      await group.getByRole('button', { name: t(`board.phase.${phase}`), exact: true, pressed: true }).waitFor();
    },
    /** Staff turn an idea into a project from its card's staff menu, keeping the suggested title. */
    async staffMakesProject(page: Page, ideaText: string, steps: readonly string[] = []): Promise<void> {
      const card = page.getByRole('article', { name: ideaText, exact: true });
      await card.getByTestId('staff-menu').getByRole('button', { name: t('tidy.menu'), exact: true }).click();
      await card.getByRole('button', { name: t('board.makeProject'), exact: true }).click();
      const dialog = page.getByTestId('make-project-dialog');
      for (const [index, step] of steps.entries()) await dialog.getByLabel(t('makeProject.step', { n: index + 1 }), { exact: true }).fill(step);
      await dialog.getByRole('button', { name: t('makeProject.create'), exact: true }).click();
      await dialog.getByRole('heading').waitFor({ state: 'detached' });
    },
    /** Opens the ideas or the projects view with the buttons under the header. */
    async showView(page: Page, view: 'ideas' | 'projects'): Promise<void> {
      const views = page.getByRole('navigation', { name: t('board.views'), exact: true });
      await views.getByRole('button', { name: t(`board.view.${view}`), exact: true }).click();
    },
    /** The header's "votes left" line reads `count`. */
    async dotsLeftIs(page: Page, count: number): Promise<void> {
      await page.getByTestId('dots-left').getByText(t('board.dotsLeft', { count }), { exact: true }).waitFor();
    },
  };
}
