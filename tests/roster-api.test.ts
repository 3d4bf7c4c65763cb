/**
 * [issue 9, item 2] The roster and the facility's categories through the API: staff edit a name
 * card (name, reading, avatar), set, change and remove its PIN, deactivate and reactivate it, and
 * replace the facility's categories, which every board's context then carries. Every bad body is a
 * 400 that changes nothing, on every database the run has.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, BoardContext, FacilityCategories, JoinInfo, Me, Participant } from '../shared/api';
import { DEFAULT_CATEGORIES } from '../shared/categories';
import { AVATAR_MAX, CATEGORIES_MAX, CATEGORY_LABEL_MAX, DISPLAY_NAME_MAX } from '../shared/limits';
import { AVATAR_CHOICES, CATEGORY_COLOURS, CATEGORY_PICTOGRAMS } from '../shared/pictogram-choices';
import { facilities, participants } from '../drizzle/schema';
import { pictogramFile } from '../client/src/lib/pictogram-file';
import ja from '../client/src/i18n/ja.json';
import en from '../client/src/i18n/en.json';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { buildTestApp, type TestApp } from './helpers/server';

describe('[issue 9] the pictogram picker', () => {
  it('offers only pictograms that are bundled, each named in both languages', () => {
    const messages: Record<string, Record<string, string>> = { ja, en };
    for (const choice of [...AVATAR_CHOICES, ...CATEGORY_PICTOGRAMS]) {
      expect(existsSync(path.join(import.meta.dirname, '../client/src/pictograms', pictogramFile(choice.emoji))), `${choice.emoji} is bundled`).toBe(true);
      for (const locale of ['ja', 'en']) expect(messages[locale]![`pictogram.${choice.name}`], `${locale} names ${choice.name}`).toBeTruthy();
    }
    for (const { name } of CATEGORY_COLOURS) for (const locale of ['ja', 'en']) expect(messages[locale]![`colour.${name}`]).toBeTruthy();
    expect(AVATAR_CHOICES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(AVATAR_CHOICES.map((choice) => choice.emoji)).size).toBe(AVATAR_CHOICES.length);
  });

  it('has every default category in the sets the server accepts', () => {
    for (const category of DEFAULT_CATEGORIES) {
      expect(CATEGORY_PICTOGRAMS.some((choice) => choice.emoji === category.pictogram), category.id).toBe(true);
      expect(CATEGORY_COLOURS.some((choice) => choice.colour === category.colour), category.id).toBe(true);
    }
  });
});

describe.each(databaseKinds())('[issue 9] roster and categories through the API (%s)', (kind) => {
  let server: TestApp;
  let staff: ApiClient;
  let board: Board;

  beforeAll(async () => {
    server = await buildTestApp({ kind });
    staff = new ApiClient(server.app);
    await staff.login();
    board = await staff.createBoard('名前カードのボード');
  });
  afterAll(() => server.stop());

  async function card(displayName: string, extra: Record<string, unknown> = {}): Promise<Participant> {
    return expectOk(await staff.post<Participant>('/api/participants', { displayName, ...extra }));
  }

  async function joinPage(): Promise<JoinInfo> {
    return new ApiClient(server.app).joinInfo(board.joinCode!);
  }

  async function row(id: string) {
    const [found] = await server.database.db.select().from(participants).where(eq(participants.id, id));
    return found!;
  }

  async function settings(): Promise<unknown> {
    const { facilityId } = expectOk(await staff.get<Me>('/api/me'));
    const [facility] = await server.database.db.select().from(facilities).where(eq(facilities.id, facilityId));
    return facility!.settings;
  }

  describe('a name card', () => {
    it('changes its name, reading and avatar, and the join page shows the change', async () => {
      const aoi = await card('あおい', { reading: 'あおい', avatar: '🐶' });
      const changed = expectOk(
        await staff.patch<Participant>(`/api/participants/${aoi.id}`, { displayName: '青井', reading: 'あおい さん', avatar: '🌻' }),
      );
      expect(changed).toMatchObject({ id: aoi.id, displayName: '青井', reading: 'あおい さん', avatar: '🌻', hasPin: false, active: true });
      expect((await joinPage()).participants).toContainEqual({ id: aoi.id, displayName: '青井', reading: 'あおい さん', avatar: '🌻', hasPin: false });
      // No picture at all is allowed: the card shows a plain figure.
      expect(expectOk(await staff.patch<Participant>(`/api/participants/${aoi.id}`, { avatar: '' })).avatar).toBe('');
    });

    it('gets a PIN, a new one, and none, and joining asks for it only while it has one', async () => {
      const ken = await card('けん');
      const join = (pin?: string) =>
        new ApiClient(server.app).post<Me>('/api/join', { code: board.joinCode, participantId: ken.id, ...(pin ? { pin } : {}) });

      expect(expectOk(await staff.patch<Participant>(`/api/participants/${ken.id}`, { pin: '1234' })).hasPin).toBe(true);
      expect((await join()).status).toBe(401);
      expect((await join('1234')).status).toBe(200);

      expect(expectOk(await staff.patch<Participant>(`/api/participants/${ken.id}`, { pin: '5678' })).hasPin).toBe(true);
      expect((await join('1234')).status).toBe(401);
      expect((await join('5678')).status).toBe(200);

      const removed = expectOk(await staff.patch<Participant>(`/api/participants/${ken.id}`, { pin: null }));
      expect(removed).toMatchObject({ hasPin: false, pinLockedUntil: null });
      expect((await row(ken.id)).pinHash).toBeNull();
      expect((await join()).status).toBe(200);
    });

    it('leaves the join page while deactivated and comes back when reactivated', async () => {
      const mika = await card('みか');
      const session = new ApiClient(server.app);
      expectOk(await session.post<Me>('/api/join', { code: board.joinCode, participantId: mika.id }));

      expect(expectOk(await staff.patch<Participant>(`/api/participants/${mika.id}`, { active: false })).active).toBe(false);
      expect((await joinPage()).participants.map((p) => p.id)).not.toContain(mika.id);
      // Rights end at once: the session from before opens nothing, and the card cannot be chosen.
      expect((await session.get(`/api/boards/${board.id}/token`)).status).toBe(401);
      expect((await new ApiClient(server.app).post('/api/join', { code: board.joinCode, participantId: mika.id })).status).not.toBe(200);
      // Staff still see the card, to bring it back.
      expect(expectOk(await staff.get<Participant[]>('/api/participants')).find((p) => p.id === mika.id)?.active).toBe(false);

      expect(expectOk(await staff.patch<Participant>(`/api/participants/${mika.id}`, { active: true })).active).toBe(true);
      expect((await joinPage()).participants.map((p) => p.id)).toContain(mika.id);
      expect((await new ApiClient(server.app).post('/api/join', { code: board.joinCode, participantId: mika.id })).status).toBe(200);
    });

    it('is not a guest: a guest cannot be edited or brought back as a roster card, only sent home', async () => {
      const guestMe = await new ApiClient(server.app).joinAsGuest(board.joinCode!, 'ゲストのひと');
      const answer = await staff.patch(`/api/participants/${guestMe.id}`, { active: true, displayName: 'なりすまし' });
      expect(answer.status).toBe(404);
      expect((await row(guestMe.id)).displayName).toBe('ゲストのひと');
      // Ending a guest's visit is the one change staff make to a guest (tests/rights-lifetime.test.ts).
      expect((await staff.patch(`/api/participants/${guestMe.id}`, { active: false })).status).toBe(200);
      expect((await row(guestMe.id)).active).toBe(false);
      expect((await staff.patch(`/api/participants/${guestMe.id}`, { active: true })).status).toBe(404);
      expect((await row(guestMe.id)).active).toBe(false);
    });

    const BAD_PATCHES: [string, unknown][] = [
      ['an empty body', {}],
      ['an unknown field', { nickname: 'あーちゃん' }],
      ['a blank name', { displayName: '   ' }],
      ['a name too long', { displayName: 'あ'.repeat(DISPLAY_NAME_MAX + 1) }],
      ['a name that is a number', { displayName: 7 }],
      ['a PIN of three digits', { pin: '123' }],
      ['a PIN of five digits', { pin: '12345' }],
      ['a PIN with a letter', { pin: '12a4' }],
      ['a PIN as a number', { pin: 1234 }],
      ['active as a string', { active: 'no' }],
      ['active as null', { active: null }],
      ['an avatar too long', { avatar: '🐶'.repeat(AVATAR_MAX + 1) }],
      ['a good field beside a bad one', { displayName: 'よい名前', pin: 'abcd' }],
    ];

    it.each(BAD_PATCHES)('refuses %s with 400 and changes nothing', async (_name, body) => {
      const target = await card('かわらない', { reading: 'かわらない', avatar: '🐱', pin: '2468' });
      const before = await row(target.id);
      const answer = await staff.patch(`/api/participants/${target.id}`, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toHaveProperty('error.code', 'bad_request');
      expect(await row(target.id)).toEqual(before);
    });
  });

  describe('the categories', () => {
    const mine = [
      { id: 'packing', label: { ja: 'はこづめ', en: 'Packing' }, pictogram: '📦', colour: '#E69F00' },
      { label: { ja: 'パンづくり', en: '' }, pictogram: '🍞', colour: '#f0e442' },
      { id: 'cleaning', label: { ja: 'そうじ', en: 'Cleaning' }, pictogram: '🧹', colour: '#56B4E9' },
    ];

    it('are the defaults until staff configure them, then what staff saved, on every board', async () => {
      const before = expectOk(await staff.get<FacilityCategories>('/api/facility/categories'));
      expect(before).toEqual({ categories: [...DEFAULT_CATEGORIES], configured: false });

      const saved = expectOk(await staff.request<FacilityCategories>('PUT', '/api/facility/categories', { categories: mine }));
      expect(saved.configured).toBe(true);
      expect(saved.categories.map((c) => c.label.ja)).toEqual(['はこづめ', 'パンづくり', 'そうじ']);
      // Kept categories keep their ids (ideas store them); the new one gets an id of its own.
      expect(saved.categories[0]!.id).toBe('packing');
      expect(saved.categories[2]!.id).toBe('cleaning');
      expect(saved.categories[1]!.id).toMatch(/^[A-Za-z0-9]{16}$/);
      // An empty English label is the Japanese one; a colour is spelt as the palette spells it.
      expect(saved.categories[1]).toMatchObject({ label: { ja: 'パンづくり', en: 'パンづくり' }, colour: '#F0E442' });

      expect(expectOk(await staff.get<FacilityCategories>('/api/facility/categories'))).toEqual(saved);
      const context = expectOk(await staff.get<BoardContext>(`/api/boards/${board.id}/context`));
      expect(context.categories).toEqual(saved.categories);

      // Reordering and removing are one save.
      const reordered = expectOk(
        await staff.request<FacilityCategories>('PUT', '/api/facility/categories', { categories: [saved.categories[2], saved.categories[1]] }),
      );
      expect(reordered.categories.map((c) => c.id)).toEqual([saved.categories[2]!.id, saved.categories[1]!.id]);
    });

    it('keep the facility\'s other settings', async () => {
      const { facilityId } = expectOk(await staff.get<Me>('/api/me'));
      await server.database.db.update(facilities).set({ settings: { staffSeeAnonymousAuthors: false } }).where(eq(facilities.id, facilityId));
      expectOk(await staff.request('PUT', '/api/facility/categories', { categories: mine }));
      expect(await settings()).toMatchObject({ staffSeeAnonymousAuthors: false, categories: expect.any(Array) });
    });

    const one = mine[0]!;
    const BAD_LISTS: [string, unknown][] = [
      ['no body fields', {}],
      ['a list that is not a list', { categories: one }],
      ['an empty list', { categories: [] }],
      [`more than ${CATEGORIES_MAX}`, { categories: Array.from({ length: CATEGORIES_MAX + 1 }, (_, i) => ({ ...one, id: `c${i}`, label: { ja: `しごと${i}`, en: '' } })) }],
      ['two categories with one id', { categories: [one, { ...one, label: { ja: 'べつ', en: '' } }] }],
      ['two categories with one name', { categories: [one, { ...one, id: 'other' }] }],
      ['an id with a space', { categories: [{ ...one, id: 'two words' }] }],
      ['an empty id', { categories: [{ ...one, id: '' }] }],
      ['a blank Japanese name', { categories: [{ ...one, label: { ja: '  ', en: 'Packing' } }] }],
      ['no Japanese name', { categories: [{ ...one, label: { en: 'Packing' } }] }],
      ['a name too long', { categories: [{ ...one, label: { ja: 'あ'.repeat(CATEGORY_LABEL_MAX + 1), en: '' } }] }],
      ['a pictogram the picker does not offer', { categories: [{ ...one, pictogram: '🍺' }] }],
      ['a pictogram that is text', { categories: [{ ...one, pictogram: 'box' }] }],
      ['a colour outside the palette', { categories: [{ ...one, colour: '#FF0000' }] }],
      ['a colour that is a word', { categories: [{ ...one, colour: 'red' }] }],
      ['an unknown field in a category', { categories: [{ ...one, icon: '📦' }] }],
      ['an unknown field beside the list', { categories: [one], extra: true }],
      ['a label in a third language', { categories: [{ ...one, label: { ja: 'はこ', en: 'Box', fr: 'Boîte' } }] }],
    ];

    it.each(BAD_LISTS)('refuse %s with 400 and change nothing', async (_name, body) => {
      const before = await settings();
      const answer = await staff.request('PUT', '/api/facility/categories', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body).toHaveProperty('error.code', 'bad_request');
      expect(await settings()).toEqual(before);
    });
  });
});
