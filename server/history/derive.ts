/**
 * Turns the entry changes the permission guard accepted into history events (spec 7). Pure: the
 * same changes always give the same events, and nothing here reads the document or the clock.
 *
 * Each event names what it is about (idea, project, step) and keeps just enough to tell the story
 * later without the document: an edit keeps the old and the new text, a vote the old and the new
 * count. A change that changes nothing yields nothing.
 */
import type { IdeaEntry, MetaEntry, ProjectEntry, ThanksEntry, VotesEntry } from '../../shared/board-schema';
import { exhaustive } from '../../shared/exhaustive';
import type { EntryChange } from '../../shared/permissions';
import type { EventType, NewEvent } from './events';

type Subject = Pick<NewEvent, 'ideaId' | 'projectId' | 'stepId'>;

/** The events one actor's accepted changes make, at one time. */
export function deriveEvents(actorId: string, changes: readonly EntryChange[], at: Date): NewEvent[] {
  const events: NewEvent[] = [];
  const emit = (type: EventType, subject: Subject, data: Record<string, unknown> = {}) =>
    events.push({ type, actorId, ...subject, data, at });
  for (const change of changes) {
    switch (change.kind) {
      case 'meta':
        meta(change.before, change.after, emit);
        break;
      case 'idea':
        idea(change.id, change.before, change.after, emit);
        break;
      case 'project':
        project(change.id, change.before, change.after, emit);
        break;
      case 'votes':
        // Only a merge (the server, for staff) moves another voter's dots: those are `vote.moved`.
        if (change.voterId === actorId) votes(change.before, change.after, emit);
        else movedVotes(change.voterId, change.before, change.after, emit);
        break;
      case 'thanks':
        // Only a restore (the server, for staff) writes another person's thanks: it names them.
        thanks(change.before, change.after, emit, change.giverId === actorId ? {} : { giverId: change.giverId });
        break;
      case 'pass':
        if (change.before !== change.after) {
          emit(change.after ? 'vote.passed' : 'vote.unpassed', {}, change.actorId === actorId ? {} : { passerId: change.actorId });
        }
        break;
      default:
        exhaustive(change);
    }
  }
  return events;
}

type Emit = (type: EventType, subject: Subject, data?: Record<string, unknown>) => void;

const IDEA_FIELDS = ['text', 'category', 'anonymous', 'help'] as const;

function idea(ideaId: string, before: IdeaEntry | null, after: IdeaEntry | null, emit: Emit): void {
  if (!before && !after) return;
  if (!before && after) {
    const { text, category, anonymous, help, enteredBy, authorId } = after;
    emit('idea.created', { ideaId }, { text, category, anonymous, help, authorId, ...(enteredBy ? { enteredBy } : {}) });
    return;
  }
  if (before && !after) {
    emit('idea.deleted', { ideaId }, { text: before.text });
    return;
  }
  if (!before || !after) return;
  for (const field of IDEA_FIELDS) {
    if (before[field] !== after[field]) emit('idea.edited', { ideaId }, { field, from: before[field], to: after[field] });
  }
  if (before.mergedInto !== after.mergedInto) {
    emit('idea.merged', { ideaId }, { from: before.mergedInto ?? null, into: after.mergedInto ?? null });
  }
  if (before.status !== after.status) emit('idea.status', { ideaId }, { from: before.status, to: after.status });
}

function votes(before: VotesEntry, after: VotesEntry, emit: Emit): void {
  for (const ideaId of keysOf(before, after)) {
    const from = before[ideaId] ?? 0;
    const to = after[ideaId] ?? 0;
    if (to > from) emit('vote.cast', { ideaId }, { from, to });
    else if (to < from) emit('vote.withdrawn', { ideaId }, { from, to });
  }
}

function movedVotes(voterId: string, before: VotesEntry, after: VotesEntry, emit: Emit): void {
  for (const ideaId of keysOf(before, after)) {
    const from = before[ideaId] ?? 0;
    const to = after[ideaId] ?? 0;
    if (to !== from) emit('vote.moved', { ideaId }, { voterId, from, to });
  }
}

