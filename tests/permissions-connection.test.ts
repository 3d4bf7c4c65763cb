/**
 * [spec 4, 6] Identity is the connection's, not the document's: ids written into the document and
 * presence are checked against the token; the projector's connection is read-only; content outside
 * the board's shape is refused; a connection that keeps breaking rules is closed with 4403.
 */
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, boardRoots, castVote, createProject, editIdea, giveThanks, setLead, setMember, setMeta } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { useScenes, type Person } from './helpers/permission-scene';
import { eventually } from './helpers/yjs-client';

const scenes = useScenes();

describe('[spec 6] identity is the connection’s, not the document’s', () => {
  it('refuses a participant writing another’s votes (votes.own) or thanks (thanks.own)', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.refused(ken, 'ken thanks his own idea in aoi’s name', 'thanks.own', (doc) => giveThanks(doc, aoi.actorId, 'idea-1'),
      (view) => view.raw.thanks[aoi.actorId]?.['idea-1'] !== undefined);
    await scene.staffSets({ phase: 'vote' });
    await scene.refused(ken, 'ken votes with aoi’s dots', 'votes.own', (doc) => castVote(doc, aoi.actorId, 'idea-1', 2),
      (view) => view.raw.votes[aoi.actorId]?.['idea-1'] === 2);
    await scene.allowed(aoi, 'aoi votes', (doc) => castVote(doc, aoi.actorId, 'idea-1', 1), (view) => view.board.votes[aoi.actorId]?.['idea-1'] === 1);
    await scene.everybodyHas(aoi);
    await scene.refused(ken, 'ken takes aoi’s dot away', 'votes.own', (doc) => castVote(doc, aoi.actorId, 'idea-1', -1),
      (view) => view.raw.votes[aoi.actorId]?.['idea-1'] === undefined);
  });

  it('refuses posting with another’s authorId (idea.author), or rewriting who wrote an idea (idea.identity)', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.refused(ken, 'ken posts as aoi', 'idea.author', (doc) => addIdea(doc, { id: 'as-aoi', text: 'あおいの案?', authorId: aoi.actorId }),
      (view) => 'as-aoi' in view.raw.ideas);
    await scene.posts(ken, 'ken-1');
    await scene.refused(ken, 'ken hands his idea to aoi', 'idea.identity',
      (doc) => doc.transact(() => boardRoots(doc).ideas.get('ken-1')!.set('authorId', aoi.actorId)),
      (view) => view.board.ideas['ken-1']?.authorId === aoi.actorId);
    await scene.refused(ken, 'ken backdates his idea', 'idea.identity',
      (doc) => doc.transact(() => boardRoots(doc).ideas.get('ken-1')!.set('createdAt', 1)),
      (view) => view.board.ideas['ken-1']?.createdAt === 1);
  });

  it('refuses taking a lead somebody holds (project.lead) and adding somebody else as a member (project.members)', async () => {
    const scene = await scenes.open();
    const { aoi, ken, mio } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.staffSets({ phase: 'projects' });
    await scene.allowed(scene.staff, 'staff make a project', (doc) => createProject(doc, { id: 'p1', ideaId: 'idea-1', title: '箱' }),
      (view) => 'p1' in view.board.projects);
    await scene.everybodyHas(scene.staff);
    await scene.allowed(ken, 'ken claims the lead', (doc) => setLead(doc, 'p1', ken.actorId), (view) => view.board.projects.p1?.leadId === ken.actorId);
    await scene.everybodyHas(ken);
    await scene.refused(mio, 'mio takes ken’s lead', 'project.lead', (doc) => setLead(doc, 'p1', mio.actorId),
      (view) => view.board.projects.p1?.leadId === mio.actorId);
    await scene.refused(ken, 'the lead adds aoi as a member', 'project.members', (doc) => setMember(doc, 'p1', aoi.actorId, true),
      (view) => !!view.board.projects.p1?.members.includes(aoi.actorId));
  });

  it('shows a client that claims someone else’s user.id in presence with its own token’s identity', async () => {
    const scene = await scenes.open();
    const { aoi, ken, observer } = scene;
    const presence = (person: Person) => person.client.provider.awareness;
    const seen: Array<[number, unknown]> = [];
    presence(observer).on('change', () => {
      for (const [clientId, state] of presence(observer).getStates()) seen.push([clientId, state]);
    });

    presence(aoi).setLocalState({ user: { id: aoi.actorId, name: 'あおい', avatar: 'cat', role: 'participant' } });
    presence(ken).setLocalState({ user: { id: aoi.actorId, name: 'あおい', avatar: 'cat', role: 'staff' } });
    await eventually(() => {
      expect(presence(observer).getStates().get(ken.doc.clientID)).toEqual({
        user: { id: ken.actorId, name: 'けん', avatar: 'cat', role: 'guest' },
      });
      expect(presence(observer).getStates().get(aoi.doc.clientID)).toMatchObject({ user: { id: aoi.actorId, name: 'あおい', role: 'participant' } });
    });

    // ken also writes a presence state for aoi's client id, straight onto his socket.
    const forgedDoc = new Y.Doc();
    forgedDoc.clientID = aoi.doc.clientID;
    const forged = new awarenessProtocol.Awareness(forgedDoc);
    for (let clock = 0; clock < 10; clock++) forged.setLocalState({ user: { id: aoi.actorId, name: 'にせもの' } });
    const message = encoding.createEncoder();
    encoding.writeVarUint(message, 1); // y-websocket's awareness message
    encoding.writeVarUint8Array(message, awarenessProtocol.encodeAwarenessUpdate(forged, [forgedDoc.clientID]));
    ken.client.provider.ws!.send(encoding.toUint8Array(message));
    presence(ken).setLocalStateField('user', { avatar: 'dog' });
    await eventually(() => expect(presence(observer).getStates().get(ken.doc.clientID)).toMatchObject({ user: { avatar: 'dog' } }));
    expect(presence(observer).getStates().get(aoi.doc.clientID)).toMatchObject({ user: { id: aoi.actorId, name: 'あおい' } });

    for (const [clientId, state] of seen) {
      const user = (state as { user?: { id?: string; name?: string } }).user;
      if (clientId === ken.doc.clientID) expect(user?.id, 'ken never appears as aoi').toBe(ken.actorId);
      if (clientId === aoi.doc.clientID) expect(user?.name, 'aoi’s presence is never overwritten').toBe('あおい');
    }
    forged.destroy();
    forgedDoc.destroy();
  });
});

