/**
 * What changed between two points of a board's history (issue 10, "time travel"): the staff's
 * history page and the restore's confirm list it, the server answers `GET /api/boards/:id/diff`
 * with it. Pure, so that the client can diff two boards it already holds.
 *
 * It reports what a person reviewing a meeting asks about, not every field: an idea's text,
 * category, status and merge; dots and thanks per idea (everybody's together); a project's title,
 * status, lead, members and steps. Everything comes in one order, so two diffs of the same boards
 * are equal: ideas and projects by `createdAt`, then id; people by id.
 */
import type { BoardJson, Idea, Project, Step } from './board';
import type { BoardDiff, Change, DotsChange, IdeaChange, ProjectChange } from './history';

export function diffBoards(from: BoardJson, to: BoardJson): BoardDiff {
  const order = ideaOrder(from, to);
  return {
    ideas: diffIdeas(from.ideas, to.ideas),
    dots: diffTotals(dotsPerIdea(from), dotsPerIdea(to), order),
    thanks: diffTotals(thanksPerIdea(from), thanksPerIdea(to), order),
    projects: diffProjects(from.projects, to.projects),
  };
}

/** Whether a diff changes nothing (a restore to the board as it is). */
export function isEmptyDiff(diff: BoardDiff): boolean {
  const { ideas, dots, thanks, projects } = diff;
  return [ideas.added, ideas.removed, ideas.changed, dots, thanks, projects.added, projects.removed, projects.changed].every(
    (list) => list.length === 0,
  );
}

const byCreation = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
  a.createdAt - b.createdAt || compareIds(a.id, b.id);

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function diffIdeas(from: BoardJson['ideas'], to: BoardJson['ideas']): BoardDiff['ideas'] {
  const added: Idea[] = [];
  const removed: Idea[] = [];
  const changed: IdeaChange[] = [];
  for (const idea of Object.values(to)) {
    const was = from[idea.id];
    if (!was) {
      added.push(idea);
      continue;
    }
    const change: IdeaChange = { id: idea.id, idea };
    if (was.text !== idea.text) change.text = { from: was.text, to: idea.text };
    if (was.category !== idea.category) change.category = { from: was.category, to: idea.category };
    if (was.status !== idea.status) change.status = { from: was.status, to: idea.status };
    const mergedInto = changeOf(was.mergedInto ?? null, idea.mergedInto ?? null);
    if (mergedInto) change.mergedInto = mergedInto;
    if (change.text || change.category || change.status || change.mergedInto) changed.push(change);
  }
  for (const idea of Object.values(from)) if (!to[idea.id]) removed.push(idea);
  return { added: added.sort(byCreation), removed: removed.sort(byCreation), changed: changed.sort((a, b) => byCreation(a.idea, b.idea)) };
}

function dotsPerIdea(board: BoardJson): Map<string, number> {
  const totals = new Map<string, number>();
  for (const own of Object.values(board.votes)) {
    for (const [ideaId, count] of Object.entries(own)) if (count > 0) totals.set(ideaId, (totals.get(ideaId) ?? 0) + count);
  }
  return totals;
}

function thanksPerIdea(board: BoardJson): Map<string, number> {
  const totals = new Map<string, number>();
  for (const given of Object.values(board.thanks)) {
    for (const [ideaId, value] of Object.entries(given)) if (value) totals.set(ideaId, (totals.get(ideaId) ?? 0) + 1);
  }
  return totals;
}

/**
 * Sorts idea ids as the ideas are sorted; an id that is an idea at neither point (dots left on an
 * idea since deleted) goes last, by id.
 */
function ideaOrder(from: BoardJson, to: BoardJson): (a: string, b: string) => number {
  const createdAt = (id: string) => to.ideas[id]?.createdAt ?? from.ideas[id]?.createdAt ?? Number.POSITIVE_INFINITY;
  return (a, b) => {
    const [at, bt] = [createdAt(a), createdAt(b)];
    if (at !== bt) return at < bt ? -1 : 1;
    return compareIds(a, b);
  };
}

function diffTotals(from: Map<string, number>, to: Map<string, number>, order: (a: string, b: string) => number): DotsChange[] {
  const ids = new Set([...from.keys(), ...to.keys()]);
  const changes: DotsChange[] = [];
  for (const ideaId of ids) {
    const [was, now] = [from.get(ideaId) ?? 0, to.get(ideaId) ?? 0];
    if (was !== now) changes.push({ ideaId, from: was, to: now });
  }
  return changes.sort((a, b) => order(a.ideaId, b.ideaId));
}

function diffProjects(from: BoardJson['projects'], to: BoardJson['projects']): BoardDiff['projects'] {
  const added: Project[] = [];
  const removed: Project[] = [];
  const changed: ProjectChange[] = [];
  for (const project of Object.values(to)) {
    const was = from[project.id];
    if (!was) added.push(project);
    else {
      const change = diffProject(was, project);
      if (change) changed.push(change);
    }
  }
  for (const project of Object.values(from)) if (!to[project.id]) removed.push(project);
  return {
    added: added.sort(byCreation),
    removed: removed.sort(byCreation),
    changed: changed.sort((a, b) => byCreation(a.project, b.project)),
  };
}

function diffProject(was: Project, now: Project): ProjectChange | null {
  const before = new Set(was.members);
  const after = new Set(now.members);
  const oldSteps = new Map(was.steps.map((step) => [step.id, step]));
  const newIds = new Set(now.steps.map((step) => step.id));
  const kept = (step: Step) => oldSteps.get(step.id);
  const change: ProjectChange = {
    id: now.id,
    project: now,
    membersJoined: now.members.filter((id) => !before.has(id)).sort(compareIds),
    membersLeft: was.members.filter((id) => !after.has(id)).sort(compareIds),
    stepsAdded: now.steps.filter((step) => !kept(step)),
    stepsRemoved: was.steps.filter((step) => !newIds.has(step.id)),
    stepsDone: now.steps.filter((step) => step.done && kept(step)?.done === false),
    stepsUndone: now.steps.filter((step) => !step.done && kept(step)?.done === true),
  };
  const title = changeOf(was.title, now.title);
  const status = changeOf(was.status, now.status);
  const lead = changeOf(was.leadId, now.leadId);
  if (title) change.title = title;
  if (status) change.status = status;
  if (lead) change.lead = lead;
  const lists = [change.membersJoined, change.membersLeft, change.stepsAdded, change.stepsRemoved, change.stepsDone, change.stepsUndone];
  return title || status || lead || lists.some((list) => list.length > 0) ? change : null;
}

function changeOf<T>(from: T, to: T): Change<T> | undefined {
  return from === to ? undefined : { from, to };
}
