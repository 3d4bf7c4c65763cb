/**
 * One client's connection to one board, independent of the transport: the websocket adapter hands
 * in a `Transport` and the identity that the token proved.
 */
import type { ActorRole } from '../../shared/api';
import { CloseCode } from '../../shared/close-codes';
import { MessageRate } from './message-rate';
import type { Room } from './room';

/** What the room needs of a socket. */
export interface Transport {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** Who is on the other end, as the token says; never what the document says. */
export interface Actor {
  id: string;
  role: ActorRole;
  name: string;
}

const STRIKE_LIMIT = 20;
const STRIKE_WINDOW_MS = 60_000;

type ConnectionState =
  /** The board is still loading: messages wait here, in order, and nothing is sent. */
  | { state: 'waiting'; pending: Uint8Array[] }
  | { state: 'open'; room: Room }
  | { state: 'closed' };

export class Connection {
  readonly actor: Actor;
  readonly boardId: string;
  #transport: Transport;
  #rate: MessageRate;
  #state: ConnectionState = { state: 'waiting', pending: [] };
  #strikes: number[] = [];

  constructor(options: { transport: Transport; actor: Actor; boardId: string; maxMessagesPerSecond: number }) {
    this.#transport = options.transport;
    this.actor = options.actor;
    this.boardId = options.boardId;
    this.#rate = new MessageRate(options.maxMessagesPerSecond);
  }

  get isOpen(): boolean {
    return this.#state.state !== 'closed';
  }

  /** The board has loaded: join its room and hand over what arrived meanwhile. */
  attach(room: Room): void {
    if (this.#state.state !== 'waiting') return;
    const { pending } = this.#state;
    this.#state = { state: 'open', room };
    room.join(this);
    for (const message of pending) this.receive(message);
  }

  receive(message: Uint8Array): void {
    if (!this.#rate.take()) {
      this.close(CloseCode.tooManyMessages, 'too many messages: slow down and reconnect');
      return;
    }
    const current = this.#state;
    switch (current.state) {
      case 'waiting':
        current.pending.push(message);
        return;
      case 'open':
        current.room.receive(this, message);
        return;
      case 'closed':
        return;
      default:
        return exhaustive(current);
    }
  }

  /**
   * Counts one refused change; true once there were `STRIKE_LIMIT` within a minute, when the
   * connection is to be closed (a client that keeps breaking the rules is broken or hostile).
   */
  strike(now = Date.now()): boolean {
    this.#strikes = this.#strikes.filter((at) => now - at < STRIKE_WINDOW_MS);
    this.#strikes.push(now);
    return this.#strikes.length >= STRIKE_LIMIT;
  }

  send(message: Uint8Array): void {
    if (this.#state.state === 'open') this.#transport.send(message);
  }

  /** Closes the socket (if still open) and leaves the room. Safe to call more than once. */
  close(code: number, reason: string): void {
    this.#transport.close(code, reason);
    this.closed();
  }

  /** The transport reports that the socket has gone. */
  closed(): void {
    const previous = this.#state;
    this.#state = { state: 'closed' };
    if (previous.state === 'open') previous.room.leave(this);
  }
}

export function exhaustive(value: never): never {
  throw new Error(`unexpected state ${JSON.stringify(value)}`);
}
