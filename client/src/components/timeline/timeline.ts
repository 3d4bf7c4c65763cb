/**
 * One idea's story from its history events (docs/api.md "History events"): every page of the idea's
 * events and of its project's, oldest first, each with the running totals a reader wants beside it
 * (the idea's dots and thanks after that moment) and the step's text for step events.
 *
 * @example
 * const story = await loadStory(boardId, ideaId);
 * story.entries[0].event.type // 'idea.created'
 */
import type { EventPage, HistoryEvent } from '../../../../shared/history';
import { FACILITY_TIME_ZONE } from '../../../../shared/history';
import { api } from '../../lib/api';

export interface TimelineEntry {
  event: HistoryEvent;
  /** The idea's dots, all voters together, after this event. */
  dots: number;
  /** Thank-yous on the idea after this event. */
  thanks: number;
  /** For step events: the step's text as it was added (its later edits are their own events). */
  stepText?: string;
}

export interface Story {
  entries: TimelineEntry[];
  /** The idea's `idea.created` event, when the log has it. */
  created: HistoryEvent | null;
  /** Every project the idea became (usually one). */
  projectIds: string[];
}

const PAGE = 500;

/** Every page of one filter, oldest first. */
export async function allEvents(boardId: string, filter: { ideaId?: string; projectId?: string }): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: EventPage = await api.events(boardId, { ...filter, limit: PAGE, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return events.sort(byId);
}

/** Event ids are increasing integers as strings: longer is later, then by digits. */
export function byId(a: HistoryEvent, b: HistoryEvent): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The idea's events and its projects' (a project's events need not all name the idea). */
export async function loadStory(boardId: string, ideaId: string): Promise<Story> {
  const own = await allEvents(boardId, { ideaId });
  const projectIds = [...new Set(own.filter((event) => event.type === 'project.created' && event.projectId).map((event) => event.projectId!))];
  const projects = await Promise.all(projectIds.map((projectId) => allEvents(boardId, { projectId })));
  const byKey = new Map<string, HistoryEvent>();
  for (const event of [...own, ...projects.flat()]) byKey.set(event.id, event);
  return storyOf([...byKey.values()].sort(byId), ideaId, projectIds);
}

/** Running totals and step texts over events already in order. */
export function storyOf(events: readonly HistoryEvent[], ideaId: string, projectIds: string[] = []): Story {
  let dots = 0;
  let thanks = 0;
  const steps = new Map<string, string>();
  const entries: TimelineEntry[] = [];
  let previous: HistoryEvent | undefined;
  for (const event of events) {
    // "It became a project" comes right after the project it became: one line says it, not two.
    const echo = event.type === 'idea.status' && event.data.to === 'project' && previous?.type === 'project.created';
    previous = event;
    if (echo) continue;
    const aboutIdea = event.ideaId === ideaId;
    if (aboutIdea && (event.type === 'vote.cast' || event.type === 'vote.withdrawn' || event.type === 'vote.moved')) {
      dots = Math.max(0, dots + number(event.data.to) - number(event.data.from));
    }
    if (aboutIdea && event.type === 'thanks.given') thanks += 1;
    if (aboutIdea && event.type === 'thanks.withdrawn') thanks = Math.max(0, thanks - 1);
    if (event.type === 'step.added' && event.stepId) steps.set(event.stepId, text(event.data.text));
    if (event.type === 'step.edited' && event.stepId) steps.set(event.stepId, text(event.data.to));
    const stepText = event.stepId ? steps.get(event.stepId) : undefined;
    entries.push({ event, dots, thanks, ...(stepText !== undefined ? { stepText } : {}) });
  }
  return { entries, created: events.find((event) => event.type === 'idea.created' && event.ideaId === ideaId) ?? null, projectIds };
}

/** The idea's text now: the last text edit, or the text it was created with. */
export function currentText(events: readonly HistoryEvent[]): string {
  let current = '';
  for (const event of events) {
    if (event.type === 'idea.created') current = text(event.data.text);
    if (event.type === 'idea.edited' && event.data.field === 'text') current = text(event.data.to);
  }
  return current;
}

/** The day an event happened, in the facility's time zone (`YYYY-MM-DD`): the timeline's headings. */
export function facilityDay(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: FACILITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(iso),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Entries grouped by their facility day, in order. */
export function byDay(entries: readonly TimelineEntry[]): { day: string; entries: TimelineEntry[] }[] {
  const days: { day: string; entries: TimelineEntry[] }[] = [];
  for (const entry of entries) {
    const day = facilityDay(entry.event.at);
    const last = days.at(-1);
    if (last?.day === day) last.entries.push(entry);
    else days.push({ day, entries: [entry] });
  }
  return days;
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

export function number(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
