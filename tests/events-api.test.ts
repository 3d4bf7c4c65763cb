/**
 * [spec 3, 7] The board's events for staff (docs/api.md "Events", "CSV"): events made by real
 * websocket clients, read back through `GET /api/boards/:id/events` and `events.csv`. Filters by
 * idea, project, participant (an idea staff entered for them included) and Japan-time days; keyset
 * pages that give every event once, in order, while new ones arrive; anonymous authors hidden when
 * the facility says so; CSV that Papa Parse reads back as written, formulas neutralised.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { boardEvents, facilities, staffUsers } from '../drizzle/schema';
import type { ApiError, Me } from '../shared/api';
import { addIdea, castVote, createProject, editIdea, giveThanks, setLead, withdrawThanks } from '../shared/board';
import type { EventPage, HistoryEvent } from '../shared/history';
import { newId } from '../shared/ids';
import { hashSecret } from '../server/auth/passwords';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { useScenes, type Person, type Scene } from './helpers/permission-scene';
import { ADMIN } from './helpers/server';

describe.each(databaseKinds())('[spec 3] the events API on %s', (kind) => {
  const scenes = useScenes({ kind });

  const db = () => scenes.server.database.db;

  async function storedIds(scene: Scene): Promise<string[]> {
    const rows = await db().select({ id: boardEvents.id }).from(boardEvents).where(eq(boardEvents.boardId, scene.board.id)).orderBy(asc(boardEvents.id));
    return rows.map((row) => String(row.id)).reverse();
  }

  async function page(scene: Scene, query = ''): Promise<EventPage> {
    return expectOk(await scenes.staffApi.get<EventPage>(`/api/boards/${scene.board.id}/events${query ? `?${query}` : ''}`));
  }

  async function post(scene: Scene, person: Person, id: string, text: string, extra: Partial<Parameters<typeof addIdea>[1]> = {}) {
    await scene.allowed(person, `${person.name} posts ${id}`, (doc) => addIdea(doc, { id, text, authorId: person.actorId, ...extra }),
      (view) => view.board.ideas[id] !== undefined);
  }

  /** Ideas, an edit, an idea staff wrote down for aoi, votes, a project led by aoi. */
  async function scriptedBoard(): Promise<Scene> {
    const scene = await scenes.open();
    const { aoi, ken, staff } = scene;
    await post(scene, aoi, 'i1', '箱に色を');
    await scene.allowed(aoi, 'aoi edits', (doc) => editIdea(doc, 'i1', { text: '箱に色のシールを' }), (view) => view.board.ideas.i1?.text === '箱に色のシールを');
    await post(scene, ken, 'i2', '休けいを長く');
    await scene.allowed(staff, 'staff write aoi’s idea down', (doc) =>
      addIdea(doc, { id: 'i3', text: '道具に名前', authorId: aoi.actorId, enteredBy: staff.actorId, help: 'scribed' }),
    (view) => view.board.ideas.i3 !== undefined);
    await scene.staffSets({ phase: 'vote' });
    await scene.allowed(ken, 'ken votes', (doc) => castVote(doc, ken.actorId, 'i1', 2), (view) => view.board.votes[ken.actorId]?.i1 === 2);
    await scene.allowed(aoi, 'aoi votes', (doc) => castVote(doc, aoi.actorId, 'i2', 1), (view) => view.board.votes[aoi.actorId]?.i2 === 1);
    await scene.staffSets({ phase: 'projects' });
    await scene.allowed(staff, 'staff make a project', (doc) => createProject(doc, { id: 'p1', ideaId: 'i1', title: '色シール' }),
      (view) => view.board.projects.p1 !== undefined);
    await scene.allowed(aoi, 'aoi leads', (doc) => setLead(doc, 'p1', aoi.actorId), (view) => view.board.projects.p1?.leadId === aoi.actorId);
    return scene;
  }

  const summary = (events: HistoryEvent[], scene: Scene) =>
    events.map((event) => `${event.type} ${scene.people.find((person) => person.actorId === event.actorId)?.name ?? event.actorId} ${event.ideaId ?? '-'}`);

  it('filters by idea, project, participant (an idea staff entered for them too) and Japan-time days, newest first', async () => {
    const scene = await scriptedBoard();
    const everything = await page(scene);
    expect(everything.events.map((event) => event.id)).toEqual(await storedIds(scene));
    expect(everything.nextCursor).toBeNull();
    expect(everything.events.at(-1)).toMatchObject({ type: 'idea.created', ideaId: 'i1', actorId: scene.aoi.actorId, data: { text: '箱に色を' } });

    expect(summary((await page(scene, 'ideaId=i1')).events, scene)).toEqual([
      'project.lead_claimed aoi i1',
      'idea.status staff i1',
      'project.created staff i1',
      'vote.cast ken i1',
      'idea.edited aoi i1',
      'idea.created aoi i1',
    ]);
    expect(summary((await page(scene, 'projectId=p1')).events, scene)).toEqual(['project.lead_claimed aoi i1', 'project.created staff i1']);
    // aoi's own acts, and the idea staff wrote down for her (actor staff, author aoi).
    expect(summary((await page(scene, `participantId=${scene.aoi.actorId}`)).events, scene)).toEqual([
      'project.lead_claimed aoi i1',
      'vote.cast aoi i2',
      'idea.created staff i3',
      'idea.edited aoi i1',
      'idea.created aoi i1',
    ]);
    expect(summary((await page(scene, `participantId=${scene.ken.actorId}&ideaId=i1`)).events, scene)).toEqual(['vote.cast ken i1']);

    // Two events on 31 May in UTC, one on each side of midnight in Japan.
    const [first, second] = (await storedIds(scene)).reverse();
    await db().update(boardEvents).set({ createdAt: new Date('2026-05-31T23:30:00+09:00') }).where(eq(boardEvents.id, Number(first)));
    await db().update(boardEvents).set({ createdAt: new Date('2026-06-01T00:30:00+09:00') }).where(eq(boardEvents.id, Number(second)));
    expect((await page(scene, 'from=2026-05-31&to=2026-05-31')).events.map((event) => event.id)).toEqual([first]);
    expect((await page(scene, 'from=2026-06-01&to=2026-06-01')).events.map((event) => event.id)).toEqual([second]);
    expect((await page(scene, 'to=2026-06-01')).events.map((event) => event.id)).toEqual([second, first]);
    expect((await page(scene, 'from=2026-06-01T00:00:00%2B09:00&to=2026-06-01T00:30:00%2B09:00')).events).toEqual([]);
    expect((await page(scene, 'from=2026-06-02')).events.map((event) => event.id)).not.toContain(second);
  });

  it('pages through every event once, in order, while new events arrive', async () => {
    const scene = await scriptedBoard();
    const { ken } = scene;
    const existing = await storedIds(scene);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let thanked = false;
    do {
      const answer: EventPage = await page(scene, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.events.length).toBeLessThanOrEqual(2);
      seen.push(...answer.events.map((event) => event.id));
      cursor = answer.nextCursor;
      pages++;
      // Someone keeps going on the board between pages.
      await scene.allowed(ken, 'ken thanks or takes it back', (doc) => (thanked ? withdrawThanks(doc, ken.actorId, 'i2') : giveThanks(doc, ken.actorId, 'i2')),
        (view) => (view.board.thanks[ken.actorId]?.i2 === true) !== thanked);
      thanked = !thanked;
    } while (cursor !== null);
    expect(seen).toEqual(existing);
    expect(pages).toBe(Math.ceil(existing.length / 2));
    // The new ones are above the first page.
    const now = await page(scene, `limit=${pages}`);
    expect(now.events.map((event) => event.type)).toEqual(Array.from({ length: pages }, (_, index) => (index % 2 === 0) === (pages % 2 === 1) ? 'thanks.given' : 'thanks.withdrawn'));
    expect(Number(now.events.at(-1)!.id)).toBeGreaterThan(Number(existing[0]));
  });

  it('hides who wrote an anonymous idea when the facility says so, and shows it otherwise', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.allowed(ken, 'ken posts anonymously', (doc) => addIdea(doc, { id: 'anon', text: 'ひみつの案', authorId: ken.anonymousId, anonymous: true }),
      (view) => view.board.ideas.anon !== undefined);
    await scene.allowed(ken, 'ken edits it', (doc) => editIdea(doc, 'anon', { text: 'ひみつの案、直した' }), (view) => view.board.ideas.anon?.text === 'ひみつの案、直した');
    await scene.allowed(aoi, 'aoi thanks it', (doc) => giveThanks(doc, aoi.actorId, 'anon'), (view) => view.board.thanks[aoi.actorId]?.anon === true);
    await post(scene, ken, 'named', 'けんの案');

    const shown = await page(scene, 'ideaId=anon');
    expect(shown.events.map((event) => [event.type, event.actorId])).toEqual([
      ['thanks.given', aoi.actorId],
      ['idea.edited', ken.actorId],
      ['idea.created', ken.actorId],
    ]);
    expect((await page(scene, `participantId=${ken.actorId}`)).events.map((event) => event.ideaId)).toEqual(['named', 'anon', 'anon']);

    const facilityId = expectOk(await scenes.staffApi.get<Me>('/api/me')).facilityId;
    const [facility] = await db().select().from(facilities).where(eq(facilities.id, facilityId));
    await db().update(facilities).set({ settings: { ...(facility!.settings as object), staffSeeAnonymousAuthors: false } }).where(eq(facilities.id, facilityId));
    try {
      const hidden = await page(scene, 'ideaId=anon');
      expect(hidden.events.map((event) => [event.type, event.actorId])).toEqual([
        ['thanks.given', aoi.actorId],
        ['idea.edited', ken.anonymousId],
        ['idea.created', ken.anonymousId],
      ]);
      expect(JSON.stringify(hidden)).not.toContain(ken.actorId);
      // His named idea is still his; the anonymous one cannot be found through him.
      const his = await page(scene, `participantId=${ken.actorId}`);
      expect(his.events.map((event) => [event.type, event.ideaId])).toEqual([['idea.created', 'named']]);
      const all = await page(scene);
      expect(all.events.filter((event) => event.ideaId === 'anon' && event.actorId === ken.actorId)).toEqual([]);

      const csv = await scenes.staffApi.get<string>(`/api/boards/${scene.board.id}/events.csv?ideaId=anon`);
      const rows = Papa.parse<string[]>(csv.body, { skipEmptyLines: true }).data;
      expect(rows.slice(1).map((row) => row[2])).toEqual(['あおい', `匿名（${ken.anonymousId}）`, `匿名（${ken.anonymousId}）`]);
      expect(csv.body).not.toContain('けん');
    } finally {
      await db().update(facilities).set({ settings: facility!.settings }).where(eq(facilities.id, facilityId));
    }
    expect((await page(scene, 'ideaId=anon')).events.map((event) => event.actorId)).toContain(ken.actorId);
  });

  it('answers 400 to a bad query and changes nothing; 401 without a session, 403 to a participant, 404 to another facility', async () => {
    const scene = await scenes.open();
    await post(scene, scene.aoi, 'i1', 'ひとつ');
    const path = `/api/boards/${scene.board.id}/events`;
    const before = await storedIds(scene);
    for (const query of [
      'limit=0',
      'limit=501',
      'limit=many',
      'cursor=abc',
      'cursor=-1',
      'cursor=9999999999999999999',
      'from=2026-13-01',
      'from=yesterday',
      'to=2026-06-01T09:00:00',
      'from=2026-06-02&to=2026-06-01',
      'from=2026-06-01T10:00:00%2B09:00&to=2026-06-01T09:00:00%2B09:00',
      'color=red',
    ]) {
      const answer = await scenes.staffApi.get<ApiError>(`${path}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('bad_request');
    }
    expect((await scenes.staffApi.get(`${path}.csv?lang=fr`)).status).toBe(400);
    expect((await scenes.staffApi.get(`${path}.csv?cursor=1`)).status).toBe(400);
    expect(await storedIds(scene)).toEqual(before);

    for (const route of [path, `${path}.csv`]) {
      expect((await new ApiClient(scenes.server.url).get(route)).status, route).toBe(401);
      expect((await scene.aoi.api.get(route)).status, route).toBe(403);
      expect((await scene.ken.api.get(route)).status, route).toBe(403);
    }
    const otherFacilityId = newId();
    await db().insert(facilities).values({ id: otherFacilityId, name: 'となりの施設' });
    const login = `tonari-${otherFacilityId}`;
    await db().insert(staffUsers).values({ id: newId(), facilityId: otherFacilityId, login, name: 'となり', role: 'admin', passwordHash: await hashSecret('another-facilitys-password') });
    const other = new ApiClient(scenes.server.url);
    await other.login(login, 'another-facilitys-password');
    for (const route of [path, `${path}.csv`]) {
      const answer = await other.get(route);
      expect(answer.status, route).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('ひとつ');
    }
  });

  it('writes a CSV that Papa Parse reads back as written: BOM, CRLF, quoting, formulas neutralised, English header', async () => {
    const scene = await scenes.open();
    const { aoi, ken, staff } = scene;
    const tricky = 'はこ, "いろ"\nシール';
    const hyperlink = '=HYPERLINK("http://x","y")';
    await post(scene, aoi, 'i1', '箱に色を');
    await scene.allowed(aoi, 'aoi edits', (doc) => editIdea(doc, 'i1', { text: '箱に色のシールを' }), (view) => view.board.ideas.i1?.text === '箱に色のシールを');
    await post(scene, ken, 'i2', tricky);
    await post(scene, ken, 'i3', hyperlink);
    await post(scene, ken, 'i4', '+1');
    await post(scene, ken, 'i5', '@home');
    await scene.allowed(staff, 'staff write aoi’s idea down', (doc) =>
      addIdea(doc, { id: 'i6', text: '-できた', authorId: aoi.actorId, enteredBy: staff.actorId, help: 'scribed' }),
    (view) => view.board.ideas.i6 !== undefined);
    await scene.staffSets({ phase: 'vote' });
    await scene.allowed(ken, 'ken votes 2', (doc) => castVote(doc, ken.actorId, 'i1', 2), (view) => view.board.votes[ken.actorId]?.i1 === 2);
    await scene.allowed(ken, 'ken votes 3', (doc) => castVote(doc, ken.actorId, 'i1', 1), (view) => view.board.votes[ken.actorId]?.i1 === 3);
    const [event] = await db().select().from(boardEvents).where(eq(boardEvents.boardId, scene.board.id)).orderBy(asc(boardEvents.id)).limit(1);
    await db().update(boardEvents).set({ createdAt: new Date('2026-06-01T14:02:03+09:00') }).where(inArray(boardEvents.id, [event!.id]));

    const answer = await fetch(`${scenes.server.url}/api/boards/${scene.board.id}/events.csv`, { headers: { cookie: await staffCookie() } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = answer.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="teian-events-permissions-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''teian-events-permissions-/);
    const bytes = new Uint8Array(await answer.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFF"日時","種類","だれ","アイデア","内容"\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Every line break between rows is CRLF: the only bare \n are the tricky text's own, in its idea
    // and its details cells.
    expect(text.replaceAll('\r\n', '').split('\n').length - 1).toBe(2);

    const parsed = Papa.parse<string[]>(text.slice(1), { newline: '\r\n', skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(['日時', '種類', 'だれ', 'アイデア', '内容']);
    expect(rows).toHaveLength((await storedIds(scene)).length);
    const byIdea = (text: string, type: string) => rows.find((row) => row[3] === text && row[1] === type);
    expect(rows.at(-1)).toEqual(['2026-06-01 14:02:03', 'アイデアを出した', 'あおい', '箱に色を', '「箱に色を」']);
    expect(byIdea('箱に色のシールを', 'アイデアを直した')).toEqual([expect.any(String), 'アイデアを直した', 'あおい', '箱に色のシールを', '「箱に色を」 → 「箱に色のシールを」']);
    // The idea's text as it was at each vote: after the edit.
    expect(rows.filter((row) => row[1] === '投票した').map((row) => [row[2], row[3], row[4]])).toEqual([
      ['けん', '箱に色のシールを', '2 → 3 票'],
      ['けん', '箱に色のシールを', '0 → 2 票'],
    ]);
    expect(byIdea(tricky, 'アイデアを出した')).toEqual([expect.any(String), 'アイデアを出した', 'けん', tricky, `「${tricky}」`]);
    expect(byIdea(`'${hyperlink}`, 'アイデアを出した')?.[2]).toBe('けん');
    expect(byIdea("'+1", 'アイデアを出した')).toBeDefined();
    expect(byIdea("'@home", 'アイデアを出した')).toBeDefined();
    expect(byIdea("'-できた", 'アイデアを出した')).toEqual([expect.any(String), 'アイデアを出した', expect.any(String), "'-できた", expect.stringContaining('手伝い: 本人の言葉を書いた')]);
    for (const row of rows) for (const cell of row) expect(cell, 'no cell starts like a formula').not.toMatch(/^[=+\-@\t\r]/);

    const english = await scenes.staffApi.get<string>(`/api/boards/${scene.board.id}/events.csv?lang=en&ideaId=i1`);
    const [enHeader, ...enRows] = Papa.parse<string[]>(english.body, { skipEmptyLines: true }).data;
    expect(enHeader).toEqual(['Time', 'Type', 'Who', 'Idea', 'Details']);
    expect(enRows.map((row) => [row[1], row[4]])).toEqual([
      ['Voted', '2 → 3 votes'],
      ['Voted', '0 → 2 votes'],
      ['Idea edited', '"箱に色を" → "箱に色のシールを"'],
      ['Idea posted', '"箱に色を"'],
    ]);
  });

  async function staffCookie(): Promise<string> {
    const answer = await fetch(`${scenes.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: ADMIN.login, password: ADMIN.password }),
    });
    return answer.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  }
});
