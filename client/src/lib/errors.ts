import type { MessageKey } from '../i18n/i18n.svelte';
import { ApiRequestError } from './api';

/**
 * The plain-words message for a failed request. `byStatus` lets a page say what a status means in
 * its own context (a 401 on the join page is a wrong PIN, on the login page a wrong password).
 */
export function errorMessage(error: unknown, byStatus: Partial<Record<number, MessageKey>> = {}): MessageKey {
  if (!(error instanceof ApiRequestError)) return 'common.unknownError';
  // Too many wrong codes or PINs: whatever the page, only staff can help now.
  if (error.code === 'locked_out') return 'common.lockedOut';
  const specific = byStatus[error.status];
  if (specific) return specific;
  if (error.code === 'network') return 'common.networkError';
  if (error.status === 429) return 'common.rateLimited';
  if (error.status === 400) return 'common.checkFields';
  return 'common.unknownError';
}
