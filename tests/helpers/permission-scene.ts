/**
 * A board with real y-websocket clients for the permission tests (spec 6): a roster participant,
 * two guests, a staff member, the projector (viewer) and an observer (a second staff connection
 * that never acts). Every client records each state its document passes through, so that a test
 * can show that a refused change was never seen by anybody but its sender — not merely that it
 * is gone at the end.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import * as Y from 'yjs';
import type { ActorRole, Board, BoardToken, Me, Participant } from '../../shared/api';
import { addIdea, boardRoots, boardToJson, readMeta, setMeta, type BoardJson, type Meta } from '../../shared/board';
import { ApiClient, expectOk } from './api-client';
import type { DatabaseKind } from './databases';
import { capturingLogger, type CapturingLogger } from './log';
import { startTestServer, type TestServer, type TestServerOptions } from './server';
import { connectBoard, eventually, type BoardClient } from './yjs-client';

/** The board as the app reads it, and as the document holds it (negative dots, odd keys and all). */
export interface View {
  board: BoardJson;
  raw: RawBoard;
}

export interface RawBoard {
  meta: Record<string, any>;
  ideas: Record<string, Record<string, any>>;
  votes: Record<string, Record<string, unknown>>;
  thanks: Record<string, Record<string, unknown>>;
  projects: Record<string, Record<string, any>>;
  passes: Record<string, unknown>;
  /** Root types outside the board's shape that hold something. */
  other: Record<string, unknown>;
}

const BOARD_ROOTS = new Set(['meta', 'ideas', 'votes', 'thanks', 'projects', 'passes']);

export function viewOf(doc: Y.Doc): View {
  const roots = boardRoots(doc);
  const other: Record<string, unknown> = {};
  for (const [name, type] of doc.share) {
    if (BOARD_ROOTS.has(name)) continue;
    // A root this client never asked for stays an untyped AbstractType: list what it holds.
    const keys = [...type._map].filter(([, item]) => !item.deleted).map(([key]) => key);
    let items = 0;
    for (let item = type._start; item !== null; item = item.right) if (!item.deleted) items++;
    if (keys.length > 0 || items > 0) other[name] = { keys, items };
  }
  return {
    board: boardToJson(doc),
    raw: {
      meta: roots.meta.toJSON(),
      ideas: roots.ideas.toJSON(),
      votes: roots.votes.toJSON(),
      thanks: roots.thanks.toJSON(),
      projects: roots.projects.toJSON(),
      passes: roots.passes.toJSON(),
      other,
    },
  };
}

/**
 * The document's content for comparing two clients, or a client before and after a refusal. An
 * empty `votes/<actor>` or `thanks/<actor>` map and a missing one mean the same (nothing given), and
 * the server restores "nothing" by removing the map, so the two compare equal here.
 */
export function contentOf(doc: Y.Doc): RawBoard {
  const { raw } = viewOf(doc);
  const nonEmpty = (entries: Record<string, Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(entries).filter(([, given]) => Object.keys(given).length > 0));
  return { ...raw, votes: nonEmpty(raw.votes), thanks: nonEmpty(raw.thanks) };
}

export interface Person {
  name: string;
  actorId: string;
  /** What this person's anonymous ideas carry as `authorId` (from their token's answer). */
  anonymousId: string;
  role: ActorRole;
  /** Their HTTP session (the viewer's has none: a projector holds only its token). */
  api: ApiClient;
  client: BoardClient;
  doc: Y.Doc;
  /** Every state this person's document was in, in order, from the moment it synced. */
  seen: View[];
}

/** One line of `log.warn('refused a change', …)`. */
export interface LoggedRefusal {
  actorId: string;
  role: string;
  rule: string;
}

interface Forbidden {
  what: string;
  by: Person;
  test: (view: View) => boolean;
  /** How many states each client had recorded when the act happened: what came before is not its doing. */
  from: Map<Person, number>;
}

export type Check = (view: View) => boolean;

export class Scene {
  readonly board: Board;
  /** A roster participant (role `participant`). */
  readonly aoi: Person;
  /** Guests (role `guest`): the same rights as a participant. */
  readonly ken: Person;
  readonly mio: Person;
  readonly staff: Person;
  readonly viewer: Person;
  /** A second staff connection that never acts: the "second client" of every check. */
  readonly observer: Person;
  readonly #log: CapturingLogger;
  readonly #forbidden: Forbidden[] = [];

