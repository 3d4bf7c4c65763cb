/**
 * A new idea being written, kept on this device so that a reload, a closed tab or a flat battery
 * does not lose it (issue 12). One draft per board and per person: on a shared tablet the next
 * person does not find the last one's words. Kept only in localStorage, never sent anywhere.
 */
import { readStored, writeStored } from './storage';

export interface IdeaDraft {
  text: string;
  category: string;
  anonymous: boolean;
}

const PREFIX = 'teian.draft';

export function draftKey(boardId: string, actorId: string): string {
  return `${PREFIX}.${boardId}.${actorId}`;
}

/** The kept draft, or null when there is none (or it cannot be read). */
export function readDraft(key: string): IdeaDraft | null {
  const raw = readStored(key);
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { text, category, anonymous } = value as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '') return null;
    return { text, category: typeof category === 'string' ? category : '', anonymous: anonymous === true };
  } catch {
    return null;
  }
}

/** Keeps the draft; an empty text removes it, so nothing is "restored" that was never written. */
export function writeDraft(key: string, draft: IdeaDraft): void {
  writeStored(key, draft.text.trim() === '' ? null : JSON.stringify(draft));
}

export function clearDraft(key: string): void {
  writeStored(key, null);
}
