/**
 * The Yjs → Svelte binding for one board.
 *
 * The contract is that one changed idea re-renders one card, not the list:
 * - every idea (and every project) has one stable view object whose fields are separate signals;
 * - `ideas` and `projects` (the ordered lists) are `$state.raw` and get a new array only when an
 *   entry is added or removed, so the keyed `{#each}` does no work for edits, votes and thanks;
 * - the observers read only the keys that a transaction touched, never the whole document.
 *
 * Every write goes through shared/board.ts, the same functions the server and the tests use, and
 * every button asks `can.*` from shared/permissions.ts, the rules the server enforces.
 */
import * as Y from 'yjs';
import {
  addIdea,
  addStep,
  boardRoots,
  castVote,
  createProject,
  passesOf,
  removeProject,
  setPass,
  type IdeaStatus,
  deleteIdea,
  dotsUsed,
  editIdea,
  giveThanks,
  readIdea,
  readMeta,
  readProject,
  setLead,
  setMember,
  setMeta,
  setSupporter,
  tickStep,
  withdrawThanks,
  type HelpLevel,
  type Idea,
  type Meta,
  type Phase,
} from '../../../shared/board';
import { IDEA_TEXT_MAX, PROJECT_TITLE_MAX, STEP_TEXT_MAX, VOTE_BUDGET_MAX, VOTE_BUDGET_MIN } from '../../../shared/limits';
import { newId } from '../../../shared/ids';
import { can, checkChange, isAuthor, type RuleActor } from '../../../shared/permissions';
import { transactUnlinked } from '../lib/unlinked-write';
import { IdeaView, newestFirst } from './idea-view.svelte';
import { oldestFirst, ProjectView } from './project-view.svelte';

type Events = Y.YEvent<Y.AbstractType<unknown>>[];

/** Voting so far, in counts only (never who chose what): `passed` people count as done. */
export interface VoteProgress {
  all: number;
  some: number;
  none: number;
  passed: number;
  total: number;
}

/** Who a staff member writes an idea for, and how much they helped (spec 5 `help`). */
export interface OnBehalf {
  authorId: string;
  help: Exclude<HelpLevel, 'none'>;
}

export class BoardState {
  readonly doc: Y.Doc;
  #actor: Pick<RuleActor, 'id' | 'role'>;
  /** What this person's anonymous ideas carry; it comes with the board's context (or its token). */
  #anonymousId = $state<string | undefined>();
  #roots: ReturnType<typeof boardRoots>;
  #views = new Map<string, IdeaView>();
  #ideas = $state.raw<readonly IdeaView[]>([]);
  #projectViews = new Map<string, ProjectView>();
  #projects = $state.raw<readonly ProjectView[]>([]);
  #meta = $state.raw<Meta>();
  #dotsUsed = $state(0);
  #unobserve: (() => void)[] = [];
  /** Who passes on the vote; and a count that moves with every change of anyone's dots. */
  #passes = $state.raw<ReadonlySet<string>>(new Set());
  #votesVersion = $state(0);

  constructor(doc: Y.Doc, actor: Pick<RuleActor, 'id' | 'role'>) {
    this.doc = doc;
    this.#actor = actor;
    this.#roots = boardRoots(doc);
    this.#meta = readMeta(doc);
    this.#observe(this.#roots.ideas, (events) => this.#onIdeas(events));
    this.#observe(this.#roots.votes, (events) => this.#onVotes(events));
    this.#observe(this.#roots.thanks, (events) => this.#onThanks(events));
    this.#observe(this.#roots.projects, (events) => this.#onProjects(events));
    this.#observe(this.#roots.meta, () => (this.#meta = readMeta(doc)));
    this.#observe(this.#roots.passes, () => (this.#passes = passesOf(doc)));
    this.#onIdeas([]);
    this.#onProjects([]);
    this.#dotsUsed = dotsUsed(doc, actor.id);
    this.#passes = passesOf(doc);
  }

