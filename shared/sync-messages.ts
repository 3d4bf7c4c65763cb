/**
 * Teian's additions to the y-websocket wire protocol (spec 4): message types that a stock client
 * never receives unless it asks, with `?acks=1` on the socket URL, and that an old peer would
 * ignore. Both sides encode and decode them here, so the byte layout is written once.
 *
 * - `saved` (server → client), after every commit that held updates from this connection, in two
 *   forms. `messages`: how many update-carrying messages (sync step 2 and updates) this socket has
 *   sent that are now committed, counted from 1 on each new socket; this covers every change,
 *   deletions included (a Yjs deletion carries no clock). `clocks`: for each Yjs client id those
 *   updates carried, the clock below which that client's changes are durable, for a client that
 *   does not count its messages. A client that counts (it sees every message its socket sends)
 *   should rely on `messages`.
 * - `time` (client → server, answered server → client): the client sends a request number; the
 *   server answers the same number with its clock in milliseconds since the epoch, so the client
 *   can work out its offset from the server (half the round trip is the error bound).
 *
 * docs/protocol.md describes both in prose.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** The y-websocket message types are 0–3; ours sit well clear of any it may add. */
export const MESSAGE_SAVED = 100;
export const MESSAGE_TIME = 101;

/** The query parameter with which a client asks for `saved` acks (`?acks=1`). */
export const ACKS_PARAM = 'acks';

/** Client id → the clock below which that client's changes are committed. */
export type SavedClocks = Map<number, number>;

export interface Saved {
  /** Update-carrying messages of this socket (sync step 2 and updates) that are committed. */
  messages: number;
  clocks: SavedClocks;
}

/** Whether a client message (as sent on the socket) carries an update: sync step 2 or an update. */
export function carriesUpdate(message: Uint8Array): boolean {
  // y-websocket: type 0 is sync, then the step: 0 asks, 1 (step 2) and 2 (update) carry changes.
  return message.length > 1 && message[0] === 0 && (message[1] === 1 || message[1] === 2);
}

export function encodeSaved({ messages, clocks }: Saved): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SAVED);
  encoding.writeVarUint(encoder, messages);
  encoding.writeVarUint(encoder, clocks.size);
  for (const [clientId, clock] of clocks) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

/** Reads a `saved` body; the decoder stands just after the message type. */
export function readSaved(decoder: decoding.Decoder): Saved {
  const messages = decoding.readVarUint(decoder);
  const clocks: SavedClocks = new Map();
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    clocks.set(clientId, decoding.readVarUint(decoder));
  }
  return { messages, clocks };
}

/** A client's request for the server's clock. */
export function encodeTimeRequest(requestId: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_TIME);
  encoding.writeVarUint(encoder, requestId);
  return encoding.toUint8Array(encoder);
}

/** Reads a time request's body; the decoder stands just after the message type. */
export function readTimeRequest(decoder: decoding.Decoder): number {
  return decoding.readVarUint(decoder);
}

export function encodeTimeAnswer(requestId: number, serverTime: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_TIME);
  encoding.writeVarUint(encoder, requestId);
  encoding.writeFloat64(encoder, serverTime);
  return encoding.toUint8Array(encoder);
}

/** Reads a time answer's body; the decoder stands just after the message type. */
export function readTimeAnswer(decoder: decoding.Decoder): { requestId: number; serverTime: number } {
  const requestId = decoding.readVarUint(decoder);
  return { requestId, serverTime: decoding.readFloat64(decoder) };
}

/**
 * `notice` (server → client): "something about this board outside the document changed, ask the
 * API again". Only for a client that asks with `?notices=1` (`NOTICES_PARAM`), and only staff and
 * projector connections are sent any: a stock client never receives one. The body is one string,
 * the notice's kind; a client ignores kinds it does not know.
 */
export const MESSAGE_NOTICE = 102;

/** The query parameter with which a client asks for notices (`?notices=1`). */
export const NOTICES_PARAM = 'notices';

/**
 * `settings`: the board's row changed (its join code was rotated, say): refetch it. `meeting`: a
 * meeting on the board started or closed.
 */
export const NOTICE_KINDS = ['settings', 'meeting'] as const;
export type BoardNotice = (typeof NOTICE_KINDS)[number];

export function encodeNotice(notice: BoardNotice): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_NOTICE);
  encoding.writeVarString(encoder, notice);
  return encoding.toUint8Array(encoder);
}

/** Reads a notice's kind, or null for a kind this code does not know; the decoder stands after the type. */
export function readNotice(decoder: decoding.Decoder): BoardNotice | null {
  const kind = decoding.readVarString(decoder);
  return (NOTICE_KINDS as readonly string[]).includes(kind) ? (kind as BoardNotice) : null;
}
