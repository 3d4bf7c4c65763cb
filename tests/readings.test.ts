/**
 * [issue 12, item 1] Furigana's server side (docs/furigana.md, docs/api.md "Readings"): the
 * readings of thirty work sentences checked word by word against readings written by hand, the
 * cache that reads each text once, staff's corrections, bad input, and the levels that choose which
 * words get furigana. A real server on PGlite and on PostgreSQL, the real analyser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilities, staffUsers } from '../drizzle/schema';
import { hashSecret } from '../server/auth/passwords';
import { createLruCache } from '../server/reading/cache';
import { sharedAnalyser } from '../server/reading/service';
import type { Board, BoardToken } from '../shared/api';
import { newId } from '../shared/ids';
import { KANJI_BY_GRADE } from '../shared/kanji-grades';
import {
  alignReading,
  pickFurigana,
  READING_TEXT_MAX,
  READING_TEXTS_MAX,
  READING_TOTAL_MAX,
  type FuriganaLevel,
  type ReadingCorrection,
  type ReadingSegment,
  type ReadingsAnswer,
} from '../shared/reading';
import { kanjiGrade } from '../shared/kanji-grade';
import { expectedSegments, joinReadWords, plainText, WORK_SENTENCES } from './fixtures/work-sentences';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { capturingLogger } from './helpers/log';
import { startTestServer, type TestServer } from './helpers/server';

/** What a reader sees: each word with its kana, `箱[はこ]に…`. */
const shown = (segments: readonly ReadingSegment[]) =>
  segments.map((segment) => (segment.reading === undefined ? segment.text : `${segment.text}[${segment.reading}]`)).join('');

// First in the file: each test file runs in a process of its own, so nothing has loaded it yet.
describe('[issue 12] the analyser', () => {
  it('loads on the first reading asked for, not when the server starts, and logs how long it took', async () => {
    const log = capturingLogger();
    const server = await startTestServer({ log });
    try {
      expect(sharedAnalyser().loaded).toBe(false);
      const staff = new ApiClient(server.url);
      await staff.login();
      expect(sharedAnalyser().loaded, 'nothing but a reading loads it').toBe(false);
      expectOk(await staff.post<ReadingsAnswer>('/api/readings', { texts: ['箱を運ぶ'] }));
      expect(sharedAnalyser().loaded).toBe(true);
      const loaded = log.entries.filter((entry) => entry.message === 'reading analyser loaded');
      expect(loaded).toHaveLength(1);
      expect(loaded[0]!.fields).toEqual({ ms: expect.any(Number), rssDeltaMb: expect.any(Number) });
    } finally {
      await server.stop();
    }
  });
});

