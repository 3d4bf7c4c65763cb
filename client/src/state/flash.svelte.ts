/**
 * The one short message that answers the last action ("Thank you. Your idea is on the board."),
 * with an optional action such as undo. The message stays until the next one or until it is
 * closed: no timer, so nobody has to race to read it.
 *
 * An action can go stale, though: "undo posting" must not delete an idea that others have since
 * voted on or thanked. So an action may say until when it makes sense (`available`, read
 * reactively, and `forMs`); after that the message stays and the button goes. What the action did
 * stays possible another way (the card's own delete button), so nothing is lost with it.
 */
import type { MessageKey, MessageParams } from '../i18n/i18n.svelte';
import type { IconName } from '../lib/icons';

export interface FlashAction {
  key: MessageKey;
  icon: IconName;
  run: () => void;
  /** Read reactively: the button shows only while this answers true. */
  available?: () => boolean;
  /** How long the button is offered. */
  forMs?: number;
}

export interface FlashMessage {
  key: MessageKey;
  params?: MessageParams;
  action?: FlashAction;
}

export class Flash {
  #current = $state.raw<FlashMessage | null>(null);
  #actionExpired = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  get current(): FlashMessage | null {
    return this.#current;
  }

  /** The current message's action while it still makes sense. */
  get action(): FlashAction | null {
    const action = this.#current?.action;
    if (!action || this.#actionExpired) return null;
    return (action.available?.() ?? true) ? action : null;
  }

  show(message: FlashMessage): void {
    clearTimeout(this.#timer);
    this.#current = message;
    this.#actionExpired = false;
    const forMs = message.action?.forMs;
    if (forMs !== undefined) this.#timer = setTimeout(() => (this.#actionExpired = true), forMs);
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#current = null;
  }

  destroy(): void {
    clearTimeout(this.#timer);
  }
}