function thanks(before: ThanksEntry, after: ThanksEntry, emit: Emit, data: Record<string, unknown>): void {
  for (const ideaId of keysOf(before, after)) {
    if (!before[ideaId] && after[ideaId]) emit('thanks.given', { ideaId }, data);
    else if (before[ideaId] && !after[ideaId]) emit('thanks.withdrawn', { ideaId }, data);
  }
}

function project(projectId: string, before: ProjectEntry | null, after: ProjectEntry | null, emit: Emit): void {
  if (!before && !after) return;
  if (!before && after) {
    emit('project.created', { projectId, ideaId: after.ideaId }, { title: after.title, status: after.status });
  } else if (before && !after) {
    emit('project.deleted', { projectId, ideaId: before.ideaId }, { title: before.title });
    return;
  }
  const was = before ?? emptyProject(after!);
  const now = after!;
  const ideaId = now.ideaId;
  for (const field of ['title', 'supporterId', 'ideaId'] as const) {
    if (before && was[field] !== now[field]) emit('project.edited', { projectId, ideaId }, { field, from: was[field], to: now[field] });
  }
  if (before && was.status !== now.status) emit('project.status', { projectId, ideaId }, { from: was.status, to: now.status });
  if (was.leadId !== now.leadId) {
    if (was.leadId !== '') emit('project.lead_released', { projectId, ideaId }, { leadId: was.leadId });
    if (now.leadId !== '') emit('project.lead_claimed', { projectId, ideaId }, { leadId: now.leadId });
  }
  for (const memberId of keysOf(was.members, now.members)) {
    if (!was.members[memberId] && now.members[memberId]) emit('project.member_joined', { projectId, ideaId }, { memberId });
    else if (was.members[memberId] && !now.members[memberId]) emit('project.member_left', { projectId, ideaId }, { memberId });
  }
  steps(projectId, ideaId, was.steps, now.steps, emit);
}

function steps(projectId: string, ideaId: string, before: ProjectEntry['steps'], after: ProjectEntry['steps'], emit: Emit): void {
  const old = new Map(before.map((step) => [step.id, step]));
  const kept = new Set<string>();
  for (const step of after) {
    const subject = { projectId, ideaId, stepId: step.id };
    const was = old.get(step.id);
    kept.add(step.id);
    if (!was) {
      emit('step.added', subject, { text: step.text });
      if (step.done) emit('step.done', subject, { doneBy: step.doneBy ?? null });
      continue;
    }
    if (was.text !== step.text) emit('step.edited', subject, { from: was.text, to: step.text });
    if (!was.done && step.done) emit('step.done', subject, { doneBy: step.doneBy ?? null });
    else if (was.done && !step.done) emit('step.undone', subject);
  }
  for (const step of before) {
    if (!kept.has(step.id)) emit('step.removed', { projectId, ideaId, stepId: step.id }, { text: step.text });
  }
}

const META_FIELDS = ['title', 'phase', 'voteBudget', 'votesHidden', 'furigana'] as const;

function meta(before: MetaEntry, after: MetaEntry, emit: Emit): void {
  for (const field of META_FIELDS) {
    // A board from before issue 12 has no furigana key, which reads as none: no change to tell.
    const from = before[field] ?? (field === 'furigana' ? 'none' : undefined);
    const to = after[field] ?? (field === 'furigana' ? 'none' : undefined);
    if (from !== to) emit('board.changed', {}, { field, from, to });
  }
  const { timer: from } = before;
  const { timer: to } = after;
  if (from.endsAt !== to.endsAt || from.label !== to.label || from.paused !== to.paused) {
    emit('board.changed', {}, { field: 'timer', from, to });
  }
}

function emptyProject(project: ProjectEntry): ProjectEntry {
  return { ...project, leadId: '', members: {}, steps: [] };
}

function keysOf(...records: object[]): Set<string> {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return keys;
}
