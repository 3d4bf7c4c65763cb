/** A logger that keeps what the server logged, so that a test can assert on it (refusals, warnings). */
import type { LogFields, Logger } from '../../server/log';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

export interface CapturingLogger extends Logger {
  readonly entries: LogEntry[];
}

/**
 * @example
 *   const log = capturingLogger();
 *   const server = await startTestServer({ log });
 *   expect(log.entries.filter((entry) => entry.message === 'refused a change')).toHaveLength(1);
 */
export function capturingLogger(): CapturingLogger {
  const entries: LogEntry[] = [];
  const keep = (level: LogEntry['level']) => (message: string, fields: LogFields = {}) => {
    entries.push({ level, message, fields });
  };
  return { entries, info: keep('info'), warn: keep('warn'), error: keep('error') };
}
