/**
 * Presence is the connection's, not the client's to claim (spec 5, 6): every awareness state a
 * connection sends is stamped with the token's identity before anybody sees it, and a connection
 * may not write presence for a client id another connection holds.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Actor } from '../../shared/actor';

export interface ClaimedAwareness {
  /** The update to apply, stamped with the actor's identity. */
  update: Uint8Array;
  /** The client ids it speaks for: `present` false where the state says "gone". */
  states: { clientId: number; present: boolean }[];
}

/**
 * Rewrites an awareness update (y-protocols' format: count, then client id, clock and JSON state
 * for each) so that `user.id`, `user.role` and `user.name` are the actor's, dropping states for
 * client ids the connection may not speak for.
 */
export function claimAwareness(update: Uint8Array, actor: Actor, mayWrite: (clientId: number) => boolean): ClaimedAwareness {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; state: string }[] = [];
  const states: ClaimedAwareness['states'] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = JSON.parse(decoding.readVarString(decoder)) as unknown;
    if (!mayWrite(clientId)) continue;
    kept.push({ clientId, clock, state: JSON.stringify(stamp(state, actor)) });
    states.push({ clientId, present: state !== null });
  }
  encoding.writeVarUint(encoder, kept.length);
  for (const { clientId, clock, state } of kept) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return { update: encoding.toUint8Array(encoder), states };
}

function stamp(state: unknown, actor: Actor): unknown {
  // null means "gone"; keep it so the client's presence is removed.
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return state;
  const { user, ...rest } = state as { user?: unknown };
  const own = user !== null && typeof user === 'object' && !Array.isArray(user) ? user : {};
  return { ...rest, user: { ...own, id: actor.id, role: actor.role, name: actor.name } };
}
