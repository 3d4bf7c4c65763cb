/**
 * Writes that peers cannot tie to the rest of this person's writes.
 *
 * Every struct in a Yjs document names the client that made it, and a person's other writes (their
 * votes, their named ideas) and their presence all carry this tab's client id. An anonymous idea
 * written with that id would name its author to anybody who reads the document's structs, whatever
 * its `authorId` says. So anonymous ideas are written in a scratch copy of the document with a fresh
 * random client id, and only the difference is applied here (docs/permissions.md, "Anonymous ideas").
 */
import * as Y from 'yjs';

export function transactUnlinked(doc: Y.Doc, write: (scratch: Y.Doc) => void): void {
  const scratch = new Y.Doc({ gc: doc.gc });
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(scratch);
    write(scratch);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(scratch, before));
  } finally {
    scratch.destroy();
  }
}
