/**
 * What a presence (awareness) state may hold (spec 5: `{ user: { id, name, avatar, role } }`).
 * The server relays only states of this shape and size, with `id`, `name` and `role` replaced by
 * the token's (server/sync/awareness.ts): presence is never a channel for anything else.
 */
import { z } from 'zod';
import { AVATAR_MAX } from './limits';

/** The longest presence state (characters of the JSON a client sends) that the server reads. */
export const PRESENCE_STATE_MAX_LENGTH = 1024;

export const presenceSchema = z.strictObject({
  user: z
    .strictObject({
      // Whatever a client says of these is replaced by its token's identity.
      id: z.string().max(200).optional(),
      name: z.string().max(200).optional(),
      role: z.string().max(20).optional(),
      avatar: z.string().max(AVATAR_MAX).optional(),
    })
    .optional(),
});

export type PresenceState = z.infer<typeof presenceSchema>;
