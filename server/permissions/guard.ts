/**
 * Enforces spec 6 on the server's copy of one board.
 *
 * The guard keeps a plain, validated mirror of every entry as it was last accepted. After the room
 * applies a client's update, the guard reads each entry that the transaction touched, asks
 * `checkChange` (shared/permissions.ts) whether this actor may change it from the mirrored value to
 * the new one, and writes the old value back for every entry that it may not — one compensating
 * transaction that reaches every client. Accepted entries go into the mirror.
 *
 * Deciding per entry rather than per update means that an offline participant's ideas are kept
 * even when the same sync also carried, say, a vote from before the phase changed.
 */
import type * as Y from 'yjs';
import { boardRoots, newMeta } from '../../shared/board';
import type { IdeaEntry, MetaEntry, ProjectEntry, ThanksEntry, VotesEntry } from '../../shared/board-schema';
import { checkSettings, type BoardSettings, type EntryChange, type RuleActor, type RuleContext, type Violation } from '../../shared/permissions';
import { VOTE_BUDGET_DEFAULT } from '../../shared/limits';
import {
  readIdeaEntry,
  readMetaEntry,
  readPassEntry,
  readProjectEntry,
  readThanksEntry,
  readVotesEntry,
  touchedEntries,
  type EntryRef,
  type Read,
} from './entries';
import { enforceRules, type ChangePolicy } from './policy';
import { defaultQuotas, QuotaLedger, type Quotas } from './quotas';
import { clearForeign, restoreIdea, restoreMeta, restorePass, restoreProject, restoreThanks, restoreVotes } from './restore';

export interface Refusal {
  entry: EntryRef;
  violation: Violation;
}

/** What the guard decided about one update: the changes it let through, and those it undid. */
export interface Review {
  accepted: EntryChange[];
  refusals: Refusal[];
}

const SHAPE: Violation = { rule: 'shape', reason: 'the change does not fit the board document' };

export class BoardGuard {
  #doc: Y.Doc;
  #policy: ChangePolicy;
  #roots: ReturnType<typeof boardRoots>;
  #meta: MetaEntry;
  #ideas = new Map<string, IdeaEntry>();
  #projects = new Map<string, ProjectEntry>();
  #votes = new Map<string, VotesEntry>();
  #thanks = new Map<string, ThanksEntry>();
  #passes = new Set<string>();

  #settings: () => BoardSettings;
  #quotas: QuotaLedger;

  /**
   * `settings` is read at every review: staff may change them while the board is open. A guard
   * made with `index: 'later'` is not ready until `indexedInSteps` has filled its mirror.
   */
  constructor(
    doc: Y.Doc,
    settings: () => BoardSettings,
    policy: ChangePolicy = enforceRules,
    quotas: Quotas = defaultQuotas,
    index: 'now' | 'later' = 'now',
  ) {
    this.#doc = doc;
    this.#settings = settings;
    this.#policy = policy;
    this.#roots = boardRoots(doc);
    this.#meta = this.#readStoredMeta();
    if (index === 'now') for (const entry of this.#storedEntries()) this.#remember(entry);
    this.#quotas = new QuotaLedger(quotas, this.#ideas.values());
  }

  /**
   * A guard whose mirror is filled entry by entry, calling `pause()` after each, so that a large
   * board's 6,000 entries (80–170 ms of reading and validating) can be spread over turns of the
   * event loop and not hold up the other boards. Nothing may change the document until it resolves.
   */
  static async indexedInSteps(
    doc: Y.Doc,
    settings: () => BoardSettings,
    policy: ChangePolicy | undefined,
    quotas: Quotas | undefined,
    pause: () => Promise<void>,
  ): Promise<BoardGuard> {
    const guard = new BoardGuard(doc, settings, policy, quotas, 'later');
    for (const entry of guard.#storedEntries()) {
      guard.#remember(entry);
      await pause();
    }
    guard.#quotas = new QuotaLedger(quotas ?? defaultQuotas, guard.#ideas.values());
    return guard;
  }

  /** Every entry the document holds (meta aside), as the mirror keeps them. */
  *#storedEntries(): Generator<EntryRef> {
    const roots = this.#roots;
    for (const id of [...roots.ideas.keys()]) yield { kind: 'idea', id };
    for (const id of [...roots.projects.keys()]) yield { kind: 'project', id };
    for (const voterId of [...roots.votes.keys()]) yield { kind: 'votes', voterId };
    for (const giverId of [...roots.thanks.keys()]) yield { kind: 'thanks', giverId };
    for (const actorId of [...roots.passes.keys()]) yield { kind: 'pass', actorId };
  }

