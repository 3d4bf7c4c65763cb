/**
 * Presence is the connection's, not the client's to claim (spec 5, 6): every awareness state a
 * connection sends is stamped with the token's identity before anybody sees it, and a connection
 * may not write presence for a client id another connection holds.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Actor } from '../../shared/actor';
import { PRESENCE_STATE_MAX_LENGTH, presenceSchema, type PresenceState } from '../../shared/presence';

export interface ClaimedAwareness {
  /** The update to apply, stamped with the actor's identity. */
  update: Uint8Array;
  /** The client ids it speaks for, owned from now on: `present` false where the state says "gone". */
  states: { clientId: number; present: boolean }[];
}

/**
 * Presence client ids one connection may speak for in its life. A stock client speaks for one, its
 * document's, on every socket; the rest is room for a state echoed back while its owner was leaving.
 * Without a bound, one connection could make the room hold millions of states and send them all to
 * every newcomer and every "query presence" (and y-protocols keeps a clock for every id it has seen).
 */
export const MAX_PRESENCE_IDS_PER_CONNECTION = 8;

/**
 * Rewrites an awareness update (y-protocols' format: count, then client id, clock and JSON state
 * for each) so that `user.id`, `user.role` and `user.name` are the actor's, dropping states for
 * client ids the connection may not speak for. A state that is too long or not of the presence
 * shape (shared/presence.ts) is relayed as the bare identity: the person shows as present, and
 * nothing they chose to send travels on.
 *
 * `owned` holds the ids the connection has spoken for so far; an id beyond
 * `MAX_PRESENCE_IDS_PER_CONNECTION` is dropped, and so is a removal of an id it never spoke for
 * (every state the room holds is some live connection's, so there is nothing of its own to remove).
 */
export function claimAwareness(
  update: Uint8Array,
  actor: Actor,
  mayWrite: (clientId: number) => boolean,
  owned: ReadonlySet<number> = new Set(),
): ClaimedAwareness {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; state: string }[] = [];
  const states: ClaimedAwareness['states'] = [];
  const claimed = new Set<number>();
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = readState(decoding.readVarString(decoder));
    if (!mayWrite(clientId)) continue;
    if (!owned.has(clientId) && !claimed.has(clientId)) {
      if (state === null || owned.size + claimed.size >= MAX_PRESENCE_IDS_PER_CONNECTION) continue;
      claimed.add(clientId);
    }
    kept.push({ clientId, clock, state: JSON.stringify(state === null ? null : stamp(state, actor)) });
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

/** The state as sent: null for "gone", the presence it holds, or nothing of it when it is not one. */
function readState(json: string): PresenceState | null {
  if (json.length > PRESENCE_STATE_MAX_LENGTH) return {};
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return {};
  }
  if (state === null) return null;
  const parsed = presenceSchema.safeParse(state);
  return parsed.success ? parsed.data : {};
}

function stamp(state: PresenceState, actor: Actor): PresenceState {
  return { user: { ...state.user, id: actor.id, role: actor.role, name: actor.name } };
}
