/**
 * What instances say to each other over Redis pub/sub (docs/scale-out.md). Three kinds of channel:
 * one inbox per instance (a follower's sockets and an owner's answers to them, calls and replies),
 * one stream per board (what the owner committed, and presence), and one cluster channel for
 * changes of rights and notices that every instance applies. Every payload is a JSON array of
 * messages, so one publish carries everything one tick had for one channel; bytes travel as base64.
 */
import type { Actor } from '../../shared/actor';
import type { ActorRole } from '../../shared/api';
import type { BoardSettings } from '../../shared/permissions';
import type { BoardNotice } from '../../shared/sync-messages';
import type { ServerChange } from './changes';

/** Base64 of bytes. */
export type Bytes = string;

export type InboxMessage =
  /** Follower → owner: a socket of the follower's joins the owner's room as a remote peer. */
  | { t: 'join'; board: string; conn: string; from: string; actor: Actor; acks: boolean; notices: boolean }
  /** Follower → owner: a message the socket sent (anything but a sync request). */
  | { t: 'up'; conn: string; data: Bytes }
  | { t: 'leave'; conn: string }
  /** Owner → follower: what the room sent to the remote peer. */
  | { t: 'down'; conn: string; data: Bytes }
  | { t: 'close'; conn: string; code: number; reason: string }
  | { t: 'hold'; conn: string; held: boolean }
  /** A request to the owner of `board`, answered with a `reply` of the same id. */
  | { t: 'call'; id: string; from: string; board: string; call: BoardCall }
  | { t: 'reply'; id: string; ok: true; value: unknown }
  | { t: 'reply'; id: string; ok: false; error: string };

/** What an instance may ask a board's owner to do, as data (a closure cannot cross instances). */
export type BoardCall =
  | { kind: 'change'; actorId: string; change: ServerChange }
  | { kind: 'committed' }
  | { kind: 'actors' };

export type StreamMessage =
  /** A committed batch: `fromSeq` is the log row before it, `toSeq` its last row. `at`: when published. */
  | { t: 'update'; owner: string; fromSeq: number; toSeq: number; data: Bytes; at: number }
  | { t: 'awareness'; owner: string; data: Bytes; at: number };

export type BroadcastMessage =
  | { t: 'closeActor'; actorId: string; code: number; reason: string }
  | { t: 'closeWhere'; board: string; code: number; reason: string; roles: ActorRole[] }
  | { t: 'notify'; board: string; notice: BoardNotice; roles: ActorRole[] }
  | { t: 'settings'; board: string; settings: BoardSettings };

export function toBytes(data: Uint8Array): Bytes {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

export function fromBytes(data: Bytes): Uint8Array {
  const buffer = Buffer.from(data, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Channel and key names, all under one prefix so that clusters (and tests) can share a Redis. */
export function names(prefix: string) {
  return {
    inbox: (instanceId: string) => `${prefix}:inbox:${instanceId}`,
    stream: (boardId: string) => `${prefix}:board:${boardId}`,
    cluster: `${prefix}:cluster`,
    lease: (boardId: string) => `${prefix}:lease:${boardId}`,
    alive: (instanceId: string) => `${prefix}:alive:${instanceId}`,
  };
}

export type Names = ReturnType<typeof names>;
