/**
 * A worker thread of lean clients (`ws` and y-protocols' encoding, no WebsocketProvider), so that
 * the clients never share the server's process and cost little while the clock runs.
 *
 * Writers make all their updates before the run: the first posts the writer's own idea, each later
 * one edits that idea's text, one Yjs transaction each (a legitimate Teian operation). A writer
 * stamps each update's send time into shared memory just before sending it.
 *
 * Readers never apply what they receive. Each update of a writer ends at a known clock of the
 * writer's client id (shared memory too), so `Y.parseUpdateMeta` of a received message tells which
 * of the writer's updates it holds, even when the server merged several into one message: an update
 * counts as delivered to a reader the first time a message reaches past its clock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { addIdea, editIdea } from '../../shared/board';
import { boardUrl, openingMessages, readMessage, updateMessage } from './protocol';
import { writerClientId, type ClientSpec, type WorkerCommand, type WorkerInit, type WorkerReply, type WriterSpec } from './clients';

const init = workerData as WorkerInit;
const { kind, httpUrl, updatesPerWriter } = init;
const sendTimes = new Float64Array(init.sendTimes);
const endClocks = new Int32Array(init.endClocks);

const now = () => performance.timeOrigin + performance.now();

interface Client {
  spec: ClientSpec;
  socket: WebSocket;
  /** The highest update index of the board's writer this client holds (−1: none). */
  held: number;
  /** Updates of the measured range that arrived, and how late. */
  latencies: number[];
  synced: Promise<{ ms: number; bytes: number }>;
}

const clients: Client[] = [];
const writers = new Map<number, { spec: WriterSpec; updates: Uint8Array[]; client: Client }>();
let measured = { from: 0, to: 0 };

function makeUpdates(spec: WriterSpec): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = writerClientId(spec.writer);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const ideaId = `bench-${spec.writer}`;
  addIdea(doc, { id: ideaId, text: `アイデア ${spec.writer}`, authorId: spec.actorId });
  endClocks[spec.writer * updatesPerWriter] = Y.getState(doc.store, doc.clientID);
  for (let i = 1; i < updatesPerWriter; i++) {
    editIdea(doc, ideaId, { text: `アイデア ${spec.writer} の ${i} 回目の書き直し` });
    endClocks[spec.writer * updatesPerWriter + i] = Y.getState(doc.store, doc.clientID);
  }
  return updates;
}

/** The index of the last of `writer`'s updates that ends at or before `clock`. */
function lastUpdateWithin(writer: number, clock: number, after: number): number {
  let index = after;
  const base = writer * updatesPerWriter;
  while (index + 1 < updatesPerWriter && endClocks[base + index + 1]! <= clock && endClocks[base + index + 1]! > 0) index++;
  return index;
}

function open(spec: ClientSpec): Client {
  const socket = new WebSocket(boardUrl(kind, httpUrl, spec.board, spec.token));
  socket.binaryType = 'nodebuffer';
  const startedAt = now();
  let resolveSynced!: (value: { ms: number; bytes: number }) => void;
  let rejectSynced!: (error: Error) => void;
  const client: Client = {
    spec,
    socket,
    held: -1,
    latencies: [],
    synced: new Promise((resolve, reject) => {
      resolveSynced = resolve;
      rejectSynced = reject;
    }),
  };
  socket.once('open', () => {
    for (const message of openingMessages(kind, spec.board)) socket.send(message);
  });
  socket.once('error', (error) => rejectSynced(error));
  socket.once('close', (code) => rejectSynced(new Error(`socket closed (${code}) before it synced`)));
  const writerId = writerClientId(spec.watches);
  socket.on('message', (data: Buffer) => {
    const received = readMessage(kind, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (!received) return;
    if (received.type === 'step2') resolveSynced({ ms: now() - startedAt, bytes: received.update.byteLength });
    if (spec.role !== 'reader' || spec.watches < 0) return;
    const clock = Y.parseUpdateMeta(received.update).to.get(writerId);
    if (clock === undefined) return;
    const held = lastUpdateWithin(spec.watches, clock, client.held);
    if (held <= client.held) return;
    const arrived = now();
    const base = spec.watches * updatesPerWriter;
    for (let index = Math.max(client.held + 1, measured.from); index <= held && index < measured.to; index++) {
      client.latencies.push(arrived - sendTimes[base + index]!);
    }
    client.held = held;
  });
  return client;
}

async function run(startAt: number, ratePerWriter: number, count: number): Promise<void> {
  const list = [...writers.values()];
  const sent = list.map(() => 0);
  // Writers of one worker are spread evenly over each period, not sent in bursts.
  const offsets = list.map((_, index) => (index / list.length) * (1000 / ratePerWriter));
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = now() - startAt;
      let done = true;
      list.forEach((writer, index) => {
        const due = Math.min(count, Math.floor(((elapsed - offsets[index]!) * ratePerWriter) / 1000) + 1);
        while (sent[index]! < due) {
          const i = sent[index]!;
          sendTimes[writer.spec.writer * updatesPerWriter + i] = now();
          writer.client.socket.send(updateMessage(kind, writer.client.spec.board, writer.updates[i]!));
          sent[index] = i + 1;
        }
        if (sent[index]! < count) done = false;
      });
      if (done) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, Math.max(0, startAt - now()));
  });
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

parentPort!.on('message', (command: WorkerCommand) => {
  void (async () => {
    switch (command.op) {
      case 'connect': {
        for (const spec of init.clients) {
          const client = open(spec);
          clients.push(client);
          if (spec.role === 'writer') writers.set(spec.writer, { spec, updates: makeUpdates(spec), client });
        }
        const synced = await Promise.all(clients.map((client) => client.synced));
        reply({ op: 'connected', synced });
        return;
      }
      case 'run':
        measured = { from: command.measureFrom, to: command.measureTo };
        await run(command.startAt, command.ratePerWriter, command.count);
        reply({ op: 'sent' });
        return;
      case 'report': {
        const readers = clients.filter((client) => client.spec.role === 'reader' && client.spec.watches >= 0);
        const latencies = new Float64Array(readers.reduce((sum, client) => sum + client.latencies.length, 0));
        let offset = 0;
        for (const client of readers) {
          latencies.set(client.latencies, offset);
          offset += client.latencies.length;
        }
        reply({ op: 'report', latencies, readers: readers.length }, [latencies.buffer]);
        return;
      }
      case 'close':
        for (const client of clients) client.socket.terminate();
        reply({ op: 'closed' });
        return;
    }
  })().catch((error: unknown) => reply({ op: 'failed', error: String(error instanceof Error ? error.stack : error) }));
});
