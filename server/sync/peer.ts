/**
 * What the room needs of a client and of every change: the room owns these types, and the
 * transport adapter (`connection.ts`) implements `Peer`. The room never imports a concrete class
 * of the layer above it.
 */
import type { Actor } from '../../shared/actor';
import { exhaustive } from '../../shared/exhaustive';

/** One client's connection, as the room sees it. */
export interface Peer {
  /** Who is on the other end, as the token proved. */
  readonly actor: Actor;
  /** The client asked for `saved` acks (`?acks=1`, shared/sync-messages.ts). */
  readonly wantsAcks: boolean;
  /** The client asked for board notices (`?notices=1`, shared/sync-messages.ts); absent means no. */
  readonly wantsNotices?: boolean;
  /**
   * The client is connected to another instance (scale-out through Redis): the board's stream
   * carries the document's committed updates and the presence to it, so the room's broadcasts
   * skip it. What is addressed to it alone (the sync handshake, acks, notices, holds, closes) is
   * still sent to it. Absent means a local client.
   */
  readonly remote?: boolean;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  /**
   * Stops (true) or resumes (false) reading the client's messages: backpressure while the room
   * works through what it already has. TCP's window then slows the sender; nothing is dropped.
   */
  hold(held: boolean): void;
}

/** Where a change to a room's document came from: the origin of every transaction it applies. */
export type Origin =
  /** An update a client sent, accepted whole. */
  | { kind: 'client'; peer: Peer }
  /** A client's update together with the guard's undoing of its refused parts, as one net change. */
  | { kind: 'compensation'; peer: Peer }
  /** A change the server made for a person (an HTTP route, a restore). */
  | { kind: 'server'; actorId: string }
  /** A change another instance committed and published (scale-out through Redis). */
  | { kind: 'remote'; instanceId: string; actorId: string };

/** The actor a stored update is attributed to. */
export function actorIdOf(origin: Origin): string {
  switch (origin.kind) {
    case 'client':
    case 'compensation':
      return origin.peer.actor.id;
    case 'server':
    case 'remote':
      return origin.actorId;
    default:
      return exhaustive(origin);
  }
}

/** The peer that already holds an update because it sent it, if any: it is not sent back. */
export function senderOf(origin: Origin): Peer | null {
  // A compensation goes to its sender too: the sender lacks the undoing of its refused parts.
  return origin.kind === 'client' ? origin.peer : null;
}
