/**
 * Signed, short-lived tokens that open a board's websocket (spec 3, 4). A token names the board,
 * the actor and the role; the relay trusts nothing else about who is on a connection. They are JWTs
 * (HS256, Hono's implementation) so that their expiry and signature are checked by well-worn code.
 */
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import type { ActorRole } from '../../shared/api';
import type { Actor } from '../../shared/actor';

/** Participant and staff tokens: short, because a lost tablet should not keep a board open. */
export const BOARD_TOKEN_TTL_MS = 10 * 60 * 1000;
/** Projector tokens are read-only and meant to stay on a screen for a whole meeting day. */
export const VIEWER_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

const AUDIENCE = 'teian-board';

const claims = z.object({
  sub: z.string().min(1),
  board: z.string().min(1),
  role: z.enum(['participant', 'guest', 'staff', 'viewer']),
  name: z.string(),
  /** The actor's anonymous id on this board (server/auth/anonymous-ids.ts); viewers have none. */
  anon: z.string().optional(),
  exp: z.number(),
  /** Projector tokens: the board's viewer generation at issue (`boards.viewer_generation`). */
  gen: z.int().nonnegative().optional(),
});


export type TokenCheck =
  | {
      ok: true;
      actor: Actor;
      /** Milliseconds since the epoch. */
      expiresAt: number;
      /** The viewer generation a projector token was issued under (0 for tokens that carry none). */
      viewerGeneration: number;
    }
  | { ok: false; status: 401 | 403; reason: string };

export interface BoardTokenOptions {
  /** A projector token's viewer generation: revoking counts the board's up, and older ones stop working. */
  viewerGeneration?: number;
}

export interface BoardTokens {
  issue(boardId: string, actor: Actor, ttlMs?: number, options?: BoardTokenOptions): Promise<{ token: string; expiresAt: number }>;
  /** Checks a token for `boardId`: 401 when missing, expired or forged, 403 for another board. */
  check(token: string | undefined, boardId: string): Promise<TokenCheck>;
}

export function createBoardTokens(secret: string): BoardTokens {
  // Imported once: given the string, Hono imports the key again for every token it signs or checks
  // (about 16 KB of garbage per connecting socket in a heap profile of 2,000 connections).
  const key: Promise<CryptoKey> = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return {
    async issue(boardId, actor, ttlMs = BOARD_TOKEN_TTL_MS, { viewerGeneration } = {}) {
      const expiresAt = Date.now() + ttlMs;
      const token = await sign(
        {
          sub: actor.id,
          board: boardId,
          role: actor.role satisfies ActorRole,
          name: actor.name,
          ...(actor.anonymousId !== undefined ? { anon: actor.anonymousId } : {}),
          ...(viewerGeneration !== undefined ? { gen: viewerGeneration } : {}),
          aud: AUDIENCE,
          exp: Math.floor(expiresAt / 1000),
        },
        await key,
        'HS256',
      );
      return { token, expiresAt };
    },

    async check(token, boardId) {
      if (!token) return { ok: false, status: 401, reason: 'a board token is required' };
      let payload: unknown;
      try {
        payload = await verify(token, await key, { alg: 'HS256', aud: AUDIENCE });
      } catch {
        return { ok: false, status: 401, reason: 'the token is expired or invalid' };
      }
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return { ok: false, status: 401, reason: 'the token is invalid' };
      if (parsed.data.board !== boardId) {
        return { ok: false, status: 403, reason: 'the token is for another board' };
      }
      const { sub, role, name, anon, exp, gen = 0 } = parsed.data;
      return {
        ok: true,
        actor: { id: sub, role, name, ...(anon !== undefined ? { anonymousId: anon } : {}) },
        expiresAt: exp * 1000,
        viewerGeneration: gen,
      };
    },
  };
}
