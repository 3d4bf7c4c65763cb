/**
 * The client's only door to the HTTP API (spec 3). Every call answers the type from shared/api.ts or
 * throws an `ApiRequestError` (lib/request.ts), so pages handle failures in one shape.
 */
import type {
  Board,
  BoardCreateBody,
  BoardPatchBody,
  BoardToken,
  IdeaMergeAnswer,
  FacilityCategories,
  FacilityCategoriesBody,
  JoinBody,
  JoinInfo,
  Lockout,
  LoginBody,
  Me,
  Meeting,
  MeetingCloseBody,
  MeetingSummary,
  Participant,
  ParticipantCreateBody,
  ParticipantPatchBody,
  SetupBody,
} from '../../../shared/api';
import type { DiffAnswer, EventPage, ParticipantReport, RestoreAnswer, SnapshotBoard, SnapshotInfo } from '../../../shared/history';
import { boardApi } from './board-api';
import { request } from './request';

export { ApiRequestError, type RequestErrorCode } from './request';

const enc = encodeURIComponent;

/** `?a=1&b=2` of the parts that are set; `''` when none is. */
export function query(parts: { readonly [key: string]: string | number | undefined }): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parts)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export type EventFilter = {
  ideaId?: string;
  projectId?: string;
  participantId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
};

/** Where the CSV exports download from (plain links: the browser saves the file). */
export const csvUrl = {
  contributions: (from: string, to: string, lang: 'ja' | 'en' = 'ja') => `/api/reports/contributions.csv${query({ from, to, lang })}`,
  boardEvents: (boardId: string, filter: Omit<EventFilter, 'cursor' | 'limit'> & { lang?: 'ja' | 'en' } = {}) =>
    `/api/boards/${enc(boardId)}/events.csv${query({ ...filter })}`,
};

/** Every call; the board's own few are in lib/board-api.ts, which this includes. */
export const api = {
  ...boardApi,
  login: (body: LoginBody) => request<Me>('POST', '/api/auth/login', body),
  setup: (body: SetupBody) => request<Me>('POST', '/api/setup', body),

  boards: () => request<Board[]>('GET', '/api/boards'),
  board: (id: string) => request<Board>('GET', `/api/boards/${enc(id)}`),
  createBoard: (body: BoardCreateBody) => request<Board>('POST', '/api/boards', body),
  patchBoard: (id: string, body: BoardPatchBody) => request<Board>('PATCH', `/api/boards/${enc(id)}`, body),
  /** Stops every projector link of the board made so far (docs/api.md, "Ending rights"). */
  revokeViewerTokens: (id: string) => request<unknown>('DELETE', `/api/boards/${enc(id)}/viewer-token`),
  /** A projector link's token (a day long, read-only); client/src/lib/projector.ts opens the page with it. */
  viewerToken: (id: string) => request<BoardToken>('POST', `/api/boards/${enc(id)}/viewer-token`, {}),
  /** A new join code; the old one stops working, and projectors and staff screens follow at once. */
  rotateJoinCode: (id: string) => request<Board>('POST', `/api/boards/${enc(id)}/join-code`, {}),

  participants: () => request<Participant[]>('GET', '/api/participants'),
  createParticipant: (body: ParticipantCreateBody) => request<Participant>('POST', '/api/participants', body),
  unlockParticipant: (id: string) => request<Participant>('POST', `/api/participants/${enc(id)}/unlock`, {}),
  /** Name, reading, avatar, PIN (`null` removes it), active. */
  patchParticipant: (id: string, body: ParticipantPatchBody) => request<Participant>('PATCH', `/api/participants/${enc(id)}`, body),

  facilityCategories: () => request<FacilityCategories>('GET', '/api/facility/categories'),
  setFacilityCategories: (body: FacilityCategoriesBody) => request<FacilityCategories>('PUT', '/api/facility/categories', body),

  lockouts: () => request<Lockout[]>('GET', '/api/lockouts'),
  liftLockout: (id: string) => request<unknown>('DELETE', `/api/lockouts/${enc(id)}`),

  /** Meetings (docs/api.md "Meetings"): a board's list newest first, one meeting, start, close, its summary. */
  meetings: (boardId: string) => request<Meeting[]>('GET', `/api/boards/${enc(boardId)}/meetings`),
  meeting: (id: string) => request<Meeting>('GET', `/api/meetings/${enc(id)}`),
  startMeeting: (boardId: string) => request<Meeting>('POST', `/api/boards/${enc(boardId)}/meetings`, {}),
  closeMeeting: (id: string, body: MeetingCloseBody) => request<Meeting>('POST', `/api/meetings/${enc(id)}/close`, body),
  meetingSummary: (id: string) => request<MeetingSummary>('GET', `/api/meetings/${enc(id)}/summary`),

  /** Staff merge a duplicate idea into another, and take it back (docs/api.md, "Tidying ideas"). */
  mergeIdea: (boardId: string, ideaId: string, into: string) =>
    request<IdeaMergeAnswer>('POST', `/api/boards/${enc(boardId)}/ideas/${enc(ideaId)}/merge`, { into }),
  unmergeIdea: (boardId: string, ideaId: string) =>
    request<IdeaMergeAnswer>('POST', `/api/boards/${enc(boardId)}/ideas/${enc(ideaId)}/unmerge`, {}),

  /** History (docs/api.md "History"): events newest first, snapshots, differences, restore, reports. */
  events: (boardId: string, filter: EventFilter = {}) => request<EventPage>('GET', `/api/boards/${enc(boardId)}/events${query(filter)}`),
  snapshots: (boardId: string) => request<SnapshotInfo[]>('GET', `/api/boards/${enc(boardId)}/snapshots`),
  takeSnapshot: (boardId: string, label: string) => request<SnapshotInfo>('POST', `/api/boards/${enc(boardId)}/snapshots`, { label }),
  snapshot: (boardId: string, snapshotId: string) =>
    request<SnapshotBoard>('GET', `/api/boards/${enc(boardId)}/snapshots/${enc(snapshotId)}`),
  diff: (boardId: string, from: string | 'now', to: string | 'now') =>
    request<DiffAnswer>('GET', `/api/boards/${enc(boardId)}/diff${query({ from, to })}`),
  restoreSnapshot: (boardId: string, snapshotId: string) =>
    request<RestoreAnswer>('POST', `/api/boards/${enc(boardId)}/snapshots/${enc(snapshotId)}/restore`, {}),
  participantReport: (participantId: string, from: string, to: string) =>
    request<ParticipantReport>('GET', `/api/participants/${enc(participantId)}/report${query({ from, to })}`),

  joinInfo: (code: string) => request<JoinInfo>('GET', `/api/join/${enc(code)}`),
  join: (body: JoinBody) => request<Me>('POST', '/api/join', body),
};
