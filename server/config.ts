/**
 * The server's configuration, read from the environment once (spec 2). Everything else receives a
 * `Config` instead of reading `process.env`, so tests can start servers side by side.
 */
import path from 'node:path';
import { defaultGuessLimits, type GuessLimitSettings } from './auth/guess-limits';
import { defaultQuotas, type Quotas } from './permissions/quotas';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; undefined means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where PGlite and generated secrets live. `memory://` keeps PGlite in memory (tests). */
  dataDir: string;
  /** Scale-out (docs/scale-out.md): several instances share boards through this Redis. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (`REDIS_PREFIX`), so that clusters can share one Redis. */
  redisPrefix: string;
  /** How long a board's ownership lease lasts without renewal (`TEIAN_LEASE_TTL_MS`). */
  leaseTtlMs: number;
  /** Undefined means: generate once and keep in `dataDir`. */
  sessionSecret: string | undefined;
  admin: { login: string; password: string } | undefined;
  /**
   * The address people open, when it is not the one the server listens on (`TEIAN_PUBLIC_URL`,
   * behind a reverse proxy). An https address marks the session cookie `Secure` and turns on HSTS.
   */
  publicUrl: URL | undefined;
  /**
   * Take the client's address from the last `X-Forwarded-For` entry (`TEIAN_TRUST_PROXY=1`): only
   * behind a reverse proxy that sets it, and only when the server cannot be reached but through it.
   */
  trustProxy: boolean;
  /** How many wrong join codes, PINs and passwords lock what (server/auth/guess-limits.ts). */
  guessLimits: GuessLimitSettings;
  /** Where the built client is; the server serves it when the folder exists. */
  clientDir: string;
  sync: SyncLimits;
}

/** The relay's limits and timings (spec 4), each configurable. */
export interface SyncLimits {
  maxMessageBytes: number;
  /** Messages a connection may send per second, sustained; above it the connection is throttled. */
  maxMessagesPerSecond: number;
  /** How long a connection may stay throttled before it counts as a flood and is closed (4529). */
  floodAfterMs: number;
  /** Queued, uncommitted messages of one connection beyond which the room stops reading it. */
  maxBacklogMessages: number;
  /** The same bound in bytes. */
  maxBacklogBytes: number;
  /** Bytes waiting to be sent to one connection beyond which it counts as a slow reader. */
  maxOutboundBytes: number;
  /** How long a connection may stay a slow reader before it is closed (4508, retried). */
  slowReaderAfterMs: number;
  /** How long shutdown waits for queued updates to be stored (a database outage must not hang it). */
  shutdownDeadlineMs: number;
  /** Log rows past the latest snapshot that trigger a compaction. */
  compactAfterUpdates: number;
  /** How long a board with no connections stays in memory. */
  unloadAfterMs: number;
  /** Stored boards larger than this are loaded a slice at a time, beside the other boards (server/sync/slices.ts). */
  sliceAboveBytes: number;
  /** How much one participant or guest may put on a board (server/permissions/quotas.ts). */
  quotas: Quotas;
}