describe('[spec 5] presence carries only what presence is for', () => {
  it('relays neither extra fields nor an oversized state: the sender shows as their bare identity', async () => {
    const scene = await scenes.open();
    const { ken, observer } = scene;
    const presence = (person: Person) => person.client.provider.awareness;
    const received: number[] = [];
    observer.client.provider.ws!.addEventListener('message', (event: { data: unknown }) => {
      const data = event.data as ArrayBuffer | Buffer;
      received.push(data instanceof ArrayBuffer ? data.byteLength : data.length);
    });

    presence(ken).setLocalState({ user: { avatar: 'cat' }, cursor: 3, secret: 'x'.repeat(500) });
    await eventually(() =>
      expect(presence(observer).getStates().get(ken.doc.clientID)).toEqual({ user: { id: ken.actorId, name: 'けん', role: 'guest' } }),
    );
    presence(ken).setLocalState({ user: { avatar: 'dog' } });
    await eventually(() => expect(presence(observer).getStates().get(ken.doc.clientID)).toMatchObject({ user: { avatar: 'dog' } }));
    for (let i = 0; i < 5; i++) presence(ken).setLocalState({ user: { avatar: 'y'.repeat(200_000 + i) } });
    await eventually(() =>
      expect(presence(observer).getStates().get(ken.doc.clientID)).toEqual({ user: { id: ken.actorId, name: 'けん', role: 'guest' } }),
    );
    // Five 200 KB states reached the observer as a few hundred bytes.
    expect(Math.max(...received)).toBeLessThan(2000);
  });
});

describe('[spec 4, 6] the projector and content outside the board', () => {
  it('refuses every kind of update from a viewer connection (viewer.read-only)', async () => {
    const scene = await scenes.open();
    const { viewer, ken } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.refused(viewer, 'the projector posts, votes, thanks, runs the meeting and starts a project in one go',
      ['viewer.read-only', 'viewer.read-only', 'viewer.read-only', 'viewer.read-only', 'viewer.read-only', 'viewer.read-only'],
      (doc) => doc.transact(() => {
        addIdea(doc, { id: 'v-1', text: '映す案', authorId: viewer.actorId });
        castVote(doc, viewer.actorId, 'idea-1', 1);
        giveThanks(doc, viewer.actorId, 'idea-1');
        setMeta(doc, { phase: 'closed' });
        createProject(doc, { id: 'p-v', ideaId: 'idea-1', title: '映す' });
      }),
      (view) =>
        'v-1' in view.raw.ideas ||
        viewer.actorId in view.raw.votes ||
        viewer.actorId in view.raw.thanks ||
        view.raw.meta.phase === 'closed' ||
        'p-v' in view.raw.projects ||
        view.raw.ideas['idea-1']?.status === 'project');
    await scene.refused(viewer, 'the projector writes outside the board', 'shape',
      (doc) => doc.getMap('notes').set('hello', 'world'), (view) => 'notes' in view.raw.other);
  });

  it('refuses root types outside the board’s shape from anybody (shape), and keeps what else the update carried', async () => {
    const scene = await scenes.open();
    const { ken } = scene;
    await scene.refused(ken, 'ken writes a root map of his own', 'shape', (doc) => doc.getMap('evil').set('x', 1),
      (view) => 'evil' in view.raw.other);
    await scene.refused(ken, 'ken writes a root list of his own', 'shape', (doc) => doc.getArray<number>('evil-list').push([1, 2]),
      (view) => 'evil-list' in view.raw.other);
    await scene.refused(ken, 'ken writes a root text', 'shape', (doc) => doc.getText('evil-text').insert(0, 'hi'),
      (view) => 'evil-text' in view.raw.other);
    await scene.refused(ken, 'ken writes an odd key into meta', 'shape', (doc) => doc.transact(() => boardRoots(doc).meta.set('owner', ken.actorId)),
      (view) => view.raw.meta.owner !== undefined);

    // Decided per entry: the allowed idea in the same update stays, the foreign root goes.
    ken.doc.transact(() => {
      addIdea(ken.doc, { id: 'kept', text: '残る案', authorId: ken.actorId });
      ken.doc.getMap('evil-2').set('x', 1);
    });
    await eventually(() => expect(scene.observer.seen.at(-1)?.board.ideas.kept?.authorId).toBe(ken.actorId));
    await eventually(() => expect(scene.refusals(ken).at(-1)?.rule).toBe('shape'));
    expect(scene.observer.seen.some((view) => 'evil-2' in view.raw.other)).toBe(false);
  });
});

