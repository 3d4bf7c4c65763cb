/**
 * The changes the server makes to a live board, as data: a closure cannot travel to the instance
 * that owns the board, so every HTTP route that changes a document names one of these, with JSON
 * arguments, and the owner's room runs it in its queue (after every update that arrived before).
 * Without Redis the local room runs the same table, so both paths share one code.
 */
import * as Y from 'yjs';
import { boardRoots, boardToJson, readIdea, setMeta } from '../../shared/board';
import { diffBoards } from '../../shared/board-diff';
import type { BoardDiff, SnapshotInfo } from '../../shared/history';
import { mergeIdea, unmergeIdea, type MergeResult } from '../../shared/merge';
import { restoreContent } from '../history/restore';
import type { Room } from '../sync/room';
import { fromBytes, type Bytes } from './wire';

export type ServerChange =
  | { name: 'merge'; ideaId: string; into: string }
  | { name: 'unmerge'; ideaId: string }
  | { name: 'setMeta'; title?: string | undefined; voteBudget?: number | undefined }
  /** Brings a snapshot's content back; `state` is the snapshot's (base64). */
  | { name: 'restore'; state: Bytes; snapshotId: string; label: string; kind: SnapshotInfo['kind'] };

/** What a merge or unmerge did, and where the idea points afterwards. */
export interface TidyOutcome {
  result: MergeResult;
  mergedInto: string | null;
}

export interface ServerChangeResults {
  merge: TidyOutcome;
  unmerge: TidyOutcome;
  setMeta: null;
  restore: BoardDiff;
}

export type ServerChangeResult<C extends ServerChange> = ServerChangeResults[C['name']];

/** Runs `change` in `room` as `actorId`; resolves with its outcome once it is committed and relayed. */
export async function runServerChange<C extends ServerChange>(room: Room, actorId: string, change: C): Promise<ServerChangeResult<C>> {
  const outcome: { value: unknown } = { value: null };
  switch (change.name) {
    case 'merge':
    case 'unmerge': {
      const { ideaId } = change;
      const tidy: TidyOutcome = { result: { ok: false, problem: 'missing' }, mergedInto: null };
      outcome.value = tidy;
      await room.change(actorId, (doc) => {
        tidy.result = change.name === 'merge' ? mergeIdea(doc, ideaId, change.into) : unmergeIdea(doc, ideaId);
        const map = boardRoots(doc).ideas.get(ideaId);
        tidy.mergedInto = map ? (readIdea(ideaId, map).mergedInto ?? null) : null;
      });
      break;
    }
    case 'setMeta': {
      const { title, voteBudget } = change;
      await room.change(actorId, (doc) =>
        setMeta(doc, { ...(title !== undefined ? { title } : {}), ...(voteBudget !== undefined ? { voteBudget } : {}) }),
      );
      break;
    }
    case 'restore': {
      const { snapshotId, label, kind } = change;
      const state = fromBytes(change.state);
      await room.change(
        actorId,
        (doc: Y.Doc) => {
          const before = boardToJson(doc);
          restoreContent(doc, state);
          outcome.value = diffBoards(before, boardToJson(doc));
        },
        { eventData: { restore: snapshotId }, events: [{ type: 'board.restored', data: { snapshotId, label, kind } }] },
      );
      break;
    }
  }
  return outcome.value as ServerChangeResult<C>;
}
