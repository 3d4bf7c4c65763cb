/**
 * Turns a stored board into a live document without stalling the other boards (issue 11, item 3).
 *
 * Everything a room does runs on the one event loop, so a load that spends a second in Yjs holds
 * up every edit of every other board for that second. A long log (100,000 rows: 0.3–1.5 s in one
 * transaction, plus the full encode its first sync needs) is therefore folded in a worker thread:
 * the worker applies the snapshot and the rows to a document of its own and hands back the same
 * content as a few updates in causal order, the full state and its state vector. The main thread
 * then applies those parts with a turn of the event loop between each, and the room answers its
 * first sync from the worker's encoding instead of encoding the board again.
 *
 * A compacted board needs no worker: its snapshot is the room's own committed encoding from its
 * last compaction, so it is the first sync's answer as it is. Applying it (and the guard's index
 * of it) stays on the main thread in one piece — Yjs has no way to apply a snapshot in parts whose
 * structs do not wait on each other — and is the cost that remains (docs/architecture.md).
 *
 * When the worker cannot be started or fails, the board is folded on the main thread as before:
 * slower for the other boards, never lost.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import type { StoredBoard } from '../persistence/board-store';

/** A board's document, built, with its committed encoding when the loader has it for free. */
export interface LoadedBoard {
  doc: Y.Doc;
  /** The whole document as one update and its state vector, or null when the room must encode it. */
  encoded: { state: Uint8Array; stateVector: Uint8Array } | null;
}

/** Below this many log rows the fold costs less than starting a worker (about 30 ms). */
export const FOLD_IN_WORKER_ROWS = 2000;
/** Log rows per part the worker hands back: each costs the main thread a few milliseconds to apply. */
const ROWS_PER_PART = 2000;

export interface LoadOptions {
  /** Where `stored` is folded; tests force the worker (or a broken one) to prove the fallback. */
  fold?: 'auto' | 'worker' | 'main';
  /** The worker's script; tests pass a failing one. */
  workerSource?: string;
}

/** Builds the document of a stored board (see the module comment for where the work runs). */
export async function loadBoard(stored: StoredBoard, { fold = 'auto', workerSource = WORKER_SOURCE }: LoadOptions = {}): Promise<LoadedBoard> {
  const inWorker = fold === 'worker' || (fold === 'auto' && stored.updates.length >= FOLD_IN_WORKER_ROWS);
  if (inWorker) {
    let folded: Folded | null = null;
    try {
      folded = await foldInWorker(stored, workerSource);
    } catch {
      // The fold below does the same work on the main thread; the caller's log says nothing new.
    }
    if (folded) return applyParts(folded);
  }
  return foldStoredBoard(stored);
}

interface Folded {
  parts: Uint8Array[];
  state: Uint8Array;
  stateVector: Uint8Array;
}

/** Folds `stored` on the calling thread, in one transaction (small boards, and the fallback). */
export function foldStoredBoard({ snapshot, updates }: StoredBoard): LoadedBoard {
  const doc = new Y.Doc();
  // One transaction for the whole log: applied one by one, each update pays a transaction's
  // cleanup of its own, five times the cost (100,000 rows: 1.5 s against 0.3 s).
  doc.transact(() => {
    if (snapshot) Y.applyUpdate(doc, snapshot);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return { doc, encoded: seededEncoding(doc, snapshot, updates.length) };
}

/**
 * A compacted board's snapshot, as the first sync's answer. It was written by a compaction from
 * the committed document, so it holds exactly what clients had been shown; it is used only when
 * everything in it integrated (nothing waits for missing structs), and its state vector is read
 * from the document, which costs a few milliseconds where encoding the board costs fifty.
 */
function seededEncoding(doc: Y.Doc, snapshot: Uint8Array | null, tail: number): LoadedBoard['encoded'] {
  if (!snapshot || tail > 0) return null;
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return null;
  return { state: snapshot, stateVector: Y.encodeStateVector(doc) };
}

async function applyParts({ parts, state, stateVector }: Folded): Promise<LoadedBoard> {
  const doc = new Y.Doc();
  for (const part of parts) {
    doc.transact(() => Y.applyUpdate(doc, part));
    // Other boards' messages are handled between parts.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { doc, encoded: { state, stateVector } };
}

/**
 * Folds in a worker. The rows travel as one buffer (moved, not copied): structured-cloning
 * 100,000 small arrays would itself stall the main thread.
 */
function foldInWorker({ snapshot, updates }: StoredBoard, source: string): Promise<Folded> {
  let total = 0;
  for (const update of updates) total += update.byteLength;
  const rows = new Uint8Array(total);
  const lengths = new Uint32Array(updates.length);
  let offset = 0;
  for (const [index, update] of updates.entries()) {
    rows.set(update, offset);
    offset += update.byteLength;
    lengths[index] = update.byteLength;
  }
  const snapshotCopy = snapshot ? snapshot.slice() : null;
  return new Promise<Folded>((resolve, reject) => {
    const worker = new Worker(source, {
      eval: true,
      argv: [YJS_PATH],
      workerData: { snapshot: snapshotCopy, rows, lengths, rowsPerPart: ROWS_PER_PART },
      transferList: [rows.buffer, lengths.buffer, ...(snapshotCopy ? [snapshotCopy.buffer] : [])],
    });
    worker.once('message', (folded: Folded) => {
      resolve(folded);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the fold worker exited with code ${code}`)));
  });
}

/** The CommonJS build of the server's own Yjs: the worker runs plain JavaScript, under tsx or not. */
const YJS_PATH = createRequire(import.meta.url).resolve('yjs');

/**
 * The worker: applies the snapshot, then the rows in parts of `rowsPerPart`, each in a transaction
 * whose update is one part (the parts are therefore in causal order), and encodes the result
 * without structs that wait for missing changes, as the room's own `committedState` does.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(process.argv.at(-1));
const { snapshot, rows, lengths, rowsPerPart } = workerData;
const doc = new Y.Doc();
const parts = [];
doc.on('update', (update) => parts.push(update));
if (snapshot) Y.applyUpdate(doc, snapshot);
let offset = 0;
for (let start = 0; start < lengths.length; start += rowsPerPart) {
  doc.transact(() => {
    for (let index = start; index < Math.min(start + rowsPerPart, lengths.length); index++) {
      Y.applyUpdate(doc, rows.subarray(offset, offset + lengths[index]));
      offset += lengths[index];
    }
  });
}
doc.store.pendingStructs = null;
doc.store.pendingDs = null;
const state = Y.encodeStateAsUpdate(doc);
const stateVector = Y.encodeStateVector(doc);
parentPort.postMessage({ parts, state, stateVector }, [state.buffer, stateVector.buffer, ...new Set(parts.map((part) => part.buffer))]);
`;
