/**
 * [spec 4, 6] Rights are checked for as long as a socket lives: taking a participant off the roster
 * closes their sockets at once and refuses new ones, whatever token they still hold; turning guests
 * off closes the guests; turning anonymity off refuses new anonymous ideas. Board settings are the
 * guard's business, not only the client's.
 */
import { describe, expect, it } from 'vitest';
import { addIdea, editIdea } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { useScenes, type Person } from './helpers/permission-scene';
import { connectBoard, eventually } from './helpers/yjs-client';

const scenes = useScenes();

function closesOf(person: Person): number[] {
  const codes: number[] = [];
  person.client.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
  return codes;
}

describe('[spec 4] rights that end while a socket is open', () => {
  it('closes a participant’s socket within a second of being taken off the roster, and refuses their old token', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    const aoiCloses = closesOf(aoi);
    const kenCloses = closesOf(ken);
    // A token minted before the change, as a stolen or forgotten tablet would still hold.
    const oldToken = await scenes.server.tokens.issue(scene.board.id, { id: aoi.actorId, role: 'participant', name: 'あおい' });

    const started = Date.now();
    const answer = await scenes.staffApi.patch(`/api/participants/${aoi.actorId}`, { active: false });
    expect(answer.status).toBe(200);
    await eventually(() => expect(aoiCloses).toEqual([CloseCode.forbidden]), { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(kenCloses).toEqual([]);

    const again = connectBoard(scenes.server.url, scene.board.id, oldToken.token);
    const closed = new Promise<number>((resolve) => again.provider.once('closed', (event) => resolve(event.code)));
    expect(await closed).toBe(CloseCode.forbidden);
    again.close();
  });

  it('closes the guests when staff turn guests off, and lets no guest back in; others stay', async () => {
    const scene = await scenes.open();
    const { aoi, ken, mio } = scene;
    const [aoiCloses, kenCloses, mioCloses] = [closesOf(aoi), closesOf(ken), closesOf(mio)];
    const kenToken = await scenes.server.tokens.issue(scene.board.id, { id: ken.actorId, role: 'guest', name: 'けん' });

    expect((await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { allowGuests: false })).status).toBe(200);
    await eventually(() => {
      expect(kenCloses).toEqual([CloseCode.forbidden]);
      expect(mioCloses).toEqual([CloseCode.forbidden]);
    });
    expect(aoiCloses).toEqual([]);
    const again = connectBoard(scenes.server.url, scene.board.id, kenToken.token);
    const closed = new Promise<number>((resolve) => again.provider.once('closed', (event) => resolve(event.code)));
    expect(await closed).toBe(CloseCode.forbidden);
    again.close();
    await scene.allowed(aoi, 'aoi still writes', (doc) => addIdea(doc, { id: 'still-open', text: 'まだ書ける', authorId: aoi.actorId }),
      (view) => view.board.ideas['still-open'] !== undefined);
  });

  it('refuses a new anonymous idea once staff turn anonymity off (settings.anonymous); earlier ones stay anonymous', async () => {
    const scene = await scenes.open();
    const { aoi } = scene;
    await scene.allowed(aoi, 'aoi posts anonymously while allowed',
      (doc) => addIdea(doc, { id: 'before', text: 'まえの案', authorId: aoi.actorId, anonymous: true }),
      (view) => view.board.ideas.before?.anonymous === true);
    expect((await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { allowAnonymous: false })).status).toBe(200);

    await scene.refused(aoi, 'aoi posts anonymously after it was turned off', 'settings.anonymous',
      (doc) => addIdea(doc, { id: 'after', text: 'あとの案', authorId: aoi.actorId, anonymous: true }),
      (view) => view.board.ideas.after !== undefined);
    await scene.allowed(aoi, 'aoi edits her earlier anonymous idea', (doc) => editIdea(doc, 'before', { text: 'なおした' }),
      (view) => view.board.ideas.before?.text === 'なおした' && view.board.ideas.before.anonymous);
    await scene.allowed(aoi, 'aoi posts with her name', (doc) => addIdea(doc, { id: 'named', text: '名前つき', authorId: aoi.actorId }),
      (view) => view.board.ideas.named !== undefined);
  });
});
