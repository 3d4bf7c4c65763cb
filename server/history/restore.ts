/**
 * Bringing back a snapshot's content (issue 10, "restore"; docs/history.md): the board's ideas,
 * dots, thanks and projects become exactly the snapshot's, written as one new change on top of the
 * document, so that it reaches every client like any other and the log keeps everything before it.
 *
 * Entries are written in place, field by field (server/permissions/restore.ts, which writes a
 * refused change back the same way), so that the change is as small as what differs and the
 * history events derived from it say what the restore changed, entry by entry.
 *
 * `meta` (phase, timer, budget, hidden tallies, title) and `passes` are left as they are: they
 * belong to the meeting in progress, not to the content a snapshot is taken for.
 */
import * as Y from 'yjs';
import { boardRoots } from '../../shared/board';
import type { ProjectEntry } from '../../shared/board-schema';
import { restoreFlat, restoreProject } from '../permissions/restore';


/** Makes `doc`'s content equal to that of the document `state` (a snapshot's). Call inside a change. */
export function restoreContent(doc: Y.Doc, state: Uint8Array): void {
  const past = new Y.Doc();
  try {
    Y.applyUpdate(past, state);
    const then = boardRoots(past);
    const now = boardRoots(doc);
    doc.transact(() => {
      for (const root of ['ideas', 'votes', 'thanks'] as const) {
        restoreRoot(now[root] as Y.Map<unknown>, then[root] as Y.Map<unknown>, (key, entry) =>
          restoreFlat(now[root] as Y.Map<unknown>, key, entry.toJSON()),
        );
      }
      restoreRoot(now.projects as Y.Map<unknown>, then.projects as Y.Map<unknown>, (key, entry) =>
        restoreProject(now, key, entry.toJSON() as ProjectEntry),
      );
    });
  } finally {
    past.destroy();
  }
}

/** Deletes what the snapshot's root lacks, and writes back each of its entries. */
function restoreRoot(current: Y.Map<unknown>, snapshot: Y.Map<unknown>, write: (key: string, entry: Y.Map<unknown>) => void): void {
  for (const key of [...current.keys()]) {
    if (!(snapshot.get(key) instanceof Y.Map)) current.delete(key);
  }
  for (const [key, entry] of snapshot.entries()) {
    if (entry instanceof Y.Map) write(key, entry);
  }
}