  /** The entries a transaction touched; call it inside the transaction, after applying. */
  touched(transaction: Y.Transaction): EntryRef[] {
    return [...touchedEntries(this.#roots, transaction).values()];
  }

  /** Asked before an update is applied: does the sender's growth quota take `bytes` more now? */
  admitGrowth(actor: RuleActor, bytes: number): Violation | null {
    return this.#quotas.admitGrowth(actor, bytes);
  }

  /**
   * Checks what `actor` changed; restores every refused entry in one transaction with `origin`, and
   * returns both the accepted changes (before and after, for history) and the refusals.
   */
  review(actor: RuleActor, touched: readonly EntryRef[], origin: unknown): Review {
    const accepted: EntryChange[] = [];
    const refusals: Refusal[] = [];
    const ideasAfter = new Map<string, IdeaEntry | null>();
    const context: RuleContext = {
      meta: this.#meta,
      ideaExists: (id) => (ideasAfter.has(id) ? ideasAfter.get(id) !== null : this.#ideas.has(id)),
      ideaMerged: (id) => (ideasAfter.has(id) ? ideasAfter.get(id) : this.#ideas.get(id))?.mergedInto !== undefined,
    };
    const settings = this.#settings();
    const judge = (entry: EntryRef, change: EntryChange | null) => {
      const violation = change
        ? (this.#policy(actor, change, context) ?? checkSettings(actor, change, settings) ?? this.#quotas.check(actor, change))
        : SHAPE;
      if (violation || !change) {
        refusals.push({ entry, violation: violation ?? SHAPE });
        return;
      }
      accepted.push(change);
      this.#quotas.record(actor, change);
      if (change.kind === 'idea') ideasAfter.set(change.id, change.after);
    };
    // Votes and thanks depend on which ideas exist, so ideas are decided first.
    const ordered = [...touched].sort((a, b) => rank(a) - rank(b));
    for (const entry of ordered) judge(entry, this.#changeOf(entry));

    if (refusals.length > 0) {
      this.#doc.transact((transaction) => {
        for (const { entry } of refusals) this.#restore(entry, transaction);
      }, origin);
    }
    // Every touched entry was either refused (and restored) or accepted as read, so the accepted
    // values are the mirror's new ones: reading them again cost a second `toJSON` and schema parse
    // of each entry (reading ideas was 8.3% of the relay's busy time, in two reads, in a profile of
    // one writer at 100 updates/s; bench/README.md).
    for (const change of accepted) this.#keep(change);
    return { accepted, refusals };
  }

  /**
   * Takes what the server itself wrote (an HTTP route, a restore) into the mirror, unchecked, and
   * returns the changes it made (entries that do not parse are left out).
   */
  accept(actor: RuleActor, touched: readonly EntryRef[]): EntryChange[] {
    const changes: EntryChange[] = [];
    for (const entry of touched) {
      const change = this.#changeOf(entry);
      if (change) {
        changes.push(change);
        this.#quotas.record(actor, change);
        this.#keep(change);
      } else {
        this.#remember(entry);
      }
    }
    return changes;
  }

  #changeOf(entry: EntryRef): EntryChange | null {
    switch (entry.kind) {
      case 'meta': {
        const after = readMetaEntry(this.#roots);
        return after.ok ? { kind: 'meta', before: this.#meta, after: after.value } : null;
      }
      case 'idea': {
        const after = readIdeaEntry(this.#roots, entry.id);
        return after.ok ? { kind: 'idea', id: entry.id, before: this.#ideas.get(entry.id) ?? null, after: after.value } : null;
      }
      case 'project': {
        const after = readProjectEntry(this.#roots, entry.id);
        const before = this.#projects.get(entry.id) ?? null;
        return after.ok ? { kind: 'project', id: entry.id, before, after: after.value } : null;
      }
      case 'votes': {
        const after = readVotesEntry(this.#roots, entry.voterId);
        const before = this.#votes.get(entry.voterId) ?? {};
        return after.ok ? { kind: 'votes', voterId: entry.voterId, before, after: after.value } : null;
      }
      case 'thanks': {
        const after = readThanksEntry(this.#roots, entry.giverId);
        const before = this.#thanks.get(entry.giverId) ?? {};
        return after.ok ? { kind: 'thanks', giverId: entry.giverId, before, after: after.value } : null;
      }
      case 'pass': {
        const after = readPassEntry(this.#roots, entry.actorId);
        return after.ok ? { kind: 'pass', actorId: entry.actorId, before: this.#passes.has(entry.actorId), after: after.value } : null;
      }
      case 'foreign':
        return null;
    }
  }

  #restore(entry: EntryRef, transaction: Y.Transaction): void {
    const roots = this.#roots;
    switch (entry.kind) {
      case 'meta':
        return restoreMeta(roots, this.#meta);
      case 'idea':
        return restoreIdea(roots, entry.id, this.#ideas.get(entry.id) ?? null);
      case 'project':
        return restoreProject(roots, entry.id, this.#projects.get(entry.id) ?? null);
      case 'votes':
        return restoreVotes(roots, entry.voterId, this.#votes.get(entry.voterId) ?? {});
      case 'thanks':
        return restoreThanks(roots, entry.giverId, this.#thanks.get(entry.giverId) ?? {});
      case 'pass':
        return restorePass(roots, entry.actorId, this.#passes.has(entry.actorId));
      case 'foreign':
        return clearForeign(entry.type, transaction);
    }
  }

  /** Puts an accepted change's value into the mirror, as `#remember` would read it now. */
  #keep(change: EntryChange): void {
    switch (change.kind) {
      case 'meta':
        this.#meta = change.after;
        return;
      case 'idea':
        return store(this.#ideas, change.id, { ok: true, value: change.after });
      case 'project':
        return store(this.#projects, change.id, { ok: true, value: change.after });
      case 'votes':
        return store(this.#votes, change.voterId, { ok: true, value: change.after });
      case 'thanks':
        return store(this.#thanks, change.giverId, { ok: true, value: change.after });
      case 'pass':
        if (change.after) this.#passes.add(change.actorId);
        else this.#passes.delete(change.actorId);
        return;
    }
  }

  /** Copies an entry's current value into the mirror (an entry that does not parse is dropped). */
  #remember(entry: EntryRef): void {
    switch (entry.kind) {
      case 'meta': {
        const read = readMetaEntry(this.#roots);
        if (read.ok) this.#meta = read.value;
        return;
      }
      case 'idea':
        return store(this.#ideas, entry.id, readIdeaEntry(this.#roots, entry.id));
      case 'project':
        return store(this.#projects, entry.id, readProjectEntry(this.#roots, entry.id));
      case 'votes':
        return store(this.#votes, entry.voterId, readVotesEntry(this.#roots, entry.voterId));
      case 'thanks':
        return store(this.#thanks, entry.giverId, readThanksEntry(this.#roots, entry.giverId));
      case 'pass': {
        const read = readPassEntry(this.#roots, entry.actorId);
        if (read.ok && read.value) this.#passes.add(entry.actorId);
        else this.#passes.delete(entry.actorId);
        return;
      }
      case 'foreign':
        return;
    }
  }

  /** Meta as stored; a board whose meta does not parse is judged as a new board would be. */
  #readStoredMeta(): MetaEntry {
    const read = readMetaEntry(this.#roots);
    return read.ok ? read.value : newMeta({ title: '', voteBudget: VOTE_BUDGET_DEFAULT });
  }
}

function store<T>(mirror: Map<string, T>, key: string, read: Read<T | null>): void {
  if (read.ok && read.value !== null) mirror.set(key, read.value);
  else mirror.delete(key);
}

function rank(entry: EntryRef): number {
  return entry.kind === 'votes' || entry.kind === 'thanks' || entry.kind === 'pass' ? 1 : 0;
}
