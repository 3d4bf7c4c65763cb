/**
 * The relay's `notice` messages (shared/sync-messages.ts, docs/protocol.md): "something about this
 * board outside the document changed; ask the API again". A provider holds one handler per message
 * type, so several listeners (the join code on the staff header, the projector's info) share one.
 * The socket must ask for them with `?notices=1` (`NOTICES_PARAM`) in the provider's params.
 *
 * @example
 * const stop = onBoardNotice(connection.provider, (notice) => notice === 'settings' && reload());
 */
import type { WebsocketProvider } from 'y-websocket';
import { MESSAGE_NOTICE, readNotice, type BoardNotice } from '../../../shared/sync-messages';

type Listener = (notice: BoardNotice) => void;

const listeners = new WeakMap<WebsocketProvider, Set<Listener>>();

export function onBoardNotice(provider: WebsocketProvider, listener: Listener): () => void {
  let set = listeners.get(provider);
  if (!set) {
    const own = new Set<Listener>();
    set = own;
    listeners.set(provider, own);
    // `fromSocket` is false for what other tabs pass on: only the relay's word counts.
    provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder, _provider, fromSocket) => {
      const notice = readNotice(decoder);
      if (fromSocket && notice) for (const each of [...own]) each(notice);
    };
  }
  set.add(listener);
  return function stopListening() {
    set.delete(listener);
    if (set.size > 0) return;
    listeners.delete(provider);
    delete provider.messageHandlers[MESSAGE_NOTICE];
  };
}
