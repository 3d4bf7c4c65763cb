/**
 * A large board cut into slices that can be applied one at a time.
 *
 * `Y.applyUpdate` of a whole board cannot be interrupted: a board with 2,000 ideas and 20,000 votes
 * holds the event loop for 200–700 ms, and every other board on the server waits. A Yjs update is
 * a set of structs per client, and applying a few clients' structs at a time ends in the same
 * document: Yjs keeps a struct whose dependency has not arrived yet as pending, and integrates it
 * as soon as the slice with its dependency is in. So the relay applies a large board slice by
 * slice, giving other boards their turn in between (server/sync/room.ts), and the slicing, which
 * needs the whole document once, runs in a worker thread (server/sync/slicer.ts).
 */
import * as Y from 'yjs';

export interface StoredState {
  snapshot: Uint8Array | null;
  updates: readonly Uint8Array[];
}

export interface Sliced {
  /** The whole board as one update, as a sync step 2 for a client that has nothing. */
  state: Uint8Array;
  /** The same structs, a few clients each, with their deletions. */
  slices: Uint8Array[];
}

/**
 * Structs per slice at most. The room applies slices for a few milliseconds a turn, so one slice
 * must not run far past that even before the JIT has seen Yjs's code: on the 2-core machine
 * bench/README.md describes, slices of 2,000 took 3–7 ms warm but 19–33 ms for the first ones.
 */
export const STRUCTS_PER_SLICE = 500;

export function sliceState({ snapshot, updates }: StoredState, structsPerSlice = STRUCTS_PER_SLICE): Sliced {
  const doc = new Y.Doc();
  // One transaction for the whole log, as the room applies it (one cleanup, not one per row).
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const slices = groupClients(doc, structsPerSlice).map((clients) => encodeClients(doc, clients));
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { state, slices };
}

/** The document's clients in groups of at most `structsPerSlice` structs (a client with more is a group of its own). */
function groupClients(doc: Y.Doc, structsPerSlice: number): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let structs = 0;
  for (const [client, list] of doc.store.clients) {
    if (group.length > 0 && structs + list.length > structsPerSlice) {
      groups.push(group);
      group = [];
      structs = 0;
    }
    group.push(client);
    structs += list.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * The structs of `clients` and their deletions as one update. Yjs encodes a document's whole store,
 * so for the encode the store holds only these clients: what it writes and the delete set it reads
 * are then theirs alone. (With the whole delete set in every slice, the deletions of clients not yet
 * in were kept pending and merged again at every slice: the first slices took 30–45 ms however few
 * structs they had; and each encode read every struct for it.) A deletion is filed under the
 * deleted struct's client, so it arrives with that struct.
 */
function encodeClients(doc: Y.Doc, clients: readonly number[]): Uint8Array {
  const store = doc.store;
  const all = store.clients;
  store.clients = new Map(clients.map((client) => [client, all.get(client)!]));
  try {
    return Y.encodeStateAsUpdate(doc);
  } finally {
    store.clients = all;
  }
}

/** Several byte arrays in one buffer, so that a worker can be handed them without a copy each. */
export interface Packed {
  buffer: ArrayBuffer;
  /** Each part's length in order; -1 for a part that is null. */
  lengths: number[];
}

/** A board to slice, as the slicer sends it to its worker. */
export interface PackedJob extends Packed {
  id: number;
}

export function pack(parts: readonly (Uint8Array | null)[]): Packed {
  const lengths = parts.map((part) => (part === null ? -1 : part.byteLength));
  const bytes = new Uint8Array(lengths.reduce((sum, length) => sum + Math.max(0, length), 0));
  let offset = 0;
  for (const part of parts) {
    if (part === null) continue;
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return { buffer: bytes.buffer, lengths };
}

export function unpack({ buffer, lengths }: Packed): (Uint8Array | null)[] {
  let offset = 0;
  return lengths.map((length) => {
    if (length < 0) return null;
    const part = new Uint8Array(buffer, offset, length);
    offset += length;
    return part;
  });
}
