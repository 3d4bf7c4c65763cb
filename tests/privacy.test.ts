/**
 * [spec 1, 5, 6] Anonymous means anonymous to peers (docs/permissions.md, "Anonymous ideas").
 *
 * Every client holds the whole board, so the test reads what a peer can read: a participant's and a
 * projector's copies from real websocket clients (the idea's `authorId`, and which Yjs client wrote
 * each of its structs, set against that peer's presence list and every other struct), and the
 * answer of every route a participant or guest may call. None of it may tie an anonymous idea to
 * its author. The author can still edit it; staff can still name them.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { facilities } from '../drizzle/schema';
import type { BoardContext } from '../shared/api';
import type { EventPage } from '../shared/history';
import { addIdea, boardRoots, deleteIdea, editIdea, giveThanks } from '../shared/board';
import { transactUnlinked } from '../client/src/lib/unlinked-write';
import { expectOk } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { useScenes, type Person, type Scene } from './helpers/permission-scene';
import { eventually } from './helpers/yjs-client';

/** The Yjs client ids that made the structs of idea `ideaId`: the entry itself and its fields. */
function writersOf(doc: Y.Doc, ideaId: string): Set<number> {
  const ideas = boardRoots(doc).ideas;
  const idea = ideas.get(ideaId);
  const writers = new Set<number>();
  for (const [client, structs] of doc.store.clients) {
    for (const struct of structs) {
      if (!(struct instanceof Y.Item)) continue;
      const ofIdea = (struct.parent === ideas && struct.parentSub === ideaId) || (idea !== undefined && struct.parent === idea);
      if (ofIdea) writers.add(client);
    }
  }
  return writers;
}

/** Client ids that wrote anything that is not one of the anonymous ideas. */
function writersOfTheRest(doc: Y.Doc, anonymousIdeaIds: readonly string[]): Set<number> {
  const excluded = new Set(anonymousIdeaIds.flatMap((id) => [...writersOf(doc, id)]));
  const rest = new Set<number>();
  for (const [client, structs] of doc.store.clients) {
    if (structs.length > 0 && !excluded.has(client)) rest.add(client);
  }
  return rest;
}

/** Everything in `peer`'s copy and presence list that names the author of anonymous idea `ideaId`. */
function linksToAuthor(peer: Person, ideaId: string, author: Person, anonymousIdeaIds: readonly string[]): string[] {
  const links: string[] = [];
  const idea = boardRoots(peer.doc).ideas.get(ideaId);
  if (!idea) return [`${peer.name} does not have ${ideaId}`];
  if (idea.get('authorId') === author.actorId) links.push('authorId is the author');
  const writers = writersOf(peer.doc, ideaId);
  const rest = writersOfTheRest(peer.doc, anonymousIdeaIds);
  for (const writer of writers) {
    if (rest.has(writer)) links.push(`client ${writer} also wrote other entries`);
    const present = peer.client.provider.awareness.getStates().get(writer);
    if (present) links.push(`client ${writer} is in the presence list as ${JSON.stringify(present)}`);
  }
  return links;
}

const postAnonymously = (author: Person, id: string, text: string) => (doc: Y.Doc) =>
  transactUnlinked(doc, (scratch) => addIdea(scratch, { id, text, authorId: author.anonymousId, anonymous: true }));

/** aoi, present and writing under her own name too, posts `secret` anonymously and edits it. */
async function aoiPostsAnonymously(scene: Scene): Promise<void> {
  const { aoi } = scene;
  aoi.client.provider.awareness.setLocalStateField('user', { id: aoi.actorId, name: 'あおい', avatar: '🌸' });
  await scene.posts(aoi, 'named', 'なまえつきの案');
  await scene.allowed(aoi, 'aoi thanks her named idea', (doc) => giveThanks(doc, aoi.actorId, 'named'), (view) => view.board.thanks[aoi.actorId]?.named === true);
  await scene.allowed(aoi, 'aoi posts anonymously', postAnonymously(aoi, 'secret', 'ひみつの案'), (view) => view.board.ideas.secret?.anonymous === true);
  await scene.allowed(aoi, 'aoi edits her anonymous idea', (doc) => transactUnlinked(doc, (scratch) => editIdea(scratch, 'secret', { text: 'ひみつの案（なおした）' })),
    (view) => view.board.ideas.secret?.text === 'ひみつの案（なおした）');
}

