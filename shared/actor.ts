/**
 * Who did something on a board: the identity a session or a websocket token proved, never what a
 * document says. The server attributes every stored update and history event to one.
 */
import type { ActorRole } from './api';

export interface Actor {
  id: string;
  role: ActorRole;
  name: string;
  /**
   * What this actor's anonymous ideas on the board carry as `authorId` (server/auth/anonymous-ids.ts).
   * The server derives it; a websocket token carries it so that the guard can tell the author.
   */
  anonymousId?: string | undefined;
}
