/**
 * [issue 11, item 5] A small client: what a participant's board downloads on its first visit stays
 * within its budgets, and the pages only staff open stay out of it.
 *
 * It reads the built client (dist/client, which tests/global-setup.ts builds once per run, or
 * `TEIAN_TEST_CLIENT_DIR`, as tests/helpers/server.ts serves it) and follows the import graph in
 * Vite's manifest (`build.manifest` in vite.config.ts) from index.html's entry: the chunks a page
 * loads are its entry's static imports, and, for a page that is a chunk of its own, that chunk's.
 * Sizes are gzip at zlib's default level, what a server's compression usually sends.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

/** The participant's board: all the JavaScript of its first visit (the goal). */
const BOARD_JS_BUDGET_BYTES = 100_000;
/** The board's stylesheets, the font's @font-face rules (about 35 kB of unicode-ranges) included. */
const BOARD_CSS_BUDGET_BYTES = 48_000;
/** The weights the app's stylesheets use; vite.config.ts declares these and no others. */
const FONT_WEIGHTS = ['400', '700'];

const repoRoot = path.resolve(import.meta.dirname, '..');
const clientDir = path.resolve(repoRoot, process.env.TEIAN_TEST_CLIENT_DIR || 'dist/client');
const BOARD_PAGE = 'src/pages/BoardPage.svelte';

/** One chunk of Vite's manifest (`.vite/manifest.json`), keyed by its source. */
interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

interface Budget {
  /** What the failure names: "the participant's board (JavaScript)". */
  name: string;
  /** The manifest key of the page's component (its source path under client/). */
  page: string;
  kind: 'js' | 'css';
  maxGzipBytes: number;
}

interface SizedFile {
  file: string;
  gzipBytes: number;
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, '.vite', 'manifest.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build the client (vitest.config.ts's global setup does; or \`npx vite build --outDir <dir>\` and TEIAN_TEST_CLIENT_DIR=<dir>)`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** The manifest keys a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`the manifest names ${key} but has no such chunk`);
  seen.add(key);
  for (const imported of chunk.imports ?? []) staticClosure(manifest, imported, seen);
  return seen;
}

function entryKey(manifest: Manifest): string {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length !== 1) throw new Error(`expected one entry in the manifest, found ${entries.map(([key]) => key).join(', ') || 'none'}`);
  return entries[0]![0];
}

/**
 * The chunks a page loads on a first visit: the entry's static graph, and, when the page is a chunk
 * of its own (App.svelte imports it dynamically), that chunk's static graph too. A page that is no
 * chunk of its own is inside the entry's.
 */
function pageChunks(manifest: Manifest, page: string): Set<string> {
  const keys = staticClosure(manifest, entryKey(manifest));
  if (manifest[page]?.isDynamicEntry) staticClosure(manifest, page, keys);
  return keys;
}

function gzipBytes(dir: string, file: string): number {
  return gzipSync(readFileSync(path.join(dir, file))).length;
}