describe.each(databaseKinds())('[spec 6] anonymous ideas (%s)', (kind: DatabaseKind) => {
  const scenes = useScenes({ kind });

  it('leave nothing in a participant’s or the projector’s copy that names the author', async () => {
    const scene = await scenes.open();
    const { aoi, ken, viewer } = scene;
    await aoiPostsAnonymously(scene);

    for (const peer of [ken, viewer]) {
      await eventually(() => peer.client.provider.awareness.getStates().has(aoi.doc.clientID));
      expect(boardRoots(peer.doc).ideas.get('secret')?.get('authorId'), `${peer.name}: an anonymous id`).toBe(aoi.anonymousId);
      expect(linksToAuthor(peer, 'secret', aoi, ['secret']), `${peer.name}'s copy`).toEqual([]);
    }
    // The anonymous id names nobody a participant can look up.
    const context = expectOk(await ken.api.get<BoardContext>(`/api/boards/${scene.board.id}/context`));
    expect(context.people.map((person) => person.id)).not.toContain(aoi.anonymousId);
  });

  it('the check sees the link a careless client would leave (the idea written with the tab’s own client id)', async () => {
    const scene = await scenes.open();
    const { ken, mio } = scene;
    mio.client.provider.awareness.setLocalStateField('user', { id: mio.actorId, name: 'みお', avatar: '' });
    await scene.posts(mio, 'mio-named');
    await scene.allowed(mio, 'mio posts anonymously from her own client', (doc) =>
      addIdea(doc, { id: 'careless', text: 'うっかり', authorId: mio.anonymousId, anonymous: true }),
    (view) => view.board.ideas.careless !== undefined);
    await eventually(() => ken.client.provider.awareness.getStates().has(mio.doc.clientID));
    expect(linksToAuthor(ken, 'careless', mio, ['careless']).length).toBeGreaterThan(0);
  });

  it('no route a participant or guest may call names the author', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await aoiPostsAnonymously(scene);
    const boardId = scene.board.id;
    const answers = [
      await ken.api.get('/api/me'),
      await ken.api.get(`/api/boards/${boardId}/context`),
      await ken.api.get(`/api/boards/${boardId}/token`),
      await ken.api.get(`/api/join/${scene.board.joinCode}`),
      await ken.api.get(`/api/boards/${boardId}`),
      await ken.api.get(`/api/boards/${boardId}/events?ideaId=secret`),
      await ken.api.get('/api/participants'),
    ];
    for (const answer of answers) {
      const body = JSON.stringify(answer.body);
      expect(body, `${answer.status} ${body.slice(0, 200)}`).not.toContain(aoi.anonymousId);
      expect(body).not.toContain('anonymousAuthors');
    }
    // The history is staff's: a guest's session is refused it, and its CSV, outright.
    expect(answers[5]!.status).toBe(403);
    expect((await ken.api.get(`/api/boards/${boardId}/events.csv`)).status).toBe(403);
    // The author learns only her own anonymous id.
    const own = expectOk(await aoi.api.get<BoardContext>(`/api/boards/${boardId}/context`));
    expect(own.anonymousId).toBe(aoi.anonymousId);
    expect(own.anonymousAuthors).toBeUndefined();
  });

  it('the guard keeps anonymous ideas anonymous and lets only the author change them', async () => {
    const scene = await scenes.open();
    const { aoi, ken, mio } = scene;
    await scene.refused(ken, 'ken posts “anonymously” under his own id', 'idea.anonymous', (doc) =>
      addIdea(doc, { id: 'named-anon', text: 'x', authorId: ken.actorId, anonymous: true }),
    (view) => view.board.ideas['named-anon'] !== undefined);
    await scene.refused(ken, 'ken posts under aoi’s anonymous id', 'idea.author', postAnonymously(aoi, 'forged', 'にせもの'),
      (view) => view.board.ideas.forged !== undefined);
    await scene.refused(ken, 'ken posts a named idea under an anonymous id', 'idea.anonymous', (doc) =>
      addIdea(doc, { id: 'masked', text: 'x', authorId: ken.anonymousId, anonymous: false }),
    (view) => view.board.ideas.masked !== undefined);

    await scene.allowed(aoi, 'aoi posts anonymously', postAnonymously(aoi, 'secret', 'ひみつ'), (view) => view.board.ideas.secret !== undefined);
    await scene.refused(mio, 'mio edits aoi’s anonymous idea', 'idea.edit', (doc) => editIdea(doc, 'secret', { text: 'かえた' }),
      (view) => view.board.ideas.secret?.text === 'かえた');
    await scene.refused(aoi, 'aoi unmasks her idea', 'idea.identity', (doc) => editIdea(doc, 'secret', { anonymous: false }),
      (view) => view.board.ideas.secret?.anonymous === false);
    await scene.posts(aoi, 'plain', 'ふつう');
    await scene.refused(aoi, 'aoi masks her named idea', 'idea.identity', (doc) =>
      editIdea(doc, 'plain', { anonymous: true, authorId: aoi.anonymousId } as never),
    (view) => view.board.ideas.plain?.anonymous === true);
    await scene.allowed(aoi, 'aoi deletes her anonymous idea', (doc) => transactUnlinked(doc, (scratch) => deleteIdea(scratch, 'secret')),
      (view) => view.board.ideas.secret === undefined);
  });

  it('staff see who wrote an anonymous idea, unless the facility turns that off', async () => {
    const scene = await scenes.open();
    const { aoi } = scene;
    await aoiPostsAnonymously(scene);
    const path = `/api/boards/${scene.board.id}/context`;
    const staffContext = expectOk(await scenes.staffApi.get<BoardContext>(path));
    expect(staffContext.anonymousAuthors?.[aoi.anonymousId]).toBe(aoi.actorId);
    const events = `/api/boards/${scene.board.id}/events?ideaId=secret`;
    const actors = async () => expectOk(await scenes.staffApi.get<EventPage>(events)).events.map((event) => event.actorId);
    expect(await actors()).toEqual([aoi.actorId, aoi.actorId]);

    const { db } = scenes.server.database;
    const me = expectOk(await scenes.staffApi.get<{ facilityId: string }>('/api/me'));
    const [facility] = await db.select().from(facilities).where(eq(facilities.id, me.facilityId));
    try {
      await db.update(facilities).set({ settings: { ...(facility!.settings as object), staffSeeAnonymousAuthors: false } }).where(eq(facilities.id, me.facilityId));
      expect(expectOk(await scenes.staffApi.get<BoardContext>(path)).anonymousAuthors).toBeUndefined();
      // The history names the anonymous id too, and no one else for her anonymous idea.
      expect(await actors()).toEqual([aoi.anonymousId, aoi.anonymousId]);
      expect(JSON.stringify((await scenes.staffApi.get(events)).body)).not.toContain(aoi.actorId);
    } finally {
      await db.update(facilities).set({ settings: facility!.settings }).where(eq(facilities.id, me.facilityId));
    }
  });
});
