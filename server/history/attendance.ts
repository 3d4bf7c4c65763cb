/**
 * Who attends a meeting: every participant and guest whose socket was on the board at any time
 * while it was open (spec 5: presence with the connection's identity). For each open meeting the
 * tracker keeps the board's room loaded and notes the room's connected actors whenever presence
 * changes (a stock client sends its presence as it connects) and on a short sweep besides (a
 * client that sends none). What it notes is stored on the meeting as it grows, so a restart loses
 * nobody; after a restart the open meetings are watched again (`resume`).
 *
 * A room unloads when its last socket has gone for a while; the tracker then loads the board again
 * at once, so that the next socket joins a room it watches. A room closed by shutdown is let go.
 *
 * With several instances (docs/scale-out.md) the board's room may run on another instance, whose
 * room has every instance's sockets as peers: the tracker then asks the registry for the actors on
 * the board across the cluster on every sweep, and every tenth sweep stops watching meetings that
 * another instance closed and merges the stored list with its own (several instances may watch one
 * meeting, each writing what it saw).
 */
import type { Logger } from '../log';
import type { MeetingStore } from '../persistence/meetings';
import type { RoomRegistry } from '../sync/registry';
import type { Room } from '../sync/room';
import type { Actor } from '../../shared/actor';

/** How often the connected sockets are read besides presence changes. */
const SWEEP_MS = 2000;
/** With several instances: every this many sweeps, meetings closed elsewhere stop being watched. */
const OPEN_CHECK_SWEEPS = 10;

interface Watch {
  meetingId: string;
  boardId: string;
  seen: Set<string>;
  room: Room | null;
  /** Removes the listeners from `room`. */
  detach: () => void;
  sweep: NodeJS.Timeout;
  /** The latest write of `seen`; writes run one after another. */
  saving: Promise<void>;
  stopped: boolean;
}

export interface AttendanceTrackerOptions {
  registry: RoomRegistry;
  store: MeetingStore;
  log: Logger;
}

/** The people a meeting counts: participants and guests, never staff or a projector. */
export function attends(actor: Actor): boolean {
  return actor.role === 'participant' || actor.role === 'guest';
}

export class AttendanceTracker {
  #registry: RoomRegistry;
  #store: MeetingStore;
  #log: Logger;
  #watches = new Map<string, Watch>();
  #sweeps = 0;

  constructor({ registry, store, log }: AttendanceTrackerOptions) {
    this.#registry = registry;
    this.#store = store;
    this.#log = log;
  }

