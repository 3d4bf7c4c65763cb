/**
 * Guessing is slow and visible (issue 8, docs/security.md): every attempt at a secret — a join
 * code, a PIN, a staff password — is counted per address and per target, and a target that has
 * been guessed at too often is locked until the lock runs out or staff lift it.
 *
 * Counting is rate-limiter-flexible's (its `penalty`, `reward`, `block`, `get` and `delete`); this
 * module decides what is counted against what. One instance keeps counts and locks in its memory
 * (`RateLimiterMemory`), so a restart forgets them. Instances that scale out through Redis
 * (docs/scale-out.md) keep both in Redis (`RateLimiterRedis`, and a hash of the locks staff see), so
 * a guesser gains nothing by spreading guesses over instances, and a lock made on one is listed and
 * lifted on any.
 *
 * Each attempt is counted *before* the secret is checked and refunded when it was right, so that a
 * hundred guesses sent at once cannot all be checked before the first of them counts.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Lockout } from '../../shared/api';
import { newId } from '../../shared/ids';
import { silentLogger, type Logger } from '../log';

/** `attempts` wrong guesses within `perSeconds` lock the target for `lockSeconds` (at least 1). */
export interface GuessRule {
  attempts: number;
  perSeconds: number;
  lockSeconds: number;
}

export interface GuessLimitSettings {
  /** Wrong join codes from one address. */
  joinCodesPerAddress: readonly GuessRule[];
  /**
   * Wrong join codes from every address together. A wrong code names no board, so the code space is
   * the target: once this budget is spent, each further wrong code locks the address that sent it
   * at once, for `lockSeconds`.
   */
  joinCodesServerWide: GuessRule;
  /** Wrong PINs for one name card, from anywhere. */
  pinsPerParticipant: readonly GuessRule[];
  /** Wrong PINs from one address, for any card of one facility. */
  pinsPerAddress: readonly GuessRule[];
  /** Wrong passwords for one login from one address (a device not known for that account). */
  signInsPerAccountAndAddress: readonly GuessRule[];
  /** Wrong passwords for any login from one address (a device not known for that account). */
  signInsPerAddress: readonly GuessRule[];
  /** Wrong passwords from a device that has signed in as that account before (its cookie). */
  signInsPerKnownDevice: readonly GuessRule[];
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Sized for a 40-person meeting behind one address, where typos happen (docs/security.md). */
export const defaultGuessLimits: GuessLimitSettings = {
  joinCodesPerAddress: [
    { attempts: 20, perSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE },
    { attempts: 100, perSeconds: DAY, lockSeconds: DAY },
  ],
  joinCodesServerWide: { attempts: 100, perSeconds: HOUR, lockSeconds: HOUR },
  pinsPerParticipant: [
    { attempts: 5, perSeconds: 15 * MINUTE, lockSeconds: HOUR },
    { attempts: 10, perSeconds: DAY, lockSeconds: DAY },
  ],
  pinsPerAddress: [
    { attempts: 20, perSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE },
    { attempts: 100, perSeconds: DAY, lockSeconds: DAY },
  ],
  signInsPerAccountAndAddress: [
    { attempts: 10, perSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE },
    { attempts: 50, perSeconds: DAY, lockSeconds: DAY },
  ],
  signInsPerAddress: [
    { attempts: 30, perSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE },
    { attempts: 200, perSeconds: DAY, lockSeconds: DAY },
  ],
  signInsPerKnownDevice: [{ attempts: 10, perSeconds: 15 * MINUTE, lockSeconds: 15 * MINUTE }],
};

export interface Lock {
  until: Date;
}

/**
 * One guess, counted as it begins. An open attempt ends with exactly one of `miss` (the secret was
 * wrong: answers the lock this caused, if any) or `hit` (it was right).
 */
export type Attempt =
  | { state: 'locked'; lock: Lock }
  | { state: 'open'; miss(): Promise<Lock | null>; hit(): Promise<void> };

export interface SignInSubject {
  address: string;
  login: string;
  /** The account's facility; null for a login that names nobody (its locks are never listed). */
  facilityId: string | null;
  /** The device id of a valid known-device cookie for this account (server/auth/known-devices.ts). */
  knownDevice: string | null;
}

/**
 * @example
 * const attempt = await guesses.pin({ address, participantId, facilityId });
 * if (attempt.state === 'locked') throw lockedOut(attempt.lock);
 * if (await verifySecret(pin, hash)) await attempt.hit();
 * else if (await attempt.miss()) throw lockedOut(...);
 */
export interface GuessLimits {
  joinCode(address: string): Promise<Attempt>;
  pin(subject: { address: string; participantId: string; facilityId: string }): Promise<Attempt>;
  signIn(subject: SignInSubject): Promise<Attempt>;
  /** When this card's PIN sign-in unlocks by itself; null when it is not locked. */
  pinLockedUntil(participantId: string): Promise<Date | null>;
  unlockParticipant(participantId: string): Promise<void>;
  /** The address and sign-in locks staff of this facility may see: theirs and the server-wide ones. */
  lockouts(facilityId: string): Promise<Lockout[]>;
  /** Lifts one of `lockouts(facilityId)`; false when there is no such lock for this facility. */
  lift(id: string, facilityId: string): Promise<boolean>;
}

/** One rule's counts, one key per target. */
class Tier {
  readonly rule: GuessRule;
  readonly #limiter: RateLimiterAbstract;

