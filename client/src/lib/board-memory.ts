import type { BoardContext } from '../../../shared/api';
import { readStored, writeStored } from './storage';

/**
 * What the join page learned about a board that the board document does not carry (its settings
 * live in the database): kept on the device so the board page can offer "post without my name".
 */
export interface RememberedBoard {
  title: string;
  allowAnonymous: boolean;
}

const key = (boardId: string) => `teian.board.${boardId}`;
const contextKey = (boardId: string) => `teian.context.${boardId}`;

export function rememberBoard(boardId: string, info: RememberedBoard): void {
  writeStored(key(boardId), JSON.stringify(info));
}

export function recallBoard(boardId: string): RememberedBoard | null {
  const raw = readStored(key(boardId));
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<RememberedBoard>;
    return { title: typeof value.title === 'string' ? value.title : '', allowAnonymous: value.allowAnonymous === true };
  } catch {
    return null;
  }
}

/**
 * The last `GET /api/boards/:id/context` answer: names, categories and settings for a board opened
 * without a connection. It holds only what every person on the board may see.
 */
export function rememberContext(boardId: string, context: BoardContext): void {
  writeStored(contextKey(boardId), JSON.stringify(context));
}

export function recallContext(boardId: string): BoardContext | null {
  const raw = readStored(contextKey(boardId));
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as BoardContext;
    return Array.isArray(value.people) && Array.isArray(value.categories) && typeof value.board === 'object' ? value : null;
  } catch {
    return null;
  }
}