  private constructor(board: Board, log: CapturingLogger, people: Record<'aoi' | 'ken' | 'mio' | 'staff' | 'viewer' | 'observer', Person>) {
    this.board = board;
    this.#log = log;
    this.aoi = people.aoi;
    this.ken = people.ken;
    this.mio = people.mio;
    this.staff = people.staff;
    this.viewer = people.viewer;
    this.observer = people.observer;
  }

  static async open(server: TestServer, staffApi: ApiClient, log: CapturingLogger, { voteBudget = 3 } = {}): Promise<Scene> {
    const board = await staffApi.createBoard('permissions', { voteBudget });
    const code = board.joinCode!;
    const roster = expectOk(await staffApi.post<Participant>('/api/participants', { displayName: 'あおい' }));
    const aoiApi = new ApiClient(server.url);
    const aoiMe = expectOk(await aoiApi.post<Me>('/api/join', { code, participantId: roster.id }));
    const kenApi = new ApiClient(server.url);
    const kenMe = await kenApi.joinAsGuest(code, 'けん');
    const mioApi = new ApiClient(server.url);
    const mioMe = await mioApi.joinAsGuest(code, 'みお');
    const staffMe = expectOk(await staffApi.get<Me>('/api/me'));
    const viewerToken = expectOk(await staffApi.post<BoardToken>(`/api/boards/${board.id}/viewer-token`));

    const connect = async (name: string, actorId: string, role: ActorRole, api: ApiClient, { token, anonymousId = '' }: BoardToken): Promise<Person> => {
      const client = connectBoard(server.url, board.id, token);
      await client.synced;
      const person: Person = { name, actorId, anonymousId, role, api, client, doc: client.doc, seen: [viewOf(client.doc)] };
      client.doc.on('update', () => person.seen.push(viewOf(client.doc)));
      return person;
    };
    const people = {
      aoi: await connect('aoi', aoiMe.actorId, 'participant', aoiApi, await aoiApi.boardToken(board.id)),
      ken: await connect('ken', kenMe.actorId, 'guest', kenApi, await kenApi.boardToken(board.id)),
      mio: await connect('mio', mioMe.actorId, 'guest', mioApi, await mioApi.boardToken(board.id)),
      staff: await connect('staff', staffMe.actorId, 'staff', staffApi, await staffApi.boardToken(board.id)),
      viewer: await connect('viewer', `viewer:${board.id}`, 'viewer', new ApiClient(server.url), viewerToken),
      observer: await connect('observer', staffMe.actorId, 'staff', staffApi, await staffApi.boardToken(board.id)),
    };
    return new Scene(board, log, people);
  }

  get people(): Person[] {
    return [this.aoi, this.ken, this.mio, this.staff, this.viewer, this.observer];
  }

  /** The refusals the server logged for this board, oldest first. */
  refusals(person?: Person): LoggedRefusal[] {
    return this.#log.entries
      .filter((entry) => entry.message === 'refused a change' && entry.fields.boardId === this.board.id)
      .map(({ fields }) => ({ actorId: String(fields.actorId), role: String(fields.role), rule: String(fields.rule) }))
      .filter((refusal) => person === undefined || refusal.actorId === person.actorId);
  }

  /**
   * `person` does `act`; `seen` holds on their document at once and on the observer's soon after;
   * the server refuses nothing, and the observer ends up with exactly the sender's document.
   */
  async allowed(person: Person, what: string, act: (doc: Y.Doc) => void, seen: Check): Promise<void> {
    const refusedBefore = this.refusals().length;
    act(person.doc);
    expect(seen(viewOf(person.doc)), `${what}: the act did not change ${person.name}'s own document`).toBe(true);
    await eventually(() => expect(seen(viewOf(this.observer.doc)), `${what}: seen by the observer`).toBe(true));
    await this.#reached(person);
    expect(contentOf(this.observer.doc), `${what}: the observer has ${person.name}'s document`).toEqual(contentOf(person.doc));
    expect(this.refusals().slice(refusedBefore), `${what}: nothing was refused`).toEqual([]);
  }

