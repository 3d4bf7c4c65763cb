/**
 * One project as the screen sees it: like `IdeaView`, one stable object per project whose fields
 * are separate signals, so a ticked step re-renders that project's checklist and nothing else.
 * Members and steps are small, so each is one `$state.raw` value replaced when it changes.
 */
import type { Project, ProjectStatus, Step } from '../../../shared/board';

export class ProjectView {
  readonly id: string;
  #ideaId = $state('');
  #title = $state('');
  #leadId = $state('');
  #supporterId = $state('');
  #status = $state<ProjectStatus>('planning');
  #createdAt = $state(0);
  #members = $state.raw<readonly string[]>([]);
  #steps = $state.raw<readonly Step[]>([]);

  constructor(project: Project) {
    this.id = project.id;
    this.apply(project);
  }

  get ideaId(): string {
    return this.#ideaId;
  }
  get title(): string {
    return this.#title;
  }
  /** '' while nobody leads it. */
  get leadId(): string {
    return this.#leadId;
  }
  /** The staff member who backs the lead; '' for none. */
  get supporterId(): string {
    return this.#supporterId;
  }
  get status(): ProjectStatus {
    return this.#status;
  }
  get createdAt(): number {
    return this.#createdAt;
  }
  get members(): readonly string[] {
    return this.#members;
  }
  get steps(): readonly Step[] {
    return this.#steps;
  }
  get doneCount(): number {
    return this.#steps.filter((step) => step.done).length;
  }

  /** The shape the permission rules take. */
  get people(): { leadId: string; members: Record<string, true> } {
    return { leadId: this.#leadId, members: Object.fromEntries(this.#members.map((id) => [id, true as const])) };
  }

  /** Only the board binding calls this; unchanged lists keep their old array (and their readers quiet). */
  apply(project: Project): void {
    this.#ideaId = project.ideaId;
    this.#title = project.title;
    this.#leadId = project.leadId;
    this.#supporterId = project.supporterId;
    this.#status = project.status;
    this.#createdAt = project.createdAt;
    if (!sameList(this.#members, project.members)) this.#members = project.members;
    if (JSON.stringify(this.#steps) !== JSON.stringify(project.steps)) this.#steps = project.steps;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Oldest first: a project keeps its place as others are added. */
export function oldestFirst(a: ProjectView, b: ProjectView): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