export const defaultSyncLimits: SyncLimits = {
  maxMessageBytes: 1024 * 1024,
  maxMessagesPerSecond: 100,
  floodAfterMs: 30_000,
  maxBacklogMessages: 500,
  maxBacklogBytes: 8 * 1024 * 1024,
  shutdownDeadlineMs: 10_000,
  maxOutboundBytes: 16 * 1024 * 1024,
  slowReaderAfterMs: 10_000,
  compactAfterUpdates: 1000,
  unloadAfterMs: 30_000,
  // Not measured at this size: the 1.5 MB board of bench/README.md took 180–710 ms to apply at once
  // on a 2-core machine, so 256 KB is some 30–120 ms; a larger board is applied in slices instead.
  sliceAboveBytes: 256 * 1024,
  quotas: defaultQuotas,
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const admin =
    env.TEIAN_ADMIN_LOGIN && env.TEIAN_ADMIN_PASSWORD
      ? { login: env.TEIAN_ADMIN_LOGIN, password: env.TEIAN_ADMIN_PASSWORD }
      : undefined;
  return {
    port: integer(env.PORT, 8080, 'PORT'),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || './data',
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || 'teian',
    leaseTtlMs: integer(env.TEIAN_LEASE_TTL_MS, 5000, 'TEIAN_LEASE_TTL_MS'),
    sessionSecret: env.SESSION_SECRET || undefined,
    admin,
    publicUrl: publicUrl(env.TEIAN_PUBLIC_URL),
    trustProxy: flag(env.TEIAN_TRUST_PROXY, 'TEIAN_TRUST_PROXY'),
    guessLimits: defaultGuessLimits,
    clientDir: path.resolve(import.meta.dirname, '../dist/client'),
    sync: {
      maxMessageBytes: integer(env.TEIAN_MAX_MESSAGE_BYTES, defaultSyncLimits.maxMessageBytes, 'TEIAN_MAX_MESSAGE_BYTES'),
      maxMessagesPerSecond: integer(env.TEIAN_MAX_MESSAGES_PER_SECOND, defaultSyncLimits.maxMessagesPerSecond, 'TEIAN_MAX_MESSAGES_PER_SECOND'),
      floodAfterMs: integer(env.TEIAN_FLOOD_AFTER_MS, defaultSyncLimits.floodAfterMs, 'TEIAN_FLOOD_AFTER_MS'),
      maxBacklogMessages: integer(env.TEIAN_MAX_BACKLOG_MESSAGES, defaultSyncLimits.maxBacklogMessages, 'TEIAN_MAX_BACKLOG_MESSAGES'),
      maxBacklogBytes: integer(env.TEIAN_MAX_BACKLOG_BYTES, defaultSyncLimits.maxBacklogBytes, 'TEIAN_MAX_BACKLOG_BYTES'),
      maxOutboundBytes: integer(env.TEIAN_MAX_OUTBOUND_BYTES, defaultSyncLimits.maxOutboundBytes, 'TEIAN_MAX_OUTBOUND_BYTES'),
      slowReaderAfterMs: integer(env.TEIAN_SLOW_READER_AFTER_MS, defaultSyncLimits.slowReaderAfterMs, 'TEIAN_SLOW_READER_AFTER_MS'),
      shutdownDeadlineMs: integer(env.TEIAN_SHUTDOWN_DEADLINE_MS, defaultSyncLimits.shutdownDeadlineMs, 'TEIAN_SHUTDOWN_DEADLINE_MS'),
      compactAfterUpdates: integer(env.TEIAN_COMPACT_AFTER_UPDATES, defaultSyncLimits.compactAfterUpdates, 'TEIAN_COMPACT_AFTER_UPDATES'),
      unloadAfterMs: integer(env.TEIAN_UNLOAD_AFTER_MS, defaultSyncLimits.unloadAfterMs, 'TEIAN_UNLOAD_AFTER_MS'),
      sliceAboveBytes: integer(env.TEIAN_SLICE_ABOVE_BYTES, defaultSyncLimits.sliceAboveBytes, 'TEIAN_SLICE_ABOVE_BYTES'),
      quotas: {
        ideasPerPerson: integer(env.TEIAN_QUOTA_IDEAS, defaultQuotas.ideasPerPerson, 'TEIAN_QUOTA_IDEAS'),
        stepsPerPerson: integer(env.TEIAN_QUOTA_STEPS, defaultQuotas.stepsPerPerson, 'TEIAN_QUOTA_STEPS'),
        textBytesPerPerson: integer(env.TEIAN_QUOTA_TEXT_BYTES, defaultQuotas.textBytesPerPerson, 'TEIAN_QUOTA_TEXT_BYTES'),
        growthBytesPerMinute: integer(env.TEIAN_QUOTA_GROWTH_BYTES_PER_MINUTE, defaultQuotas.growthBytesPerMinute, 'TEIAN_QUOTA_GROWTH_BYTES_PER_MINUTE'),
      },
    },
  };
}

function publicUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new Error(`TEIAN_PUBLIC_URL must be an http:// or https:// address, got "${value}"`);
  }
  return url;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${name} must be 1 or 0, got "${value}"`);
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, got "${value}"`);
  }
  return parsed;
}
