/**
 * The y-websocket wire format: what a client may send, decoded into one union, and the messages the
 * relay sends back. Only this module knows the byte layout.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MESSAGE_TIME, readTimeRequest } from '../../shared/sync-messages';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export type ClientMessage =
  /** "Here is what I have; send me what I lack." */
  | { type: 'sync-request'; stateVector: Uint8Array }
  /** Sync step 2 and plain updates alike: changes to apply. */
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  /** "What time is it on the server?" (shared/sync-messages.ts) */
  | { type: 'time-request'; requestId: number }
  /**
   * A type this server does not know (a newer client's extension) or has no use for (auth, which
   * happens before the upgrade). Ignored, never a reason to close (spec 4).
   */
  | { type: 'ignored'; messageType: number };

export class MalformedMessage extends Error {
  override name = 'MalformedMessage';
}

/** Decodes one client message, or throws `MalformedMessage`. Trailing bytes count as malformed. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(data);
    const message = readMessage(decoder);
    if (decoding.hasContent(decoder)) throw new MalformedMessage('trailing bytes after the message');
    return message;
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    throw new MalformedMessage(error instanceof Error ? error.message : 'undecodable message');
  }
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const kind = decoding.readVarUint(decoder);
  switch (kind) {
    case MESSAGE_SYNC: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SYNC_STEP_1) {
        Y.decodeStateVector(payload); // throws on garbage
        return { type: 'sync-request', stateVector: payload };
      }
      if (step === SYNC_STEP_2 || step === SYNC_UPDATE) return { type: 'update', update: payload };
      throw new MalformedMessage(`unknown sync step ${step}`);
    }
    case MESSAGE_AWARENESS:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case MESSAGE_QUERY_AWARENESS:
      return { type: 'query-awareness' };
    case MESSAGE_TIME:
      return { type: 'time-request', requestId: readTimeRequest(decoder) };
    case MESSAGE_AUTH:
    default:
      // Its layout is unknown, so its bytes are not read: trailing bytes cannot be judged.
      skipRest(decoder);
      return { type: 'ignored', messageType: kind };
  }
}

function skipRest(decoder: decoding.Decoder): void {
  decoder.pos = decoder.arr.length;
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SYNC_STEP_1, stateVector);
}

/** Sync step 2: an update holding everything the peer lacks. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SYNC_STEP_2, update);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SYNC_UPDATE, update);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function encodeSync(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}
