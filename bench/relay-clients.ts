/**
 * Relay clients for the benchmarks: they speak the y-websocket protocol over `ws` with updates
 * made beforehand, so that they cost almost nothing while the clock runs and the server is what is
 * measured. Every socket completes the sync handshake, so the server relays to it as it would to a
 * browser in a meeting.
 */
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { addIdea, boardRoots } from '../shared/board';

/** A participant who posts ideas: `updates[i]` adds its idea `i`, each depending on the one before. */
export interface Writer {
  socket: WebSocket;
  updates: Uint8Array[];
}

/** A writer whose `count` ideas are made now and sent later with `sendUpdate`. */
export async function openWriter(
  baseUrl: string,
  boardId: string,
  token: string,
  { actorId, index, count }: { actorId: string; index: number; count: number },
): Promise<Writer> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) {
    addIdea(doc, { id: `c${index}-i${i}`, text: `アイデア ${index}-${i}`, authorId: actorId });
  }
  const socket = await openSocket(baseUrl, boardId, token);
  // Sync step 1 with an empty state vector: the server answers, and from then on relays to us.
  socket.send(syncStep1(new Y.Doc()));
  return { socket, updates };
}

export function sendUpdate(writer: Writer, index: number): void {
  writer.socket.send(syncUpdate(writer.updates[index]!));
}

/** A socket that syncs and then only receives, like a projector showing the board. */
export async function openReader(baseUrl: string, boardId: string, token: string): Promise<WebSocket> {
  const socket = await openSocket(baseUrl, boardId, token);
  socket.send(syncStep1(new Y.Doc()));
  return socket;
}

/** A reader that applies what it receives, and so can tell when the board has `count` ideas. */
export async function openObserver(baseUrl: string, boardId: string, token: string) {
  const doc = new Y.Doc();
  const socket = await openSocket(baseUrl, boardId, token);
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== 0) return; // awareness
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server');
  });
  socket.send(syncStep1(doc));
  const ideas = boardRoots(doc).ideas;
  return {
    seen: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (ideas.size < count) return;
          ideas.unobserve(check);
          resolve();
        };
        ideas.observe(check);
        check();
      }),
    close: () => socket.close(),
  };
}

function openSocket(baseUrl: string, boardId: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/yjs/${boardId}?token=${token}`);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function syncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