  /** Starts noting who is on the board for an open meeting; `already` is what was stored before. */
  watch(meetingId: string, boardId: string, already: readonly string[] = []): void {
    if (this.#watches.has(meetingId)) return;
    const watch: Watch = {
      meetingId,
      boardId,
      seen: new Set(already),
      room: null,
      detach: () => {},
      sweep: setInterval(() => this.#sweep(watch), SWEEP_MS),
      saving: Promise.resolve(),
      stopped: false,
    };
    watch.sweep.unref();
    this.#watches.set(meetingId, watch);
    this.#attach(watch);
  }

  /** Watches every meeting the database says is open (after a restart). */
  async resume(): Promise<void> {
    for (const meeting of await this.#store.open()) this.watch(meeting.id, meeting.boardId, meeting.attendance);
  }

  /**
   * Who has been seen since the start, including whoever is connected now; null when the meeting
   * is not watched here (then what the meeting row holds is all there is).
   */
  async attendance(meetingId: string): Promise<string[] | null> {
    const watch = this.#watches.get(meetingId);
    if (!watch) return null;
    if (this.#registry.clustered) await this.#poll(watch);
    else this.#note(watch);
    await watch.saving;
    return [...watch.seen];
  }

  /** Stops watching (the meeting closed) and lets the room unload when nobody is on it. */
  stop(meetingId: string): void {
    const watch = this.#watches.get(meetingId);
    if (!watch) return;
    this.#watches.delete(meetingId);
    watch.stopped = true;
    clearInterval(watch.sweep);
    watch.detach();
    if (watch.room) {
      watch.room = null;
      // `withRoom` plans the unload that an empty room would otherwise never get.
      void this.#registry.withRoom(watch.boardId, () => {}).catch(() => {});
    }
  }

  #sweep(watch: Watch): void {
    if (!this.#registry.clustered) return this.#note(watch);
    void this.#poll(watch);
    if (++this.#sweeps % (OPEN_CHECK_SWEEPS * Math.max(1, this.#watches.size)) === 0) void this.#reconcile();
  }

  /** Notes the actors on the board on every instance (scale-out). */
  async #poll(watch: Watch): Promise<void> {
    try {
      this.#noteActors(watch, await this.#registry.actorsOn(watch.boardId));
    } catch (error) {
      this.#log.warn('could not read who is on a board for a meeting\'s attendance', { boardId: watch.boardId, error });
    }
  }

  /**
   * Stops watching the meetings that another instance closed, and brings each watched meeting's
   * row and this instance's list together: several instances may watch one meeting (each resumes
   * the open ones), and a row written by one must not stay without a person another one saw.
   */
  async #reconcile(): Promise<void> {
    try {
      const open = new Map((await this.#store.open()).map((meeting) => [meeting.id, meeting]));
      for (const [meetingId, watch] of [...this.#watches]) {
        const row = open.get(meetingId);
        if (!row) {
          this.stop(meetingId);
          continue;
        }
        const stored = new Set(row.attendance);
        for (const id of stored) watch.seen.add(id);
        if ([...watch.seen].some((id) => !stored.has(id))) this.#save(watch);
      }
    } catch (error) {
      this.#log.warn('could not read the open meetings', { error });
    }
  }

  #attach(watch: Watch): void {
    // With several instances the room may be another's: the sweeps ask the cluster instead.
    if (this.#registry.clustered) return void this.#poll(watch);
    this.#registry.open(watch.boardId).then(
      (room) => {
        if (watch.stopped) return;
        const noted = () => this.#note(watch);
        const destroyed = () => {
          watch.detach();
          watch.room = null;
          // Shutdown closed the room: nothing will connect again in this process.
          if (room.status.state === 'closed' || watch.stopped) return;
          queueMicrotask(() => watch.stopped || this.#attach(watch));
        };
        room.awareness.on('update', noted);
        room.awareness.on('destroy', destroyed);
        watch.detach = () => {
          room.awareness.off('update', noted);
          room.awareness.off('destroy', destroyed);
          watch.detach = () => {};
        };
        watch.room = room;
        this.#note(watch);
      },
      (error: unknown) => {
        // The board is gone or the database is down: try again on the next sweep.
        this.#log.warn('could not load a board to record a meeting\'s attendance', { boardId: watch.boardId, meetingId: watch.meetingId, error });
        if (!watch.stopped) setTimeout(() => watch.stopped || watch.room || this.#attach(watch), SWEEP_MS).unref();
      },
    );
  }

  #note(watch: Watch): void {
    if (!watch.room) return;
    this.#noteActors(watch, watch.room.actors);
  }

  #noteActors(watch: Watch, actors: readonly Actor[]): void {
    if (watch.stopped) return;
    let grew = false;
    for (const actor of actors) {
      if (!attends(actor) || watch.seen.has(actor.id)) continue;
      watch.seen.add(actor.id);
      grew = true;
    }
    if (grew) this.#save(watch);
  }

  #save(watch: Watch): void {
    const attendance = [...watch.seen];
    watch.saving = watch.saving
      .then(() => this.#store.recordAttendance(watch.meetingId, attendance))
      .catch((error: unknown) => {
        // Still held in memory; the next arrival or the close writes it.
        this.#log.warn('could not store a meeting\'s attendance yet', { meetingId: watch.meetingId, error });
      });
  }
}
