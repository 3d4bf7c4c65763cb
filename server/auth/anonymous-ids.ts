/**
 * The names anonymous ideas carry instead of their authors' (docs/permissions.md, "Anonymous
 * ideas"). Every client holds the whole board, so an anonymous idea's `authorId` must be something a
 * peer cannot turn back into a person: an HMAC of the board and the actor under the server's secret.
 *
 * Only the server can make one, so only the server can resolve one: it hands each person their own
 * (in their websocket token and the board context), and staff the map for the whole roster.
 */
import { createHmac } from 'node:crypto';
import { ANONYMOUS_ID_PREFIX } from '../../shared/permissions';

export interface AnonymousIds {
  /** `actorId`'s anonymous id on `boardId`: the same every time, different on every board. */
  of(boardId: string, actorId: string): string;
  /** Anonymous id → actor id, for the actors given (staff views resolve authors with it). */
  authorsOn(boardId: string, actorIds: Iterable<string>): Record<string, string>;
}

export function createAnonymousIds(secret: string): AnonymousIds {
  const of = (boardId: string, actorId: string) =>
    ANONYMOUS_ID_PREFIX +
    createHmac('sha256', secret).update('teian anonymous author\0').update(boardId).update('\0').update(actorId).digest('base64url').slice(0, 22);
  return {
    of,
    authorsOn(boardId, actorIds) {
      const authors: Record<string, string> = {};
      for (const actorId of actorIds) authors[of(boardId, actorId)] = actorId;
      return authors;
    },
  };
}