describe.each(databaseKinds())('[issue 12] readings on %s', (kind: DatabaseKind) => {
  let server: TestServer;
  let staff: ApiClient;
  let guest: ApiClient;
  let board: Board;
  let viewerToken: string;

  beforeAll(async () => {
    server = await startTestServer({ kind });
    staff = new ApiClient(server.url);
    await staff.login();
    board = await staff.createBoard('読みのボード', { allowGuests: true });
    guest = new ApiClient(server.url);
    await guest.joinAsGuest(board.joinCode!, 'よみて');
    viewerToken = expectOk(await staff.post<BoardToken>(`/api/boards/${board.id}/viewer-token`)).token;
  });
  afterAll(() => server?.stop());

  const read = async (client: ApiClient, texts: string[]) => expectOk(await client.post<ReadingsAnswer>('/api/readings', { texts })).readings;
  /** The projector's route, by fetch, for the header that says what the cache answered. */
  const readAsProjector = async (texts: string[]) => {
    const response = await fetch(`${server.url}/api/boards/${board.id}/readings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ texts }),
    });
    return { status: response.status, cache: response.headers.get('teian-reading-cache'), body: (await response.json()) as ReadingsAnswer };
  };
  const correct = (surface: string, reading: string) =>
    staff.request<ReadingCorrection>('PUT', `/api/facility/readings/${encodeURIComponent(surface)}`, { reading });
  const uncorrect = (surface: string) => staff.request('DELETE', `/api/facility/readings/${encodeURIComponent(surface)}`);

  it('reads the thirty work sentences word by word as a person would, once staff corrected what the dictionary reads otherwise', async () => {
    const texts = WORK_SENTENCES.map(plainText);
    const bare = await read(guest, texts);
    for (const [index, segments] of bare.entries()) {
      expect(segments.map((segment) => segment.text).join(''), 'the segments are the text').toBe(texts[index]);
    }
    const rightBare = bare.filter((segments, index) => shown(joinReadWords(segments)) === shown(joinReadWords(expectedSegments(WORK_SENTENCES[index]!))));
    // The comparison in docs/furigana.md: IPADIC reads 後 after a verb as のち and 二人 as ににん.
    expect(rightBare.length, 'sentences right before any correction').toBeGreaterThanOrEqual(27);

    expectOk(await correct('後', 'あと'));
    expectOk(await correct('二人', 'フタリ'));
    const corrected = await read(guest, texts);
    for (const [index, marked] of WORK_SENTENCES.entries()) {
      expect(shown(joinReadWords(corrected[index]!)), texts[index]).toBe(shown(joinReadWords(expectedSegments(marked))));
    }
    // Furigana covers the kanji only: the okurigana stay outside the ruby.
    expect(corrected[0]).toContainEqual({ text: '貼', reading: 'は' });
    expect(corrected[0]).toContainEqual({ text: '分', reading: 'わ' });
    expect(corrected[0]!.find((segment) => segment.text.includes('シール'))).not.toHaveProperty('reading');
    // The levels pick from what was served: 箱 and 重 are grade 3, 色 and 分 grade 2, 貼 no 教育漢字.
    const picked = (level: FuriganaLevel) => pickFurigana(corrected[0]!, level, kanjiGrade).flatMap((segment) => (segment.reading ? [segment.text] : []));
    expect(picked('all')).toEqual(['箱', '色', '貼', '重', '分']);
    expect(picked('grade-2')).toEqual(['箱', '貼', '重']);
    expect(picked('grade-3')).toEqual(['貼']);
    expect(picked('none')).toEqual([]);
    expectOk(await uncorrect('後'));
    expectOk(await uncorrect('二人'));
  });

  it('answers the second call for the same texts from its cache', async () => {
    const texts = ['段ボールを三つ組み立てる', '棚の上から順に拭く', '段ボールを三つ組み立てる'];
    const first = await readAsProjector(texts);
    expect(first.status).toBe(200);
    // The same text twice in one request is read once, and answered from the cache the second time.
    expect(first.cache).toBe('hit=1, miss=2');
    const second = await readAsProjector(texts);
    expect(second.cache).toBe('hit=3, miss=0');
    expect(second.body).toEqual(first.body);
    // Staff and participants share it (the same facility): their call reads nothing either.
    const metric = async () => Number(/teian_reading_cache_total\{result="miss"\} (\d+)/.exec((await staff.get<string>('/metrics')).body)?.[1]);
    const missesBefore = await metric();
    expect(await read(staff, texts.slice(0, 2))).toEqual(second.body.readings.slice(0, 2));
    expect(await metric()).toBe(missesBefore);
  });

  it("serves a staff correction at once, for whole words only, in this facility only, and the analyser's reading again once it is removed", async () => {
    const texts = ['上村さんがゴミの分別を手伝う', '山田中学校の田中さん'];
    const [before, school] = await read(guest, texts);
    expect(before).toContainEqual({ text: '上村', reading: 'うえむら' });
    expect(before).toContainEqual({ text: '分別', reading: 'ふんべつ' });

    const saved = expectOk(await correct('上村', 'カミムラ'));
    expect(saved).toMatchObject({ surface: '上村', reading: 'かみむら' });
    expectOk(await correct('分別', 'ぶんべつ'));
    expectOk(await correct('田中', 'でんちゅう'));
    const list = expectOk(await staff.get<ReadingCorrection[]>('/api/facility/readings'));
    expect(list.map(({ surface, reading }) => [surface, reading])).toEqual([
      ['上村', 'かみむら'],
      ['分別', 'ぶんべつ'],
      ['田中', 'でんちゅう'],
    ]);

    const projector = await readAsProjector(texts);
    // Served from the cache, and corrected all the same: the cache holds the analyser's words only.
    expect(projector.cache).toBe('hit=2, miss=0');
    const [after, schoolAfter] = projector.body.readings;
    expect(shown(after!)).toBe('上村[かみむら]さんがゴミの分別[ぶんべつ]を手伝[てつだ]う');
    // 田中 in 山田中学校 is no word of its own there; 田中さん is.
    expect(shown(schoolAfter!)).toBe(shown(school!).replace('田中[たなか]', '田中[でんちゅう]'));
    expect(shown(schoolAfter!)).toContain('山田[やまだ]中学校[ちゅうがっこう]');

    // A correction replaces the last one for the same word.
    expect(expectOk(await correct('上村', 'うえむら')).reading).toBe('うえむら');
    expect((await read(guest, texts))[0]).toContainEqual({ text: '上村', reading: 'うえむら' });

    // Another facility reads with its own corrections, none of these.
    const otherFacility = newId();
    await server.database.db.insert(facilities).values({ id: otherFacility, name: 'となりの施設' });
    await server.database.db
      .insert(staffUsers)
      .values({ id: newId(), facilityId: otherFacility, login: 'tonari', name: 'となり', role: 'admin', passwordHash: await hashSecret('tonari-no-password') });
    const neighbour = new ApiClient(server.url);
    await neighbour.login('tonari', 'tonari-no-password');
    expect(expectOk(await neighbour.get<ReadingCorrection[]>('/api/facility/readings'))).toEqual([]);
    expect((await read(neighbour, texts))[0]).toContainEqual({ text: '分別', reading: 'ふんべつ' });
    expect((await neighbour.request('DELETE', `/api/facility/readings/${encodeURIComponent('分別')}`)).status).toBe(404);

    for (const surface of ['上村', '分別', '田中']) expect((await uncorrect(surface)).status).toBe(204);
    expect((await uncorrect('分別')).status).toBe(404);
    expect(await read(guest, texts)).toEqual([before, school]);
  });

  it('refuses bad input with a 400 that names it, and changes nothing', async () => {
    expectOk(await correct('箱', 'はこ'));
    const listBefore = expectOk(await staff.get<ReadingCorrection[]>('/api/facility/readings'));
    const readingBefore = await read(guest, ['箱を運ぶ']);

    const badReads: unknown[] = [
      {},
      { texts: '箱を運ぶ' },
      { texts: [1, 2] },
      { texts: ['箱'], level: 'all' },
      { texts: Array.from({ length: READING_TEXTS_MAX + 1 }, () => '箱') },
      { texts: ['箱'.repeat(READING_TEXT_MAX + 1)] },
      { texts: Array.from({ length: Math.ceil(READING_TOTAL_MAX / READING_TEXT_MAX) + 1 }, () => '箱'.repeat(READING_TEXT_MAX)) },
    ];
    for (const body of badReads) {
      const answer: ApiAnswer<{ error: { code: string; message: string } }> = await guest.post('/api/readings', body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
      expect(answer.body.error.message.length).toBeGreaterThan(0);
    }
    expect((await readAsProjector(['箱'.repeat(READING_TEXT_MAX + 1)])).status).toBe(400);

    const badCorrections: [string, unknown][] = [
      ['箱', { reading: 'hako' }],
      ['箱', { reading: '' }],
      ['箱', { reading: '箱' }],
      ['箱', { reading: 'は'.repeat(61) }],
      ['箱', { reading: 'はこ', surface: '箱' }],
      ['箱', {}],
      ['はこ', { reading: 'はこ' }],
      ['箱 箱', { reading: 'はこはこ' }],
      ['箱'.repeat(31), { reading: 'はこ' }],
    ];
    for (const [surface, body] of badCorrections) {
      const answer = await staff.request<{ error: { code: string } }>('PUT', `/api/facility/readings/${encodeURIComponent(surface)}`, body);
      expect(answer.status, `${surface} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
    }
    expect((await staff.request('DELETE', `/api/facility/readings/${encodeURIComponent('はこ')}`)).status).toBe(400);

    expect(expectOk(await staff.get<ReadingCorrection[]>('/api/facility/readings'))).toEqual(listBefore);
    expect(await read(guest, ['箱を運ぶ'])).toEqual(readingBefore);
    expect((await uncorrect('箱')).status).toBe(204);
  });

  it('reads empty and kanji-less texts as they are, and keeps what the analyser does not know', async () => {
    const [empty, kana, mixed] = await read(guest, ['', 'シールをはる', 'ABC  3個😀 OK']);
    expect(empty).toEqual([]);
    expect(kana).toEqual([{ text: 'シールをはる' }]);
    expect(mixed!.map((segment) => segment.text).join('')).toBe('ABC  3個😀 OK');
    expect(mixed).toContainEqual({ text: '個', reading: 'こ' });
  });
});

