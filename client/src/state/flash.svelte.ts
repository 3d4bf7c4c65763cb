/**
 * The one short message that answers the last action ("Thank you. Your idea is on the board."),
 * with an optional undo. It stays until the next message or until it is closed: no timer, so nobody
 * has to race to read it or to reach the undo.
 */
import type { MessageKey, MessageParams } from '../i18n/i18n.svelte';
import type { IconName } from '../lib/icons';

export interface FlashMessage {
  key: MessageKey;
  params?: MessageParams;
  action?: { key: MessageKey; icon: IconName; run: () => void };
}

export class Flash {
  #current = $state.raw<FlashMessage | null>(null);

  get current(): FlashMessage | null {
    return this.#current;
  }

  show(message: FlashMessage): void {
    this.#current = message;
  }

  clear(): void {
    this.#current = null;
  }
}
