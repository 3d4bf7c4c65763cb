/**
 * The unit of the room's drain loop: everything one iteration took from the queue, once applied.
 * It holds what is to be committed (the accepted updates, each with its origin and the history
 * events derived from it) and what is to happen once it is committed (sync answers, acks, the
 * resolution of server changes, the release of backpressure). Committing and publishing a batch
 * are separate steps, so that nothing of it is shown to anybody before it is durable.
 */
import * as Y from 'yjs';
import type { NewEvent } from '../history/events';
import type { CommitRow } from '../persistence/board-store';
import { actorIdOf, type Origin, type Peer } from './peer';

export interface BatchUpdate {
  update: Uint8Array;
  origin: Origin;
  events: NewEvent[];
}

/** What a batch settles for one peer: its messages up to `lastMessage` are in this batch. */
export interface PeerSettlement {
  /** The number (from 1, per socket) of the peer's last update-carrying message in the batch. */
  lastMessage: number;
  /** How many of its queued messages and bytes the batch takes off its backlog. */
  messages: number;
  bytes: number;
  /** The Yjs client ids its updates carried, for the clock form of the ack. */
  clientIds: Set<number>;
}

export class Batch {
  readonly updates: BatchUpdate[] = [];
  readonly syncRequests: { peer: Peer; stateVector: Uint8Array }[] = [];
  /** Server changes to resolve once committed. */
  readonly changes: { resolve(): void }[] = [];
  readonly settlements = new Map<Peer, PeerSettlement>();
  /** When the batch was applied: the time of its events. */
  readonly at = new Date();

  get isEmpty(): boolean {
    return this.updates.length === 0;
  }

  get eventCount(): number {
    let count = 0;
    for (const { events } of this.updates) count += events.length;
    return count;
  }

  /** Records that the batch holds a peer's update-carrying message `message` of `bytes` bytes. */
  settle(peer: Peer, message: number, update: Uint8Array): void {
    let settlement = this.settlements.get(peer);
    if (!settlement) {
      settlement = { lastMessage: 0, messages: 0, bytes: 0, clientIds: new Set() };
      this.settlements.set(peer, settlement);
    }
    settlement.lastMessage = Math.max(settlement.lastMessage, message);
    settlement.messages++;
    settlement.bytes += update.byteLength;
    // Reading the update's clocks costs a decode: only for peers that will be acked.
    if (peer.wantsAcks) for (const clientId of Y.parseUpdateMeta(update).to.keys()) settlement.clientIds.add(clientId);
    // (Only updates that applied are settled, so they decode.)
  }

  /** The rows to commit, one per accepted update, each with its events. */
  rows(): CommitRow[] {
    return this.updates.map(({ update, origin, events }) => ({ update, actorId: actorIdOf(origin), events }));
  }

  /** Every accepted update merged, for recipients that sent none of them. */
  merged(except: Peer | null = null): Uint8Array | null {
    const updates = this.updates.filter(({ origin }) => origin.kind !== 'client' || origin.peer !== except).map((u) => u.update);
    if (updates.length === 0) return null;
    return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  }
}