  get actor(): RuleActor {
    return { ...this.#actor, anonymousId: this.#anonymousId };
  }

  get actorId(): string {
    return this.#actor.id;
  }

  /** Until it is known, this person cannot post anonymously (the server would refuse it). */
  get canPostAnonymously(): boolean {
    return this.#anonymousId !== undefined;
  }

  useAnonymousId(anonymousId: string | undefined): void {
    this.#anonymousId = anonymousId;
  }

  /** Whether this person wrote the idea, anonymously or not. */
  isMine(idea: Pick<Idea, 'authorId'>): boolean {
    return isAuthor(this.actor, idea);
  }

  /** Newest first. A new array only when ideas come or go. */
  get ideas(): readonly IdeaView[] {
    return this.#ideas;
  }

  /** Oldest first. A new array only when projects come or go. */
  get projects(): readonly ProjectView[] {
    return this.#projects;
  }

  /** The idea's view, reactive to the idea arriving or leaving (not to its fields). */
  idea(id: string): IdeaView | undefined {
    void this.#ideas;
    return this.#views.get(id);
  }

  get meta(): Meta {
    return this.#meta ?? readMeta(this.doc);
  }

  get dotsUsed(): number {
    return this.#dotsUsed;
  }

  get dotsLeft(): number {
    return Math.max(0, this.meta.voteBudget - this.#dotsUsed);
  }

  // What this person may do now (spec 6): the screen offers only these.

  get canPost(): boolean {
    return can.postIdea(this.actor, this.meta.phase);
  }
  get canVote(): boolean {
    return can.vote(this.actor, this.meta.phase);
  }
  get canRunMeeting(): boolean {
    return can.runMeeting(this.actor);
  }
  get canCreateProject(): boolean {
    return can.createProject(this.actor);
  }
  get canCurate(): boolean {
    return can.curateIdeas(this.actor);
  }
  /** Staff may post an idea for a participant, saying how much they helped (spec 6). */
  get canPostOnBehalf(): boolean {
    return this.#actor.role === 'staff';
  }
  canEdit(idea: IdeaView): boolean {
    return can.editIdea(this.actor, this.meta.phase, idea);
  }
  /** Whether putting this idea back, exactly as it was, is a change the server would accept. */
  canRestore(idea: Idea): boolean {
    if (this.#roots.ideas.has(idea.id)) return false;
    const { id: _id, ...entry } = idea;
    const change = { kind: 'idea' as const, id: idea.id, before: null, after: entry };
    return checkChange(this.actor, change, { meta: this.meta, ideaExists: (id) => this.#roots.ideas.has(id) }) === null;
  }

  // Ideas

  /**
   * Posts an idea as this person and answers its id (for undo). An anonymous idea carries the
   * anonymous id and is written so that nothing in the document ties it to this person.
   */
  post(text: string, options: { anonymous: boolean; category: string; onBehalf?: OnBehalf | undefined }): string {
    const id = newId();
    const anonymousId = this.#anonymousId;
    // Staff writing for a participant (spec 5 `help`): the idea is the participant's, never anonymous.
    const onBehalf = options.onBehalf && this.canPostOnBehalf ? options.onBehalf : undefined;
    const anonymous = !onBehalf && options.anonymous && anonymousId !== undefined;
    const idea = {
      id,
      text: text.trim().slice(0, IDEA_TEXT_MAX),
      authorId: onBehalf ? onBehalf.authorId : anonymous ? anonymousId : this.#actor.id,
      anonymous,
      category: options.category,
      ...(onBehalf ? { help: onBehalf.help, enteredBy: this.#actor.id } : {}),
    };
    this.#write(anonymous, (doc) => addIdea(doc, idea));
    return id;
  }

  /** Participants change the text of their own ideas; the category is staff's; anonymity stays. */
  edit(ideaId: string, change: { text: string; category?: string }): void {
    const idea = this.#views.get(ideaId);
    if (!idea || !this.canEdit(idea)) return;
    const { category } = change;
    this.#write(idea.anonymous, (doc) =>
      editIdea(doc, ideaId, {
        text: change.text.trim().slice(0, IDEA_TEXT_MAX),
        ...(category !== undefined && this.canCurate ? { category } : {}),
      }),
    );
  }

  /** Deletes an idea and answers what it was, so that it can be put back. */
  remove(ideaId: string): Idea | null {
    const idea = this.#views.get(ideaId);
    if (!idea || !this.canEdit(idea)) return null;
    const before = idea.snapshot();
    this.#write(idea.anonymous, (doc) => deleteIdea(doc, ideaId));
    return before;
  }

  /** Writes to an anonymous idea go through a scratch document with a client id of their own. */
  #write(anonymous: boolean, write: (doc: Y.Doc) => void): void {
    if (anonymous) transactUnlinked(this.doc, write);
    else write(this.doc);
  }

  /** Puts a deleted idea back under its own id, so votes and thanks that still name it return too. */
  restore(idea: Idea): boolean {
    if (!this.canRestore(idea)) return false;
    this.#write(idea.anonymous, (doc) =>
      doc.transact(() => {
        addIdea(doc, { ...idea });
        if (idea.status !== 'open' || idea.mergedInto) {
          editIdea(doc, idea.id, { status: idea.status, ...(idea.mergedInto ? { mergedInto: idea.mergedInto } : {}) });
        }
      }),
    );
    return true;
  }

  // Votes and thanks

  /** False when the rules would refuse it: not the vote phase, or no dots left. */
  vote(ideaId: string): boolean {
    if (!this.canVote || this.dotsLeft <= 0 || !this.#views.has(ideaId)) return false;
    castVote(this.doc, this.#actor.id, ideaId, 1);
    return true;
  }

  takeBack(ideaId: string): boolean {
    if (!this.canVote || (this.#views.get(ideaId)?.myDots ?? 0) <= 0) return false;
    castVote(this.doc, this.#actor.id, ideaId, -1);
    return true;
  }

  /**
   * Says thank you, or takes it back; answers whether it is said now. The answer is decided before
   * the write: the document's observer updates `thankedByMe` during the write itself.
   */
  toggleThanks(ideaId: string): boolean {
    const idea = this.#views.get(ideaId);
    if (!idea || !can.thank(this.actor)) return false;
    const giving = !idea.thankedByMe;
    if (giving) giveThanks(this.doc, this.#actor.id, ideaId);
    else withdrawThanks(this.doc, this.#actor.id, ideaId);
    return giving;
  }

  // The meeting (staff)

  setPhase(phase: Phase): void {
    if (this.canRunMeeting && phase !== this.meta.phase) setMeta(this.doc, { phase });
  }

  setVotesHidden(votesHidden: boolean): void {
    if (this.canRunMeeting) setMeta(this.doc, { votesHidden });
  }

  // Projects

  /**
   * Staff turn an idea into a project, named after it unless given a title, with its first steps
   * (blank lines left out), in one transaction; answers the project's id.
   */
  makeProject(ideaId: string, plan: { title?: string; steps?: readonly string[] } = {}): string | null {
    const idea = this.#views.get(ideaId);
    if (!idea || !this.canCreateProject) return null;
    const id = newId();
    const title = (plan.title?.trim() || idea.text).slice(0, PROJECT_TITLE_MAX);
    const steps = (plan.steps ?? []).map((step) => step.trim().slice(0, STEP_TEXT_MAX)).filter((step) => step !== '');
    this.doc.transact(() => {
      createProject(this.doc, { id, ideaId, title });
      for (const text of steps) addStep(this.doc, id, { id: newId(), text });
    });
    return id;
  }

  project(projectId: string): ProjectView | undefined {
    return this.#projectViews.get(projectId);
  }

  canClaimLead(project: ProjectView): boolean {
    return project.leadId === '' && can.claimLead(this.actor, project.people);
  }
  canReleaseLead(project: ProjectView): boolean {
    return project.leadId === this.#actor.id && can.releaseLead(this.actor, project.people);
  }
  get canJoinProjects(): boolean {
    return can.joinProject(this.actor);
  }
  canEditSteps(project: ProjectView): boolean {
    return can.editSteps(this.actor, project.people);
  }

  claimLead(projectId: string): boolean {
    const project = this.#projectViews.get(projectId);
    if (!project || !this.canClaimLead(project)) return false;
    setLead(this.doc, projectId, this.#actor.id);
    return true;
  }

  releaseLead(projectId: string): boolean {
    const project = this.#projectViews.get(projectId);
    if (!project || !this.canReleaseLead(project)) return false;
    setLead(this.doc, projectId, '');
    return true;
  }

  /** Staff name the staff member who backs the project's lead ('' for none). */
  setSupporter(projectId: string, supporterId: string): boolean {
    if (!this.#projectViews.has(projectId) || !this.canCreateProject) return false;
    setSupporter(this.doc, projectId, supporterId);
    return true;
  }

  setMember(projectId: string, member: boolean): void {
    if (this.#projectViews.has(projectId) && this.canJoinProjects) setMember(this.doc, projectId, this.#actor.id, member);
  }

  addStep(projectId: string, text: string): boolean {
    const project = this.#projectViews.get(projectId);
    const trimmed = text.trim().slice(0, STEP_TEXT_MAX);
    if (!project || !trimmed || !this.canEditSteps(project)) return false;
    addStep(this.doc, projectId, { id: newId(), text: trimmed });
    return true;
  }

  tickStep(projectId: string, stepId: string, done: boolean): void {
    const project = this.#projectViews.get(projectId);
    if (project && this.canEditSteps(project)) tickStep(this.doc, projectId, stepId, this.#actor.id, done);
  }

  // Votes and tidying (issue 9, items 6 and 7: helper "tidy")

  /** Whether this person passes on the vote ("I'll pass this time"). */
  get passing(): boolean {
    return this.#passes.has(this.#actor.id);
  }
  /** Participants and guests pass, in the vote phase (spec 6 as extended in docs/permissions.md). */
  get canPass(): boolean {
    return can.pass(this.actor, this.meta.phase);
  }
  setPassing(passing: boolean): boolean {
    if (!this.canPass) return false;
    setPass(this.doc, this.#actor.id, passing);
    return true;
  }
  /** Staff start a vote afresh: nobody passes any more. */
  clearPasses(): void {
    if (!this.canRunMeeting) return;
    this.doc.transact(() => {
      for (const actorId of this.#passes) setPass(this.doc, actorId, false);
    });
  }

  /**
   * How far voting has got, for staff: of `people` (participants and guests here) and everyone else
   * who has placed dots, how many placed all their dots or passed, some, or none. Counts only.
   */
  voteProgress(people: Iterable<string>, isStaff: (actorId: string) => boolean): VoteProgress {
    void this.#votesVersion;
    const budget = this.meta.voteBudget;
    const everyone = new Set(people);
    this.#roots.votes.forEach((_, voterId) => everyone.add(voterId));
    for (const actorId of this.#passes) everyone.add(actorId);
    const progress: VoteProgress = { all: 0, some: 0, none: 0, passed: 0, total: 0 };
    for (const actorId of everyone) {
      if (isStaff(actorId)) continue;
      const used = dotsUsed(this.doc, actorId);
      progress.total++;
      if (used >= budget) progress.all++;
      else if (this.#passes.has(actorId)) progress.passed++;
      else if (used > 0) progress.some++;
      else progress.none++;
    }
    return progress;
  }

  /** A merged idea takes no dots: its vote button goes. */
  canVoteOn(idea: IdeaView): boolean {
    return idea.mergedInto === null;
  }

  /** Staff set the dots each person has (the budget), within the limits. */
  setBudget(voteBudget: number): void {
    if (!this.canRunMeeting) return;
    const next = Math.round(Math.min(VOTE_BUDGET_MAX, Math.max(VOTE_BUDGET_MIN, voteBudget)));
    if (next !== this.meta.voteBudget) setMeta(this.doc, { voteBudget: next });
  }

  /** Staff park an idea (保留) or bring it back; answers the status it had, for undo. */
  setStatus(ideaId: string, status: IdeaStatus): IdeaStatus | null {
    const idea = this.#views.get(ideaId);
    if (!idea || !this.canCurate || idea.status === status) return null;
    const was = idea.status;
    this.#write(idea.anonymous, (doc) => editIdea(doc, ideaId, { status }));
    return was;
  }

  /** Staff set an idea's category ('' for none); answers the one it had, for undo. */
  setCategory(ideaId: string, category: string): string | null {
    const idea = this.#views.get(ideaId);
    if (!idea || !this.canCurate || idea.category === category) return null;
    const was = idea.category;
    this.#write(idea.anonymous, (doc) => editIdea(doc, ideaId, { category }));
    return was;
  }

  /**
   * Whether undoing "make a project" is still only taking back what was made: nobody leads or
   * joined it, its title and steps are as they were made and no step is ticked.
   */
  canUndoProject(projectId: string, made: { title: string; steps: number }): boolean {
    const project = this.#projectViews.get(projectId);
    return (
      !!project &&
      this.canCreateProject &&
      project.leadId === '' &&
      project.members.length === 0 &&
      project.title === made.title &&
      project.steps.length === made.steps &&
      project.steps.every((step) => !step.done)
    );
  }

  /** Takes a project back and reopens its idea (undo of `makeProject`). */
  undoProject(projectId: string, made: { title: string; steps: number }): boolean {
    if (!this.canUndoProject(projectId, made)) return false;
    removeProject(this.doc, projectId, 'open');
    return true;
  }

  destroy(): void {
    for (const unobserve of this.#unobserve) unobserve();
    this.#unobserve = [];
  }

  #observe<T>(type: Y.Map<T>, handler: (events: Events) => void): void {
    type.observeDeep(handler);
    this.#unobserve.push(() => type.unobserveDeep(handler));
  }

  /** With no events, (re)reads every idea: the first load. */
  #onIdeas(events: Events): void {
    const root = this.#roots.ideas;
    const touched = events.length === 0 ? new Set(root.keys()) : touchedKeys(root, events);
    let listChanged = events.length === 0;
    for (const id of touched) {
      const map = root.get(id);
      const view = this.#views.get(id);
      if (!(map instanceof Y.Map)) {
        if (view) {
          this.#views.delete(id);
          listChanged = true;
        }
        continue;
      }
      const idea = readIdea(id, map);
      if (!view) {
        const votes = { tally: this.#tallyOf(id), myDots: this.#myDotsOn(id) };
        this.#views.set(id, new IdeaView(idea, votes, this.#thanksOf(id)));
        listChanged = true;
      } else {
        if (view.createdAt !== idea.createdAt) listChanged = true;
        view.apply(idea);
      }
    }
    if (listChanged) this.#ideas = [...this.#views.values()].sort(newestFirst);
  }

  /**
   * `votes` and `thanks` have the same shape, `actorId → ideaId → value`: the ideas whose entry
   * changed, whether this person's own map changed, or `null` when every idea must be recounted.
   */
  #touchedByActors<V>(root: Y.Map<Y.Map<V>>, events: Events): { ideas: Set<string> | null; mine: boolean } {
    const ideas = new Set<string>();
    let everyIdea = false;
    let mine = false;
    for (const event of events) {
      if (event.target === root) {
        for (const [actorId, change] of event.changes.keys) {
          if (actorId === this.#actor.id) mine = true;
          if (change.action === 'add') root.get(actorId)?.forEach((_, ideaId) => ideas.add(ideaId));
          // A person's map replaced or removed: what it held is gone from the event, so recount all.
          else everyIdea = true;
        }
      } else if (event instanceof Y.YMapEvent) {
        if (event.path[0] === this.#actor.id) mine = true;
        for (const ideaId of event.keysChanged) ideas.add(ideaId);
      }
    }
    return { ideas: everyIdea ? null : ideas, mine: mine || everyIdea };
  }

  #onVotes(events: Events): void {
    const { ideas, mine } = this.#touchedByActors(this.#roots.votes, events);
    for (const id of ideas ?? this.#views.keys()) this.#views.get(id)?.setVotes(this.#tallyOf(id), this.#myDotsOn(id));
    if (mine) this.#dotsUsed = dotsUsed(this.doc, this.#actor.id);
    this.#votesVersion++;
  }

  #onThanks(events: Events): void {
    const { ideas } = this.#touchedByActors(this.#roots.thanks, events);
    for (const id of ideas ?? this.#views.keys()) {
      const { count, mine } = this.#thanksOf(id);
      this.#views.get(id)?.setThanks(count, mine);
    }
  }

  #onProjects(events: Events): void {
    const root = this.#roots.projects;
    const touched = events.length === 0 ? new Set(root.keys()) : touchedKeys(root, events);
    let listChanged = events.length === 0;
    for (const id of touched) {
      const map = root.get(id);
      const view = this.#projectViews.get(id);
      if (!(map instanceof Y.Map)) {
        if (view) {
          this.#projectViews.delete(id);
          listChanged = true;
        }
        continue;
      }
      const project = readProject(id, map);
      if (view) view.apply(project);
      else {
        this.#projectViews.set(id, new ProjectView(project));
        listChanged = true;
      }
    }
    if (listChanged) this.#projects = [...this.#projectViews.values()].sort(oldestFirst);
  }

  #tallyOf(ideaId: string): number {
    let total = 0;
    this.#roots.votes.forEach((own) => {
      const count = own instanceof Y.Map ? own.get(ideaId) : undefined;
      if (typeof count === 'number' && count > 0) total += count;
    });
    return total;
  }

  #myDotsOn(ideaId: string): number {
    const count = this.#roots.votes.get(this.#actor.id)?.get(ideaId);
    return typeof count === 'number' && count > 0 ? count : 0;
  }

  #thanksOf(ideaId: string): { count: number; mine: boolean } {
    let count = 0;
    this.#roots.thanks.forEach((own) => {
      if (own instanceof Y.Map && own.get(ideaId) === true) count++;
    });
    return { count, mine: this.#roots.thanks.get(this.#actor.id)?.get(ideaId) === true };
  }
}

/** The root keys (idea or project ids) that a deep event touched: its own keys, or its path's first step. */
function touchedKeys<V>(root: Y.Map<V>, events: Events): Set<string> {
  const touched = new Set<string>();
  for (const event of events) {
    if (event.target === root) {
      for (const key of event.changes.keys.keys()) touched.add(key);
    } else {
      const id = event.path[0];
      if (typeof id === 'string') touched.add(id);
    }
  }
  return touched;
}
