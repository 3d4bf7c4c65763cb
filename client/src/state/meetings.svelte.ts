/**
 * A board's meetings as the facilitator's screen sees them (docs/api.md "Meetings"): the list,
 * newest first, and the open one if any. Starting and closing go through the server, which holds
 * the truth: when another staff member started one elsewhere, a refused start reloads the list.
 */
import type { Meeting } from '../../../shared/api';
import { api, ApiRequestError } from '../lib/api';

export type MeetingsLoad = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: ApiRequestError | null };

export class Meetings {
  readonly boardId: string;
  #list = $state.raw<readonly Meeting[]>([]);
  #load = $state.raw<MeetingsLoad>({ state: 'loading' });
  #busy = $state(false);
  /** The meeting this screen closed last, to offer its summary. */
  #justClosed = $state.raw<Meeting | null>(null);

  constructor(boardId: string) {
    this.boardId = boardId;
  }

  get list(): readonly Meeting[] {
    return this.#list;
  }
  get load(): MeetingsLoad {
    return this.#load;
  }
  /** A start or a close is on its way: its button waits, so a second tap does nothing. */
  get busy(): boolean {
    return this.#busy;
  }
  /** The open meeting, if one is open on the board. */
  get open(): Meeting | undefined {
    return this.#list.find((meeting) => meeting.closedAt === null);
  }
  get justClosed(): Meeting | null {
    return this.#justClosed;
  }

  async refresh(): Promise<void> {
    try {
      this.#list = await api.meetings(this.boardId);
      this.#load = { state: 'ready' };
    } catch (error) {
      this.#load = { state: 'failed', error: error instanceof ApiRequestError ? error : null };
    }
  }

  /** Answers the error to show, or null when the meeting started (or was started elsewhere). */
  async start(): Promise<ApiRequestError | null> {
    if (this.#busy || this.open) return null;
    return this.#run(async () => {
      const meeting = await api.startMeeting(this.boardId);
      this.#justClosed = null;
      this.#list = [meeting, ...this.#list];
    });
  }

  /** `attendance`: who staff say attended (a correction of what the server saw). */
  async close(meetingId: string, attendance: string[]): Promise<ApiRequestError | null> {
    return this.#run(async () => {
      const closed = await api.closeMeeting(meetingId, { attendance });
      this.#justClosed = closed;
      this.#list = this.#list.map((meeting) => (meeting.id === closed.id ? closed : meeting));
    });
  }

  async #run(action: () => Promise<void>): Promise<ApiRequestError | null> {
    this.#busy = true;
    try {
      await action();
      return null;
    } catch (error) {
      // 409: another screen started or closed one meanwhile; the list shows how things are now.
      await this.refresh();
      if (error instanceof ApiRequestError && error.status === 409) return null;
      return error instanceof ApiRequestError ? error : new ApiRequestError(0, 'internal', String(error));
    } finally {
      this.#busy = false;
    }
  }
}

/** Minutes between start and close (or now, while open). */
export function durationMinutes(meeting: Meeting, now = Date.now()): number {
  const end = meeting.closedAt ? Date.parse(meeting.closedAt) : now;
  return Math.max(0, Math.round((end - Date.parse(meeting.startedAt)) / 60_000));
}
