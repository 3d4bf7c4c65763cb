/**
 * Teian's additions to a stock y-websocket `WebsocketProvider` (shared/sync-messages.ts,
 * docs/client.md "Saved"):
 * - `countingWebSocket` numbers the update-carrying messages each socket sends, as the relay
 *   numbers them, and tells the save ledger which message carried what;
 * - `extendRelay` hands `saved` acks to the ledger and sends one `time` request per connect.
 * The provider must ask for acks with `?acks=1` (`ACKS_PARAM`) in its params.
 *
 * @example
 * const provider = new WebsocketProvider(url, boardId, doc, {
 *   params: { [ACKS_PARAM]: '1' },
 *   WebSocketPolyfill: countingWebSocket(WebSocket, saves),
 * });
 * const remove = extendRelay(provider, { saves, clock });
 */
import type { WebsocketProvider } from 'y-websocket';
import { carriesUpdate, MESSAGE_SAVED, MESSAGE_TIME, readSaved, readTimeAnswer } from '../../../shared/sync-messages';
import type { SaveLedger } from './pending-saves';
import type { ServerClock } from './server-clock';

type MessageHandler = WebsocketProvider['messageHandlers'][number];
type SocketData = Parameters<WebSocket['send']>[0];

/** y-websocket's sync message: type 0, then the step (1 is the sync answer, 2 a live update). */
const SYNC_ANSWER = 1;

/**
 * A WebSocket class whose sockets report each update-carrying message they send (sync answers and
 * updates, numbered from 1 per socket) to `ledger`, after it has gone to the socket.
 */
export function countingWebSocket(Base: typeof WebSocket, ledger: Pick<SaveLedger, 'sent'>): typeof WebSocket {
  return class CountingWebSocket extends Base {
    #carrying = 0;

    override send(data: SocketData): void {
      super.send(data);
      if (data instanceof Uint8Array && carriesUpdate(data)) {
        ledger.sent(this, ++this.#carrying, data[1] === SYNC_ANSWER ? 'sync-answer' : 'update');
      }
    }
  };
}

export function extendRelay(provider: WebsocketProvider, { saves, clock }: { saves: SaveLedger; clock: ServerClock }): () => void {
  const handlers = provider.messageHandlers;
  // `fromSocket` is false for what other tabs pass on (BroadcastChannel): not the relay's word.
  const savedHandler: MessageHandler = (_encoder, decoder, _provider, fromSocket) => {
    if (fromSocket && provider.ws) saves.acknowledge(provider.ws, readSaved(decoder));
  };
  const timeHandler: MessageHandler = (_encoder, decoder, _provider, fromSocket) => {
    if (fromSocket) clock.receive(readTimeAnswer(decoder));
  };
  // After the sync the room is loaded, so the answer's round trip measures the network only.
  const onSync = (synced: boolean) => {
    if (synced && provider.wsconnected) provider.ws?.send(clock.request());
  };

  handlers[MESSAGE_SAVED] = savedHandler;
  handlers[MESSAGE_TIME] = timeHandler;
  provider.on('sync', onSync);
  return function removeRelayExtensions() {
    delete handlers[MESSAGE_SAVED];
    delete handlers[MESSAGE_TIME];
    provider.off('sync', onSync);
  };
}
