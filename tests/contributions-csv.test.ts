/**
 * [issue 10, item 5] The contributions CSV opens in Japanese Excel as it is and runs nothing: the
 * file is parsed back with Papa Parse (the library that wrote it) and checked byte by byte where
 * Excel cares: the BOM, CRLF line ends, quoting, and cells that begin like a formula. PGlite.
 */
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participants } from '../drizzle/schema';
import type { Me } from '../shared/api';
import { newId } from '../shared/ids';
import { ADMIN, buildTestApp, type TestApp } from './helpers/server';

/** Names as a roster could hold them; the route takes them from the table as they are. */
const TRICKY_NAMES = {
  comma: 'さとう, はなこ',
  quote: 'よし"だ',
  newline: 'やまだ\nたろう',
  hyperlink: '=HYPERLINK("http://x","y")',
  plus: '+1',
  minus: '-1',
  at: '@SUM(A1)',
  tab: '\tたなか',
  cr: '\rすずき',
};
const FORMULA_LIKE = ['hyperlink', 'plus', 'minus', 'at', 'tab', 'cr'] as const;

describe('[issue 10] contributions CSV', () => {
  let server: TestApp;
  let cookie = '';

  /** The raw answer: `Response.text()` would drop the BOM this test looks for. */
  async function download(query: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
    const response = await server.app.request(`/api/reports/contributions.csv?${query}`, { headers: { cookie } });
    return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
  }

  beforeAll(async () => {
    server = await buildTestApp();
    const login = await server.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const me = (await login.json()) as Me;
    if (me.kind !== 'staff') throw new Error('expected a staff session');
    await server.database.db.insert(participants).values(
      Object.entries(TRICKY_NAMES).map(([reading, displayName]) => ({ id: newId(), facilityId: me.facilityId, displayName, reading })),
    );
  });
  afterAll(async () => {
    await server.stop();
  });

  it('is UTF-8 with a BOM and CRLF line ends, quoted, and every formula-like name comes back as text', async () => {
    const { status, headers, bytes } = await download('from=2026-06-01&to=2026-06-30');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe(
      `attachment; filename="teian-contributions-2026-06-01_2026-06-30.csv"; filename*=UTF-8''teian-contributions-2026-06-01_2026-06-30.csv`,
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const body = text.slice(1);
    // Every line ends with CRLF; the only other breaks are inside the quoted names that hold them.
    expect(body.endsWith('\r\n')).toBe(true);
    const outsideQuotes = body.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(outsideQuotes.match(/\r\n/g)).toHaveLength(1 + Object.keys(TRICKY_NAMES).length);
    // Every cell is quoted, numbers too.
    expect(body.split('\r\n')[0]).toBe(
      '"名前","よみがな","自分で出したアイデア","手伝ってもらって出したアイデア","入れた票","送ったありがとう","もらったありがとう","リーダーをしたプロジェクト","参加したプロジェクト","できたステップ","出席した会議"',
    );

    const parsed = Papa.parse<string[]>(body, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toHaveLength(11);
    const byReading = new Map(rows.map((row) => [row[1], row]));
    expect(byReading.size).toBe(Object.keys(TRICKY_NAMES).length);
    for (const row of rows) expect(row.slice(2)).toEqual(Array(9).fill('0'));

    expect(byReading.get('comma')![0]).toBe(TRICKY_NAMES.comma);
    expect(byReading.get('quote')![0]).toBe(TRICKY_NAMES.quote);
    expect(body).toContain('"よし""だ"');
    expect(byReading.get('newline')![0]).toBe(TRICKY_NAMES.newline);
    for (const reading of FORMULA_LIKE) {
      const cell = byReading.get(reading)![0]!;
      expect(cell, reading).toBe(`'${TRICKY_NAMES[reading]}`);
    }
  });

  it('names its columns in English on request', async () => {
    const { status, bytes } = await download('from=2026-06-01&to=2026-06-30&lang=en');
    expect(status).toBe(200);
    const parsed = Papa.parse<string[]>(new TextDecoder().decode(bytes), { skipEmptyLines: true });
    expect(parsed.data[0]).toEqual([
      'Name',
      'Reading',
      'Ideas posted on their own',
      'Ideas posted with help',
      'Votes cast',
      'Thanks given',
      'Thanks received',
      'Projects led',
      'Projects joined',
      'Steps done',
      'Meetings attended',
    ]);
    expect(parsed.data).toHaveLength(1 + Object.keys(TRICKY_NAMES).length);
  });

  it('answers 400 to a bad query and changes nothing', async () => {
    for (const query of ['from=2026-06-30&to=2026-06-01', 'from=2026-06-01', 'from=2026-06-01&to=2026-06-30&lang=fr', 'from=june&to=2026-06-30', 'from=2026-06-01&to=2026-06-30&x=1']) {
      const { status, headers } = await download(query);
      expect(status, query).toBe(400);
      expect(headers.get('content-type'), query).toContain('application/json');
    }
  });
});
