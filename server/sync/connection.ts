/**
 * One client's connection to one board: the room's `Peer`, over a transport that the websocket
 * adapter hands in together with the identity the token proved.
 *
 * A connection is read at the rate its room and its message budget allow: it stops reading its
 * socket (and TCP's window slows the client) while the room has too much of its work queued, and
 * while it is over the message rate. Only a flood that outlasts the flood limit closes it, with a
 * code the stock client retries after a backoff, so nothing a client made is stranded.
 */
import type { Actor } from '../../shared/actor';
import type { SyncLimits } from '../config';
import { CloseCode } from '../../shared/close-codes';
import { exhaustive } from '../../shared/exhaustive';
import { Expiries } from './expiries';
import { MessageRate } from './message-rate';
import type { Peer } from './peer';
import type { Room } from './room';

/** What a connection needs of a socket. */
export interface Transport {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Stop reading the socket: TCP's window then slows the sender. */
  pause(): void;
  resume(): void;
  /** Bytes sent but not yet taken by the network: how far behind the reader is. */
  readonly bufferedAmount: number;
}

export type ConnectionLimits = Pick<SyncLimits, 'maxMessagesPerSecond' | 'floodAfterMs' | 'maxOutboundBytes' | 'slowReaderAfterMs'>;

export interface ConnectionOptions {
  transport: Transport;
  actor: Actor;
  boardId: string;
  /** The client asked for `saved` acks. */
  wantsAcks?: boolean;
  /** The client asked for board notices. */
  wantsNotices?: boolean;
  /** When the token expires (ms since the epoch): the connection ends then (4001). */
  expiresAt?: number;
  /** The viewer generation the token carries; the registry's `authorize` compares it with the board's. */
  viewerGeneration?: number;
  limits: ConnectionLimits;
}

/** What a connection talks to: a board's room, or a replica of a board another instance owns. */
export type BoardHost = Pick<Room, 'join' | 'receive' | 'leave'>;

type ConnectionState =
  /** The board is still loading: messages wait here, in order, and nothing is sent. */
  | { state: 'waiting'; pending: Uint8Array[] }
  | { state: 'open'; room: BoardHost }
  | { state: 'closed' };

/** Why reading is stopped; the socket reads again once no reason is left. */
type HoldReason = 'room' | 'rate';

/** Every connection's token expiry, on one timer (see expiries.ts). */
const tokenExpiries = new Expiries<Connection>((connection) =>
  connection.close(CloseCode.tokenExpired, 'the token has expired: reconnect with a fresh one'),
);

export class Connection implements Peer {
  readonly actor: Actor;
  readonly boardId: string;
  readonly wantsAcks: boolean;
  readonly wantsNotices: boolean;
  readonly viewerGeneration: number;
  #transport: Transport;
  #rate: MessageRate;
  #limits: ConnectionLimits;
  #throttledSince: number | null = null;
  #slowSince: number | null = null;
  #rateTimer: ReturnType<typeof setTimeout> | undefined;
  #expiresAt: number | undefined;
  // Two flags rather than a Set of reasons: a Set costs every idle connection its hash table.
  #heldByRoom = false;
  #heldByRate = false;
  #state: ConnectionState = { state: 'waiting', pending: [] };

  constructor(options: ConnectionOptions) {
    this.#transport = options.transport;
    this.actor = options.actor;
    this.boardId = options.boardId;
    this.wantsAcks = options.wantsAcks ?? false;
    this.wantsNotices = options.wantsNotices ?? false;
    this.viewerGeneration = options.viewerGeneration ?? 0;
    this.#limits = options.limits;
    this.#rate = new MessageRate(options.limits.maxMessagesPerSecond);
    this.#expiresAt = options.expiresAt;
    if (options.expiresAt !== undefined) tokenExpiries.add(options.expiresAt, this);
  }

  get isOpen(): boolean {
    return this.#state.state !== 'closed';
  }

  /** Whether the socket is not being read (for the heartbeat: a held client cannot answer pings). */
  get isHeld(): boolean {
    return this.#heldByRoom || this.#heldByRate;
  }

  /** The board has loaded: join its room and hand over what arrived meanwhile. */
  attach(room: BoardHost): void {
    if (this.#state.state !== 'waiting') return;
    const { pending } = this.#state;
    this.#state = { state: 'open', room };
    room.join(this);
    for (const message of pending) room.receive(this, message);
  }

  receive(message: Uint8Array): void {
    if (this.#state.state === 'closed') return;
    if (!this.#throttle()) return;
    const current = this.#state;
    switch (current.state) {
      case 'waiting':
        current.pending.push(message);
        return;
      case 'open':
        current.room.receive(this, message);
        return;
      default:
        return exhaustive(current);
    }
  }

  /**
   * Sends unless the reader has stayed behind for too long: a client that reads slowly but answers
   * pings would otherwise make the server hold everything it has not yet taken.
   */
  send(message: Uint8Array): void {
    if (this.#state.state !== 'open') return;
    const { maxOutboundBytes, slowReaderAfterMs } = this.#limits;
    const behind = this.#transport.bufferedAmount;
    if (behind <= maxOutboundBytes) {
      this.#slowSince = null;
    } else {
      const now = performance.now();
      this.#slowSince ??= now;
      if (now - this.#slowSince > slowReaderAfterMs || behind > 4 * maxOutboundBytes) {
        this.close(CloseCode.slowReader, 'reading too slowly: reconnect');
        return;
      }
    }
    this.#transport.send(message);
  }

  hold(held: boolean): void {
    this.#setHold('room', held);
  }

  /** Closes the socket (if still open) and leaves the room. Safe to call more than once. */
  close(code: number, reason: string): void {
    this.#transport.close(code, reason);
    this.closed();
  }

  /** The transport reports that the socket has gone. */
  closed(): void {
    clearTimeout(this.#rateTimer);
    if (this.#expiresAt !== undefined) tokenExpiries.delete(this.#expiresAt, this);
    const previous = this.#state;
    this.#state = { state: 'closed' };
    if (previous.state === 'open') previous.room.leave(this);
  }

  /**
   * Counts a message against the rate. Over it, the message is still taken (it is already here)
   * and reading stops until the bucket has paid its debt. Answers false when the connection was
   * closed for flooding.
   */
  #throttle(): boolean {
    const now = performance.now();
    const wait = this.#rate.take(now);
    if (wait === 0) {
      if (this.#rate.hasSpare) this.#throttledSince = null;
      return true;
    }
    this.#throttledSince ??= now;
    if (now - this.#throttledSince > this.#limits.floodAfterMs) {
      this.close(CloseCode.flooding, 'too many messages for too long: reconnect later');
      return false;
    }
    this.#setHold('rate', true);
    clearTimeout(this.#rateTimer);
    this.#rateTimer = setTimeout(() => this.#setHold('rate', false), wait);
    return true;
  }

  #setHold(reason: HoldReason, held: boolean): void {
    const before = this.isHeld;
    if (reason === 'room') this.#heldByRoom = held;
    else this.#heldByRate = held;
    const after = this.isHeld;
    if (before === after || this.#state.state === 'closed') return;
    if (after) this.#transport.pause();
    else this.#transport.resume();
  }
}
