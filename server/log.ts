/**
 * A small structured logger: one JSON line per event on stderr, so that operators can grep and ship
 * logs without a parser. Tests pass `silentLogger`.
 *
 * What it writes is redacted here, once, for every caller: a log line carries ids, counts and
 * sizes, never what people wrote or the secrets that guard them. Errors keep their name, code and a
 * message without query parameters (drizzle's "params: …" line holds a whole update's bytes or a
 * session token's hash); bytes become their length; fields named like a secret or a text are
 * replaced.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function createLogger({
  write = (line: string) => void process.stderr.write(line + '\n'),
}: { write?: (line: string) => void } = {}): Logger {
  const emit = (level: string, message: string, fields: LogFields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...redactFields(fields) }));
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * Field names whose values are never logged, at any depth: secrets, and what people wrote (the
 * database's `params`, `detail` and `parameters` echo the values of a failed query).
 */
const SECRET_KEYS =
  /^(params|parameters|args|detail|where|internalQuery|pin|pinHash|password|passwordHash|token|tokenHash|secret|cookie|text|update|updateBytes)$/i;

/** How deep nested fields and causes are followed; past it a value is summarised. */
const MAX_DEPTH = 4;
const MAX_ITEMS = 20;

/**
 * The fields as they may be logged (see the module comment).
 *
 * @example redactFields({ boardId, error }) // error → { name, message, code, cause? }
 */
export function redactFields(fields: LogFields): LogFields {
  return redactObject(fields, 0);
}

function redactObject(object: object, depth: number): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] = SECRET_KEYS.test(key) && value !== undefined && value !== null ? '[redacted]' : redact(value, depth);
  }
  return out;
}

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (ArrayBuffer.isView(value)) return { bytes: value.byteLength };
  if (value instanceof ArrayBuffer) return { bytes: value.byteLength };
  if (value instanceof Error) return redactError(value, depth);
  if (value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[${value.length} items]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redact(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  return redactObject(value, depth + 1);
}

/** The identifiers a database error names (PGlite's and postgres.js's spellings): never values. */
const DATABASE_NAMES = [
  ['constraint', 'constraint'],
  ['constraint_name', 'constraint'],
  ['table', 'table'],
  ['table_name', 'table'],
  ['column', 'column'],
  ['column_name', 'column'],
] as const;

function redactError(error: Error, depth: number): LogFields {
  const fields = error as unknown as Record<string, unknown>;
  const code = typeof fields.code === 'string' || typeof fields.code === 'number' ? String(fields.code) : undefined;
  const out: LogFields = { name: error.name, message: errorMessage(error, code) };
  if (code !== undefined) out.code = code;
  for (const [from, to] of DATABASE_NAMES) {
    if (typeof fields[from] === 'string' && out[to] === undefined) out[to] = fields[from];
  }
  // Never `stack`: its first line repeats the unredacted message.
  if (error.cause !== undefined && depth < MAX_DEPTH) out.cause = redact(error.cause, depth + 1);
  return out;
}

/** A PostgreSQL SQLSTATE: five digits or capitals (23505, 22P02, 57P01). */
const SQLSTATE = /^[0-9A-Z]{5}$/;

function errorMessage(error: Error, code: string | undefined): string {
  // drizzle: "Failed query: <sql with $1 placeholders>\nparams: <every value>".
  let message = error.message.replace(/\n\s*params:[\s\S]*$/, '');
  if (code !== undefined && SQLSTATE.test(code)) {
    // PostgreSQL quotes both names and values in its messages ('invalid input syntax for type
    // integer: "…"'); the names are logged on their own above, so every quoted part goes.
    message = message.replace(/"(?:[^"]|"")*"/g, '"…"');
    // Data exceptions (class 22) end with the offending value, quoted or not.
    if (code.startsWith('22')) message = message.replace(/:\s[\s\S]*$/, ': …');
  }
  return message;
}