  /**
   * `person` does `act`, which makes `forbidden` hold on their document. The server refuses it
   * under `rule` (one refusal per rule listed, nothing else), the sender's document is back where
   * it was within a second, the observer ends up with the same, and no other client ever held a
   * state where `forbidden` was true (checked again after the test, over everything recorded).
   */
  async refused(person: Person, what: string, rule: string | string[], act: (doc: Y.Doc) => void, forbidden: Check): Promise<void> {
    const rules = [rule].flat().sort();
    const before = contentOf(person.doc);
    expect(forbidden(viewOf(person.doc)), `${what}: the forbidden state held before the act`).toBe(false);
    const refusedBefore = this.refusals().length;
    this.#forbidden.push({ what, by: person, test: forbidden, from: new Map(this.people.map((p) => [p, p.seen.length])) });
    act(person.doc);
    expect(forbidden(viewOf(person.doc)), `${what}: the act did not change ${person.name}'s own document`).toBe(true);

    await eventually(() => expect(contentOf(person.doc), `${what}: ${person.name}'s document converges back`).toEqual(before), {
      timeoutMs: 1000,
    });
    await eventually(() => expect(this.refusals().slice(refusedBefore).map((refusal) => refusal.rule).sort()).toEqual(rules));
    for (const refusal of this.refusals().slice(refusedBefore)) {
      expect(refusal, `${what}: logged with the sender's identity`).toMatchObject({ actorId: person.actorId, role: person.role });
    }
    await this.#reached(person);
    expect(contentOf(this.observer.doc), `${what}: the observer has the permitted state`).toEqual(before);
    this.assertNeverSeen();
  }

  /** No client but the sender ever held a state that a refused act would have made, from the act on. */
  assertNeverSeen(): void {
    for (const { what, by, test, from } of this.#forbidden) {
      for (const person of this.people) {
        if (person === by) continue;
        const index = person.seen.findIndex((view, at) => at >= from.get(person)! && test(view));
        expect(index, `${what}: ${person.name} saw the forbidden state (state ${index} of ${person.seen.length})`).toBe(-1);
      }
    }
  }

  /** Staff change meta, and everybody sees it. */
  async staffSets(change: Partial<Omit<Meta, 'timer'>>): Promise<void> {
    await this.allowed(this.staff, `staff set ${JSON.stringify(change)}`, (doc) => setMeta(doc, change), (view) =>
      Object.entries(change).every(([key, value]) => view.board.meta[key as keyof Meta] === value),
    );
    await this.everybodyHas(this.staff);
    for (const person of this.people) expect(readMeta(person.doc)).toMatchObject(change);
  }

  /** `person` posts an idea as themselves (allowed in `collect`, and for staff always). */
  async posts(person: Person, id: string, text = `${person.name} の案`): Promise<void> {
    await this.allowed(person, `${person.name} posts ${id}`, (doc) => addIdea(doc, { id, text, authorId: person.actorId }), (view) =>
      view.board.ideas[id]?.authorId === person.actorId,
    );
    await this.everybodyHas(person);
  }

  /** Waits until every client has everything `person` has. */
  async everybodyHas(person: Person): Promise<void> {
    for (const other of this.people) await this.#reached(person, other);
  }

  close(): void {
    for (const person of this.people) person.client.close();
  }

  /** Waits until `other` (the observer by default) has every change `person` has. */
  async #reached(person: Person, other: Person = this.observer): Promise<void> {
    await eventually(() => {
      const have = Y.decodeStateVector(Y.encodeStateVector(other.doc));
      for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(person.doc))) {
        expect(have.get(client) ?? 0, `${other.name} has ${person.name}'s changes`).toBeGreaterThanOrEqual(clock);
      }
    });
  }
}

/**
 * One server for a test file (on PGlite unless `kind` names another database), with a capturing
 * logger, and a fresh scene (board and clients) per test. After each test, every recorded state of
 * every client is checked against every refused act of that test, and the clients close.
 *
 * @example
 *   const scenes = useScenes();
 *   it('…', async () => {
 *     const scene = await scenes.open();
 *     await scene.refused(scene.ken, 'ken sets the phase', 'meta.staff', (doc) => setMeta(doc, { phase: 'vote' }), …);
 *   });
 */
export function useScenes({ kind = 'pglite', sync }: { kind?: DatabaseKind; sync?: TestServerOptions['sync'] } = {}) {
  let server: TestServer;
  let staffApi: ApiClient;
  const log = capturingLogger();
  const open: Scene[] = [];

  beforeAll(async () => {
    server = await startTestServer({ log, kind, ...(sync ? { sync } : {}) });
    staffApi = new ApiClient(server.url);
    await staffApi.login();
  });
  afterEach(() => {
    const scenes = open.splice(0);
    try {
      for (const scene of scenes) scene.assertNeverSeen();
    } finally {
      for (const scene of scenes) scene.close();
    }
  });
  afterAll(() => server.stop());

  return {
    log,
    get server() {
      return server;
    },
    get staffApi() {
      return staffApi;
    },
    async open(options: { voteBudget?: number } = {}): Promise<Scene> {
      const scene = await Scene.open(server, staffApi, log, options);
      open.push(scene);
      return scene;
    },
  };
}
