/**
 * The wire of the three servers, for lean clients: the y-websocket protocol (a message type, then
 * a sync message) for Teian and the reference server; Hocuspocus puts the document's name before
 * every message and wants an authentication message first.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { ServerKind } from './server';

const MESSAGE_SYNC = 0;
/** Hocuspocus's `MessageType.Auth`, and its `AuthMessageType.Token`. */
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_TOKEN = 0;

/** The websocket URL of one board. */
export function boardUrl(kind: ServerKind, httpUrl: string, board: string, token: string): string {
  const base = httpUrl.replace(/^http/, 'ws');
  if (kind === 'teian') return `${base}/yjs/${board}?token=${token}`;
  // The reference server names the document by the path; Hocuspocus by each message.
  return `${base}/${board}`;
}

function message(kind: ServerKind, board: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  if (kind === 'hocuspocus') encoding.writeVarString(encoder, board);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** What a client sends once open: Hocuspocus's authentication, then sync step 1 with an empty state vector. */
export function openingMessages(kind: ServerKind, board: string): Uint8Array[] {
  const step1 = message(kind, board, (encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(encoder, new Uint8Array([0]));
  });
  if (kind !== 'hocuspocus') return [step1];
  const auth = message(kind, board, (encoder) => {
    encoding.writeVarUint(encoder, HOCUSPOCUS_AUTH);
    encoding.writeVarUint(encoder, HOCUSPOCUS_TOKEN);
    encoding.writeVarString(encoder, '');
  });
  return [auth, step1];
}

export function updateMessage(kind: ServerKind, board: string, update: Uint8Array): Uint8Array {
  return message(kind, board, (encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsUpdate);
    encoding.writeVarUint8Array(encoder, update);
  });
}

/** A received message, as far as the benchmark cares: a sync step 2 or an update, with its Yjs update. */
export type Received = { type: 'step2' | 'update'; update: Uint8Array } | null;

export function readMessage(kind: ServerKind, data: Uint8Array): Received {
  const decoder = decoding.createDecoder(data);
  if (kind === 'hocuspocus') decoding.readVarString(decoder);
  if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null; // awareness, auth, sync status...
  const syncType = decoding.readVarUint(decoder);
  if (syncType === syncProtocol.messageYjsSyncStep2) return { type: 'step2', update: decoding.readVarUint8Array(decoder) };
  if (syncType === syncProtocol.messageYjsUpdate) return { type: 'update', update: decoding.readVarUint8Array(decoder) };
  return null; // the server's own sync step 1
}