/** The page's files of one kind with their gzip sizes, biggest first. */
function pageFiles(dir: string, manifest: Manifest, page: string, kind: 'js' | 'css'): SizedFile[] {
  const chunks = [...pageChunks(manifest, page)].map((key) => manifest[key]!);
  const files = kind === 'js' ? chunks.map((chunk) => chunk.file).filter((file) => file.endsWith('.js')) : chunks.flatMap((chunk) => chunk.css ?? []);
  return [...new Set(files)].map((file) => ({ file, gzipBytes: gzipBytes(dir, file) })).sort((a, b) => b.gzipBytes - a.gzipBytes);
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** One message per budget the build in `dir` exceeds, naming the files that make it up; none when all hold. */
function budgetFailures(dir: string, budgets: readonly Budget[]): string[] {
  const manifest = readManifest(dir);
  const failures: string[] = [];
  for (const budget of budgets) {
    const files = pageFiles(dir, manifest, budget.page, budget.kind);
    const total = files.reduce((sum, file) => sum + file.gzipBytes, 0);
    if (total <= budget.maxGzipBytes) continue;
    const parts = files.map((file) => `${file.file} ${kB(file.gzipBytes)}`).join(', ');
    failures.push(`${budget.name} is ${kB(total)} gzip, over its budget of ${kB(budget.maxGzipBytes)} by ${kB(total - budget.maxGzipBytes)}: ${parts}`);
  }
  return failures;
}

const BUDGETS: readonly Budget[] = [
  { name: "the participant's board (JavaScript)", page: BOARD_PAGE, kind: 'js', maxGzipBytes: BOARD_JS_BUDGET_BYTES },
  { name: "the participant's board (CSS)", page: BOARD_PAGE, kind: 'css', maxGzipBytes: BOARD_CSS_BUDGET_BYTES },
];

describe('[issue 11] the built client', () => {
  it(`keeps the participant's board within ${kB(BOARD_JS_BUDGET_BYTES)} of JavaScript and ${kB(BOARD_CSS_BUDGET_BYTES)} of CSS, gzip`, () => {
    expect(existsSync(path.join(repoRoot, 'client', BOARD_PAGE)), `${BOARD_PAGE} is the board's page`).toBe(true);
    expect(budgetFailures(clientDir, BUDGETS)).toEqual([]);
  });

  it("downloads no staff page, no staff tool, no staff's words and no English with the board: each is a chunk of its own", () => {
    const manifest = readManifest(clientDir);
    const board = pageChunks(manifest, BOARD_PAGE);
    const lazy = [
      'src/pages/StaffPage.svelte',
      'src/pages/StaffLoginPage.svelte',
      'src/pages/SetupPage.svelte',
      'src/pages/NameCardsPage.svelte',
      'src/pages/MeetingSummaryPage.svelte',
      'src/pages/BoardHistoryPage.svelte',
      'src/pages/IdeaTimelinePage.svelte',
      'src/pages/ParticipantReportPage.svelte',
      'src/pages/PresentPage.svelte',
      'src/components/staff-board-tools.ts',
      'src/i18n/en.json',
      'src/i18n/ja.staff.json',
      'src/i18n/en.staff.json',
    ];
    for (const key of lazy) {
      expect(manifest[key]?.isDynamicEntry, `${key} is a chunk of its own`).toBe(true);
      expect(board.has(key), `the board loads ${key}`).toBe(false);
    }
  });

  it('declares the font in woff2 files only, for the weights the app uses, each subset fetched only when needed', () => {
    const manifest = readManifest(clientDir);
    const css = pageFiles(clientDir, manifest, BOARD_PAGE, 'css').map((file) => readFileSync(path.join(clientDir, file.file), 'utf8')).join('\n');
    const faces = [...css.matchAll(/@font-face\s*\{([^}]*)\}/g)].map((match) => match[1]!);
    expect(faces.length).toBeGreaterThan(100);
    const weights = new Set<string>();
    for (const face of faces) {
      expect(face).toMatch(/font-family:\s*["']?BIZ UDPGothic/);
      expect(face.match(/url\(/g), face.slice(0, 200)).toHaveLength(1);
      expect(face, 'a subset inlined as a data: URL is downloaded whether or not it is needed').not.toMatch(/data:/);
      expect(face).toMatch(/url\([^)]*\.woff2\)/);
      expect(face).toMatch(/unicode-range:/);
      weights.add(/font-weight:\s*(\d+)/.exec(face)?.[1] ?? 'none');
    }
    expect([...weights].sort()).toEqual(FONT_WEIGHTS);
  });
});

describe('[issue 11] the size budget itself', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A built client of one entry that imports a shared chunk and a page that is a chunk of its own. */
  function fakeBuild(sizes: { entry: number; shared: number; page: number }): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'teian-client-size-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, '.vite'));
    mkdirSync(path.join(dir, 'assets'));
    const manifest: Manifest = {
      'index.html': { file: 'assets/index-a.js', src: 'index.html', isEntry: true, imports: ['_shared-b.js'], dynamicImports: ['src/pages/Page.svelte'] },
      '_shared-b.js': { file: 'assets/shared-b.js' },
      'src/pages/Page.svelte': { file: 'assets/Page-c.js', src: 'src/pages/Page.svelte', isDynamicEntry: true, imports: ['_shared-b.js'] },
    };
    writeFileSync(path.join(dir, '.vite', 'manifest.json'), JSON.stringify(manifest));
    // Random bytes do not compress: each file's gzip size is a little over its length.
    const random = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(Math.random() * 256)));
    writeFileSync(path.join(dir, 'assets', 'index-a.js'), random(sizes.entry));
    writeFileSync(path.join(dir, 'assets', 'shared-b.js'), random(sizes.shared));
    writeFileSync(path.join(dir, 'assets', 'Page-c.js'), random(sizes.page));
    return dir;
  }

  const budget = (page: string, maxGzipBytes: number): Budget => ({ name: 'the page', page, kind: 'js', maxGzipBytes });

  it('fails when a chunk the page loads grows over the budget, naming the chunk', () => {
    const dir = fakeBuild({ entry: 1_000, shared: 6_000, page: 500 });
    const failures = budgetFailures(dir, [budget('src/pages/Page.svelte', 5_000)]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^the page is 7\.\d kB gzip, over its budget of 5\.0 kB by 2\.\d kB: assets\/shared-b\.js 6\.\d kB, assets\/index-a\.js 1\.\d kB, assets\/Page-c\.js 0\.\d kB$/);
  });

  it('passes a page within its budget, and does not count a lazy page into the entry', () => {
    const dir = fakeBuild({ entry: 1_000, shared: 1_000, page: 50_000 });
    expect(budgetFailures(dir, [budget('index.html', 3_000)])).toEqual([]);
    expect(budgetFailures(dir, [budget('src/pages/Page.svelte', 3_000)])).toHaveLength(1);
  });

  it('refuses a folder that holds no build', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'teian-client-size-'));
    dirs.push(dir);
    expect(() => budgetFailures(dir, [budget('index.html', 1)])).toThrow(/manifest\.json is missing/);
  });
});