describe('[spec 4, 6] a connection that keeps breaking the rules', () => {
  it('is closed with 4403 at the 20th refusal in a minute, and the others keep working', async () => {
    const scene = await scenes.open();
    const { mio, ken, observer } = scene;
    const closes: number[] = [];
    mio.client.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));

    for (let i = 0; i < 19; i++) setMeta(mio.doc, { title: `みおのボード ${i}` });
    await eventually(() => expect(scene.refusals(mio)).toHaveLength(19));
    await eventually(() => expect(mio.doc.getMap('meta').get('title')).toBe('permissions'));
    expect(closes, 'still connected after 19').toEqual([]);
    expect(mio.client.provider.wsconnected).toBe(true);

    setMeta(mio.doc, { title: 'みおのボード 19' });
    await eventually(() => expect(closes).toEqual([CloseCode.forbidden]));
    expect(scene.refusals(mio).map((refusal) => refusal.rule)).toEqual(Array(20).fill('meta.staff'));
    expect(mio.client.provider.shouldConnect, 'y-websocket does not retry a 44xx close').toBe(false);

    await scene.allowed(ken, 'ken posts after mio is gone', (doc) => addIdea(doc, { id: 'after', text: 'まだ動く', authorId: ken.actorId }),
      (view) => 'after' in view.raw.ideas);
    expect(observer.seen.some((view) => view.raw.meta.title.startsWith('みお'))).toBe(false);
  });
});

describe('[spec 4] out-of-order updates', () => {
  // The resync code lies outside 4400–4499 because y-websocket gives up on those: an unmodified
  // provider must come back by itself and converge.
  it('a client closed for out-of-order structs comes back by itself and converges', async () => {
    const scene = await scenes.open();
    const { ken, mio, observer } = scene;
    const closes: number[] = [];
    ken.client.provider.on('connection-close', (event) => event && closes.push(event.code));
    // The idea's update is lost on the way; the edit that depends on it arrives.
    const socket = ken.client.provider.ws!;
    const send = socket.send.bind(socket);
    socket.send = () => {};
    addIdea(ken.doc, { id: 'ken-1', text: 'けんの案', authorId: ken.actorId });
    socket.send = send;
    editIdea(ken.doc, 'ken-1', { text: 'けんの案、直した' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    addIdea(mio.doc, { id: 'mio-1', text: 'みおの案', authorId: mio.actorId });

    await eventually(() => expect(closes).toEqual([CloseCode.resync]));
    await eventually(() => expect(observer.seen.at(-1)?.board.ideas['ken-1']?.text).toBe('けんの案、直した'), { timeoutMs: 2000 });
  });
});

describe('[spec 4] refusals are counted in /metrics', () => {
  async function refusedCounts(): Promise<Map<string, number>> {
    const response = await fetch(`${scenes.server.url}/metrics`);
    expect(response.status).toBe(200);
    const counts = new Map<string, number>();
    for (const [, rule, count] of (await response.text()).matchAll(/^teian_refused_changes_total\{rule="([^"]+)"\} (\d+)$/gm)) {
      counts.set(rule!, Number(count));
    }
    return counts;
  }

  it('counts every refused change as teian_refused_changes_total{rule="…"}, one per refused entry', async () => {
    const scene = await scenes.open();
    await scene.posts(scene.ken, 'idea-1');
    const before = await refusedCounts();
    await scene.refused(scene.ken, 'ken starts the vote', 'meta.staff', (doc) => setMeta(doc, { phase: 'vote' }),
      (view) => view.raw.meta.phase === 'vote');
    await scene.refused(scene.viewer, 'the projector makes a project', ['viewer.read-only', 'viewer.read-only'],
      (doc) => createProject(doc, { id: 'p1', ideaId: 'idea-1', title: '映す' }), (view) => 'p1' in view.raw.projects);
    const after = await refusedCounts();
    expect(after.get('meta.staff')! - (before.get('meta.staff') ?? 0)).toBe(1);
    expect(after.get('viewer.read-only')! - (before.get('viewer.read-only') ?? 0)).toBe(2);
  });
});