describe('[issue 12] furigana levels', () => {
  // 箱 grade 3, 色 grade 2, 駅 3 and 前 2, 人 1 (with 々), 貼 and 鍋 outside 教育漢字.
  const segments: ReadingSegment[] = [
    { text: '箱', reading: 'はこ' },
    { text: 'に' },
    { text: '色', reading: 'いろ' },
    { text: 'の' },
    { text: '駅前', reading: 'えきまえ' },
    { text: 'の' },
    { text: '人々', reading: 'ひとびと' },
    { text: 'が' },
    { text: '貼', reading: 'は' },
    { text: 'る' },
    { text: '鍋', reading: 'なべ' },
  ];
  const withFurigana = (level: FuriganaLevel) =>
    pickFurigana(segments, level, kanjiGrade)
      .filter((segment) => segment.reading !== undefined)
      .map((segment) => segment.text);

  it.each([
    ['all', ['箱', '色', '駅前', '人々', '貼', '鍋']],
    ['grade-1', ['箱', '色', '駅前', '貼', '鍋']],
    ['grade-2', ['箱', '駅前', '貼', '鍋']],
    ['grade-3', ['貼', '鍋']],
    ['grade-6', ['貼', '鍋']],
    ['none', []],
  ] as const)('%s puts furigana on %j', (level, expected) => {
    expect(withFurigana(level)).toEqual(expected);
  });

  it('keeps every text and every reading it shows unchanged', () => {
    for (const level of ['all', 'grade-3', 'none'] as const) {
      const picked = pickFurigana(segments, level, kanjiGrade);
      expect(picked.map((segment) => segment.text)).toEqual(segments.map((segment) => segment.text));
      for (const [index, segment] of picked.entries()) if (segment.reading) expect(segment.reading).toBe(segments[index]!.reading);
    }
  });

  it('uses the 2020 教育漢字 lists: 1,026 kanji, the prefectures in grade 4', () => {
    expect(KANJI_BY_GRADE.map((chars) => [...chars].length)).toEqual([80, 160, 200, 202, 193, 191]);
    expect(new Set(KANJI_BY_GRADE.join('')).size).toBe(1026);
    expect(['一', '色', '箱', '岡', '城', '賀', '囲', '恩'].map(kanjiGrade)).toEqual([1, 2, 3, 4, 4, 4, 5, 6]);
    expect(kanjiGrade('貼')).toBeUndefined();
  });

  it('lays a reading over the kanji of a word and leaves its okurigana out', () => {
    expect(alignReading('食べる', 'タベル')).toEqual([{ text: '食', reading: 'た' }, { text: 'べる' }]);
    expect(alignReading('取り扱い', 'トリアツカイ')).toEqual([
      { text: '取', reading: 'と' },
      { text: 'り' },
      { text: '扱', reading: 'あつか' },
      { text: 'い' },
    ]);
    expect(alignReading('お弁当', 'オベントウ')).toEqual([{ text: 'お' }, { text: '弁当', reading: 'べんとう' }]);
    // A reading whose kana do not fit the surface covers the whole word rather than split it wrongly.
    expect(alignReading('行った', 'イッタ')).toEqual([{ text: '行', reading: 'い' }, { text: 'った' }]);
    expect(alignReading('見る', 'ミタ')).toEqual([{ text: '見る', reading: 'みた' }]);
    expect(alignReading('シール', 'シール')).toEqual([{ text: 'シール' }]);
    expect(alignReading('鍋', undefined)).toEqual([{ text: '鍋' }]);
  });
});

describe('[issue 12] the reading cache', () => {
  it('keeps the most recently used texts within its weight and drops the oldest first', () => {
    const cache = createLruCache<string>({ maxWeight: 10 });
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'C', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual(['A', 'C']);
    expect(cache.weight).toBe(8);
    // One entry heavier than the whole cache is not kept, and pushes nothing out.
    cache.set('huge', 'H', 11);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
    // Setting a key again replaces it and its weight.
    cache.set('a', 'A2', 6);
    expect([cache.get('a'), cache.get('c'), cache.weight]).toEqual(['A2', 'C', 10]);
  });
});
