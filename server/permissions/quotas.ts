/**
 * How much one person may put on a board (docs/permissions.md, "Quotas"). The rules say what a
 * participant may change; a quota says how much. Without one, a participant's client could fill a
 * board with 30,000 permitted ideas in a few messages and every tablet would sync them forever.
 *
 * Quotas bind participants and guests. Staff are trusted with the board (they restore snapshots and
 * enter ideas for others) and are not counted.
 */
import type { IdeaEntry } from '../../shared/board-schema';
import { exhaustive } from '../../shared/exhaustive';
import type { EntryChange, RuleActor, Violation } from '../../shared/permissions';

export interface Quotas {
  /** Ideas one person may have on a board at once (their own and their anonymous ones). */
  ideasPerPerson: number;
  /** Steps one person may add to a board's projects. */
  stepsPerPerson: number;
  /** UTF-8 bytes of one person's idea texts and added step texts on a board. */
  textBytesPerPerson: number;
  /** Update bytes the board may accept from one person in any 60 seconds. */
  growthBytesPerMinute: number;
}

/**
 * For a 40-person meeting these are far above what anybody writes by hand (a lively meeting sees a
 * handful of ideas per person, a few hundred bytes each) and far below what hurts a board.
 */
export const defaultQuotas: Quotas = {
  ideasPerPerson: 200,
  stepsPerPerson: 200,
  textBytesPerPerson: 128 * 1024,
  growthBytesPerMinute: 256 * 1024,
};

const MINUTE_MS = 60_000;
/** UTF-8 length without encoding the text: every accepted idea and step edit asks. */
const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

interface Usage {
  ideas: number;
  steps: number;
  textBytes: number;
}

/** What one change adds to whose usage. */
interface Cost {
  /** The id the usage is counted under: the idea's `authorId`, or the actor for steps. */
  key: string;
  ideas: number;
  steps: number;
  textBytes: number;
}

/**
 * The running usage of one board. Ideas are counted from the board itself (the room's document,
 * at load and as changes are accepted); steps carry no author in the document, so they are counted
 * from the changes this server accepted since it loaded the board.
 */
export class QuotaLedger {
  readonly #quotas: Quotas;
  readonly #usage = new Map<string, Usage>();
  readonly #growth = new Map<string, { at: number; bytes: number }[]>();

  constructor(quotas: Quotas, ideas: Iterable<IdeaEntry>) {
    this.#quotas = quotas;
    for (const idea of ideas) this.#add({ key: idea.authorId, ideas: 1, steps: 0, textBytes: bytesOf(idea.text) });
  }

  /**
   * Whether the board takes an update of `bytes` from `actor` now: null, and the bytes are counted,
   * or `quota.growth`, and the update must not be applied at all. Applying it and refusing its
   * entries would not help: a refused entry still leaves its tombstone in the document. An update
   * is taken when the sender's last minute is empty, however big (an offline tablet's sync), or when
   * it fits in what is left of the minute.
   */
  admitGrowth(actor: RuleActor, bytes: number, now = Date.now()): Violation | null {
    if (actor.role === 'staff') return null;
    const window = this.#window(actor.id, now);
    const sent = window.reduce((sum, entry) => sum + entry.bytes, 0);
    if (sent > 0 && sent + bytes > this.#quotas.growthBytesPerMinute) {
      return { rule: 'quota.growth', reason: `at most ${this.#quotas.growthBytesPerMinute} bytes of changes a minute` };
    }
    window.push({ at: now, bytes });
    return null;
  }

  /** Null when `change` keeps `actor` within their quotas; otherwise the quota it would break. */
  check(actor: RuleActor, change: EntryChange): Violation | null {
    if (actor.role === 'staff') return null;
    const cost = costOf(actor, change);
    if (!cost) return null;
    const used = this.#usageOf(actor, cost.key);
    if (cost.ideas > 0 && used.ideas + cost.ideas > this.#quotas.ideasPerPerson) {
      return { rule: 'quota.ideas', reason: `at most ${this.#quotas.ideasPerPerson} ideas per person on a board` };
    }
    if (cost.steps > 0 && used.steps + cost.steps > this.#quotas.stepsPerPerson) {
      return { rule: 'quota.steps', reason: `at most ${this.#quotas.stepsPerPerson} steps per person on a board` };
    }
    if (cost.textBytes > 0 && used.textBytes + cost.textBytes > this.#quotas.textBytesPerPerson) {
      return { rule: 'quota.text', reason: `at most ${this.#quotas.textBytesPerPerson} bytes of text per person on a board` };
    }
    return null;
  }

  /** Takes an accepted change (from anybody, staff too) into the usage. */
  record(actor: RuleActor, change: EntryChange): void {
    const cost = costOf(actor, change);
    if (cost) this.#add(cost);
  }

  /** A person's usage: both their ids for ideas (named and anonymous), their actor id for steps. */
  #usageOf(actor: RuleActor, key: string): Usage {
    const keys = new Set([key, actor.id, ...(actor.anonymousId !== undefined ? [actor.anonymousId] : [])]);
    const total: Usage = { ideas: 0, steps: 0, textBytes: 0 };
    for (const each of keys) {
      const usage = this.#usage.get(each);
      if (!usage) continue;
      total.ideas += usage.ideas;
      total.steps += usage.steps;
      total.textBytes += usage.textBytes;
    }
    return total;
  }

  #add(cost: Cost): void {
    const usage = this.#usage.get(cost.key) ?? { ideas: 0, steps: 0, textBytes: 0 };
    usage.ideas += cost.ideas;
    usage.steps += cost.steps;
    usage.textBytes = Math.max(0, usage.textBytes + cost.textBytes);
    this.#usage.set(cost.key, usage);
  }

  #window(actorId: string, now: number): { at: number; bytes: number }[] {
    const window = (this.#growth.get(actorId) ?? []).filter((entry) => now - entry.at < MINUTE_MS);
    this.#growth.set(actorId, window);
    return window;
  }
}

function costOf(actor: RuleActor, change: EntryChange): Cost | null {
  switch (change.kind) {
    case 'idea': {
      const { before, after } = change;
      const key = after?.authorId ?? before?.authorId ?? actor.id;
      return {
        key,
        ideas: (after ? 1 : 0) - (before ? 1 : 0),
        steps: 0,
        textBytes: (after ? bytesOf(after.text) : 0) - (before ? bytesOf(before.text) : 0),
      };
    }
    case 'project': {
      const beforeSteps = new Map((change.before?.steps ?? []).map((step) => [step.id, step.text]));
      let steps = 0;
      let textBytes = 0;
      for (const step of change.after?.steps ?? []) {
        const was = beforeSteps.get(step.id);
        if (was === undefined) steps += 1;
        // Only growth counts: a step removed or shortened gives nothing back (they are staff's to remove).
        textBytes += Math.max(0, bytesOf(step.text) - (was === undefined ? 0 : bytesOf(was)));
      }
      return steps === 0 && textBytes === 0 ? null : { key: actor.id, ideas: 0, steps, textBytes };
    }
    case 'meta':
    case 'votes':
    case 'thanks':
    case 'pass':
      return null;
    default:
      return exhaustive(change);
  }
}
