/**
 * The history events Teian keeps (spec 7), one row each in `board_events`. Their payloads are
 * Teian's own and documented in docs/api.md; staff read them, participants never do.
 */

export const EVENT_TYPES = [
  'idea.created',
  'idea.edited',
  'idea.deleted',
  'idea.merged',
  'idea.status',
  'vote.cast',
  'vote.withdrawn',
  /** A merge moved a voter's dots (the actor is the staff member who merged; `data.voterId` the voter). */
  'vote.moved',
  /** "I'll pass this time", and taking it back (`data.passerId` when staff cleared someone's). */
  'vote.passed',
  'vote.unpassed',
  'thanks.given',
  'thanks.withdrawn',
  'project.created',
  'project.edited',
  'project.deleted',
  'project.lead_claimed',
  'project.lead_released',
  'project.member_joined',
  'project.member_left',
  'project.status',
  'step.added',
  'step.edited',
  'step.removed',
  'step.done',
  'step.undone',
  'board.changed',
  'meeting.started',
  'meeting.closed',
  'attendance',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

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
