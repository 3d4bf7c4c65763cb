/**
 * A stock y-websocket `WebsocketProvider` whose sockets record the wire (spec 4): every message type
 * they receive, the `saved` acks and `time` answers among them, and how many update-carrying
 * messages (sync step 2 and updates) they sent, counted from 1 per socket as the relay counts.
 * Nothing is changed in the provider but the socket class it is handed and, for a client that asks
 * for acks, handlers for the two extra types (so it does not log "Unable to compute message").
 */
import * as decoding from 'lib0/decoding';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  ACKS_PARAM,
  carriesUpdate,
  MESSAGE_SAVED,
  MESSAGE_TIME,
  readSaved,
  readTimeAnswer,
  type Saved,
} from '../../shared/sync-messages';

/** What one socket of the provider saw. */
export interface SocketRecord {
  /** The message type (first varuint) of every message received, in order. */
  receivedTypes: number[];
  /** Update-carrying messages sent so far: the number the next `saved` is compared with. */
  updatesSent: number;
  saved: Saved[];
  timeAnswers: { requestId: number; serverTime: number; receivedAt: number }[];
  closeCode: number | null;
}

export interface RecordingClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  sockets: SocketRecord[];
  /** The provider's socket now (or the last one). */
  readonly current: SocketRecord;
  /** The highest `messages` any `saved` of the current socket reported, 0 before the first. */
  readonly savedMessages: number;
  synced: Promise<void>;
  /** Sends raw bytes on the open socket, as a client extension would. */
  sendRaw(message: Uint8Array): void;
  close(): void;
}

export interface RecordingOptions {
  /** Ask for `saved` acks with `?acks=1`. */
  acks?: boolean;
  doc?: Y.Doc;
}

export function connectRecording(baseUrl: string, boardId: string, token: string, options: RecordingOptions = {}): RecordingClient {
  const doc = options.doc ?? new Y.Doc();
  const sockets: SocketRecord[] = [];

  class RecordingWebSocket extends WebSocket {
    readonly record: SocketRecord = { receivedTypes: [], updatesSent: 0, saved: [], timeAnswers: [], closeCode: null };

    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this.record);
      // The provider sets `binaryType = 'arraybuffer'` right after construction.
      this.on('message', (data: ArrayBuffer | Buffer) => {
        const decoder = decoding.createDecoder(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        const type = decoding.readVarUint(decoder);
        this.record.receivedTypes.push(type);
        if (type === MESSAGE_SAVED) this.record.saved.push(readSaved(decoder));
        if (type === MESSAGE_TIME) this.record.timeAnswers.push({ ...readTimeAnswer(decoder), receivedAt: Date.now() });
      });
      this.on('close', (code: number) => (this.record.closeCode = code));
    }

    // One signature for `ws`'s overloads: the provider sends only a Uint8Array.
    override send(...args: [data: unknown, ...rest: unknown[]]): void {
      const [data] = args;
      if (data instanceof Uint8Array && carriesUpdate(data)) this.record.updatesSent++;
      (WebSocket.prototype.send as (...sent: unknown[]) => void).apply(this, args);
    }
  }

  const params: Record<string, string> = { token };
  if (options.acks) params[ACKS_PARAM] = '1';
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/yjs', boardId, doc, {
    params,
    WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  if (options.acks) {
    // Read by the socket listener above; the provider needs only to know the types exist.
    provider.messageHandlers[MESSAGE_SAVED] = () => {};
    provider.messageHandlers[MESSAGE_TIME] = () => {};
  }
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once('sync', (isSynced: boolean) => isSynced && resolve());
  });
  return {
    doc,
    provider,
    sockets,
    get current() {
      const record = sockets.at(-1);
      if (!record) throw new Error('the provider has opened no socket yet');
      return record;
    },
    get savedMessages() {
      return Math.max(0, ...(sockets.at(-1)?.saved.map((saved) => saved.messages) ?? []));
    },
    synced,
    sendRaw(message) {
      const ws = provider.ws;
      if (!ws || ws.readyState !== ws.OPEN) throw new Error('the socket is not open');
      ws.send(message as Uint8Array<ArrayBuffer>);
    },
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** The highest clock any `saved` of `record` reported for `clientId`, or 0. */
export function savedClock(record: SocketRecord, clientId: number): number {
  return Math.max(0, ...record.saved.map((saved) => saved.clocks.get(clientId) ?? 0));
}