  constructor(rule: GuessRule, keyPrefix: string, shared: SharedStore | undefined) {
    this.rule = rule;
    const options = { points: rule.attempts, duration: rule.perSeconds };
    this.#limiter = shared
      ? new RateLimiterRedis({ ...options, storeClient: shared.redis, keyPrefix: `${shared.prefix}:guess:${keyPrefix}` })
      : new RateLimiterMemory({ ...options, keyPrefix });
  }

  /** Milliseconds until the key's lock lifts; 0 when it is not locked. */
  async lockedFor(key: string): Promise<number> {
    const res = await this.#limiter.get(key);
    // `block` sets the count one past the budget; counting never goes past it otherwise.
    return res && res.consumedPoints > this.rule.attempts ? Math.max(res.msBeforeNext, 1) : 0;
  }

  async count(key: string): Promise<number> {
    return (await this.#limiter.penalty(key)).consumedPoints;
  }

  async spent(key: string): Promise<boolean> {
    const res = await this.#limiter.get(key);
    return res !== null && res.consumedPoints >= this.rule.attempts;
  }

  async lock(key: string, seconds: number): Promise<void> {
    await this.#limiter.block(key, Math.max(seconds, 1));
  }

  /** Gives back an attempt that turned out right (never unlocks, never counts below zero). */
  async refund(key: string): Promise<void> {
    const res = await this.#limiter.get(key);
    if (res && res.consumedPoints > 0 && res.consumedPoints <= this.rule.attempts) await this.#limiter.reward(key);
  }

  async clear(key: string): Promise<void> {
    await this.#limiter.delete(key);
  }
}

/** The rules that count one kind of target, and whether a right guess wipes its count. */
interface Group {
  name: string;
  tiers: Tier[];
  /** True where a right guess proves the guesser knows the secret (a card, an account). */
  resetOnHit: boolean;
}

/** What staff see of a lock; null for locks that are not listed (cards, unknown logins). */
type Listing = Omit<Lockout, 'id' | 'until'> & { facilityId: string | null };

interface Target {
  group: Group;
  key: string;
  listing: Listing | null;
}

/** A listed lock as kept: plain data, so that it can live in Redis. */
interface LockRecord {
  id: string;
  listing: Listing;
  until: number;
  group: string;
  key: string;
}

/** Where listed locks are kept, by `group|key`; expired ones are dropped as they are read. */
interface LockBook {
  get(recordKey: string): Promise<LockRecord | undefined>;
  set(recordKey: string, record: LockRecord): Promise<void>;
  delete(recordKey: string): Promise<void>;
  all(): Promise<LockRecord[]>;
}

/** Redis for instances that scale out; `prefix` is the cluster's (`REDIS_PREFIX`). */
export interface SharedStore {
  redis: Redis;
  prefix: string;
}

function memoryBook(): LockBook {
  const records = new Map<string, LockRecord>();
  return {
    get: async (recordKey) => records.get(recordKey),
    set: async (recordKey, record) => void records.set(recordKey, record),
    delete: async (recordKey) => void records.delete(recordKey),
    async all() {
      const now = Date.now();
      for (const [recordKey, record] of records) if (record.until <= now) records.delete(recordKey);
      return [...records.values()];
    },
  };
}

function redisBook({ redis, prefix }: SharedStore): LockBook {
  const hash = `${prefix}:guess:locks`;
  return {
    async get(recordKey) {
      const stored = await redis.hget(hash, recordKey);
      return stored ? (JSON.parse(stored) as LockRecord) : undefined;
    },
    set: async (recordKey, record) => void (await redis.hset(hash, recordKey, JSON.stringify(record))),
    delete: async (recordKey) => void (await redis.hdel(hash, recordKey)),
    async all() {
      const now = Date.now();
      const records = Object.entries(await redis.hgetall(hash)).map(([recordKey, stored]) => [recordKey, JSON.parse(stored) as LockRecord] as const);
      const expired = records.filter(([, record]) => record.until <= now).map(([recordKey]) => recordKey);
      if (expired.length) await redis.hdel(hash, ...expired);
      return records.filter(([, record]) => record.until > now).map(([, record]) => record);
    },
  };
}

export interface GuessLimitOptions {
  settings?: GuessLimitSettings;
  log?: Logger;
  /** Counts and locks in Redis, shared by every instance of a cluster; this process's memory without. */
  shared?: SharedStore;
}

export function createGuessLimits({ settings = defaultGuessLimits, log = silentLogger, shared }: GuessLimitOptions = {}): GuessLimits {
  const group = (name: string, rules: readonly GuessRule[], resetOnHit: boolean): Group => ({
    name,
    tiers: rules.map((rule, index) => new Tier(rule, `${name}:${index}`, shared)),
    resetOnHit,
  });
  const codes = group('code', settings.joinCodesPerAddress, false);
  const codesServerWide = new Tier(settings.joinCodesServerWide, 'code-all', shared);
  const cards = group('card', settings.pinsPerParticipant, true);
  const pinAddresses = group('pin', settings.pinsPerAddress, false);
  const accounts = group('account', settings.signInsPerAccountAndAddress, true);
  const signInAddresses = group('sign-in', settings.signInsPerAddress, false);
  const devices = group('device', settings.signInsPerKnownDevice, true);
  const groups = new Map([codes, cards, pinAddresses, accounts, signInAddresses, devices].map((each) => [each.name, each]));
  /** Listed locks by group and key, so that staff can see and lift them. */
  const book = shared ? redisBook(shared) : memoryBook();

  const recordKey = (target: { group: Group; key: string }) => `${target.group.name}|${target.key}`;

  async function lockedUntil(targets: readonly Target[]): Promise<Date | null> {
    let longest = 0;
    for (const { group, key } of targets) {
      for (const tier of group.tiers) longest = Math.max(longest, await tier.lockedFor(key));
    }
    return longest > 0 ? new Date(Date.now() + longest) : null;
  }

  async function lock(target: Target, tier: Tier, seconds: number): Promise<void> {
    await tier.lock(target.key, seconds);
    // Never the key itself: a login that names nobody may be a password typed in the wrong field.
    const about = target.listing
      ? { address: target.listing.address, login: target.listing.login }
      : target.group === cards
        ? { participantId: target.key }
        : {};
    log.warn('guessing locked', { group: target.group.name, ...about, seconds });
    if (!target.listing) return;
    const until = Date.now() + Math.max(seconds, 1) * 1000;
    // Two instances locking the same target at once may both write; either record lists the lock.
    const existing = await book.get(recordKey(target));
    await book.set(recordKey(target), {
      id: existing?.id ?? newId(),
      listing: target.listing,
      until: Math.max(existing?.until ?? 0, until),
      group: target.group.name,
      key: target.key,
    });
  }

  async function clear(target: { group: Group; key: string }): Promise<void> {
    for (const tier of target.group.tiers) await tier.clear(target.key);
    await book.delete(recordKey(target));
  }

  async function begin(targets: readonly Target[], onMiss?: () => Promise<void>): Promise<Attempt> {
    const held = await lockedUntil(targets);
    if (held) return { state: 'locked', lock: { until: held } };
    for (const target of targets) {
      for (const tier of target.group.tiers) {
        // Past the budget only while earlier attempts are still being checked: refuse this one.
        if ((await tier.count(target.key)) > tier.rule.attempts) await lock(target, tier, tier.rule.lockSeconds);
      }
    }
    const crowded = await lockedUntil(targets);
    if (crowded) return { state: 'locked', lock: { until: crowded } };

    let settled = false;
    return {
      state: 'open',
      async miss() {
        if (settled) return lockedUntil(targets).then((until) => (until ? { until } : null));
        settled = true;
        await onMiss?.();
        for (const target of targets) {
          for (const tier of target.group.tiers) {
            if ((await tier.lockedFor(target.key)) === 0 && (await tier.spent(target.key))) {
              await lock(target, tier, tier.rule.lockSeconds);
            }
          }
        }
        const until = await lockedUntil(targets);
        return until ? { until } : null;
      },
      async hit() {
        if (settled) return;
        settled = true;
        for (const target of targets) {
          if (target.group.resetOnHit) await clear(target);
          else for (const tier of target.group.tiers) await tier.refund(target.key);
        }
      },
    };
  }

  const cardTarget = (participantId: string): Target => ({ group: cards, key: participantId, listing: null });

  return {
    joinCode(address) {
      const target: Target = {
        group: codes,
        key: address,
        listing: { kind: 'join-code', address, login: null, facilityId: null },
      };
      return begin([target], async () => {
        // The server-wide budget counts only wrong codes; once spent, a wrong code locks at once.
        const { rule } = codesServerWide;
        if ((await codesServerWide.count('all')) > rule.attempts) await lock(target, codes.tiers[0]!, rule.lockSeconds);
      });
    },

    pin({ address, participantId, facilityId }) {
      return begin([
        cardTarget(participantId),
        {
          group: pinAddresses,
          key: `${facilityId}|${address}`,
          listing: { kind: 'pin', address, login: null, facilityId },
        },
      ]);
    },

    signIn({ address, login, facilityId, knownDevice }) {
      const listing = (perAccount: boolean): Listing | null =>
        facilityId === null && perAccount ? null : { kind: 'sign-in', address, login: perAccount ? login : null, facilityId };
      if (knownDevice) return begin([{ group: devices, key: knownDevice, listing: listing(true) }]);
      return begin([
        { group: accounts, key: `${login}|${address}`, listing: listing(true) },
        { group: signInAddresses, key: address, listing: listing(false) },
      ]);
    },

    pinLockedUntil: (participantId) => lockedUntil([cardTarget(participantId)]),
    unlockParticipant: (participantId) => clear(cardTarget(participantId)),

    async lockouts(facilityId) {
      return (await book.all())
        .filter((record) => record.listing.facilityId === null || record.listing.facilityId === facilityId)
        .sort((a, b) => b.until - a.until)
        .map(({ id, listing: { kind, address, login }, until }) => ({ id, kind, address, login, until: new Date(until).toISOString() }));
    },

    async lift(id, facilityId) {
      const record = (await book.all()).find((candidate) => candidate.id === id);
      const lockedGroup = record && groups.get(record.group);
      if (!record || !lockedGroup || (record.listing.facilityId !== null && record.listing.facilityId !== facilityId)) return false;
      await clear({ group: lockedGroup, key: record.key });
      return true;
    },
  };
}
