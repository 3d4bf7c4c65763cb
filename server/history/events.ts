/**
 * The history events Teian keeps (spec 7), one row each in `board_events`. Their types are listed
 * in shared/history.ts (the staff screens read them too), their payloads documented in docs/api.md;
 * staff read them, participants never do.
 */

import type { EventType } from '../../shared/history';

export { EVENT_TYPES, type EventType } from '../../shared/history';

/** One event before it is stored: the room adds the board, and the store the update's seq. */
export interface NewEvent {
  type: EventType;
  /** Who did it: the connection's or the session's identity, never the document's. */
  actorId: string;
  ideaId?: string;
  projectId?: string;
  stepId?: string;
  data: Record<string, unknown>;
  at: Date;
}
