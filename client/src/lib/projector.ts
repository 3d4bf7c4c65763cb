/**
 * The projector link (docs/client.md, "Projector"). Staff open `/b/:id/present#token=…` in a new
 * window: the viewer token rides in the address's fragment, which the browser never sends to a
 * server (so it reaches no access log and no proxy), and the page moves it to sessionStorage and
 * takes it out of the address bar at once. A reload keeps working in that window; a new window
 * needs a new link from staff. Revoking the links (`DELETE /api/boards/:id/viewer-token`) stops
 * every open projector.
 *
 * @example
 * // In the click handler itself, before any await, so that the browser allows the new window:
 * button.onclick = () => void openProjector(boardId).then(({ opened, url }) => opened || showLink(url));
 */
import type { PresentInfo } from '../../../shared/api';
import { errorCodeForStatus } from '../../../shared/error-codes';
import { api, ApiRequestError } from './api';

const TOKEN_PARAM = 'token';
const storageKey = (boardId: string) => `teian.projector.${boardId}`;

export interface ProjectorOpened {
  /** False when the browser blocked the new window: show `url` as a link to open by hand. */
  opened: boolean;
  url: string;
}

/** The projector page's address with its token (in the fragment). */
export function projectorUrl(boardId: string, token: string): string {
  return `${location.origin}/b/${encodeURIComponent(boardId)}/present#${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/**
 * Asks for a viewer token and opens the projector page with it in a new window or tab. Call it
 * straight from a click: the window is opened before the request, while the click still counts.
 */
export async function openProjector(boardId: string): Promise<ProjectorOpened> {
  const tab = window.open('', '_blank');
  try {
    const { token } = await api.viewerToken(boardId);
    const url = projectorUrl(boardId, token);
    if (!tab) return { opened: false, url };
    // The projector has no business with the staff page that opened it.
    tab.opener = null;
    tab.location.replace(url);
    return { opened: true, url };
  } catch (error) {
    tab?.close();
    throw error;
  }
}

/**
 * The projector page's token: from the address's fragment (then kept in sessionStorage and taken
 * out of the address), or from sessionStorage after a reload. Null when there is none.
 */
export function takeProjectorToken(boardId: string): string | null {
  const fromAddress = new URLSearchParams(location.hash.replace(/^#/, '')).get(TOKEN_PARAM);
  if (fromAddress) {
    try {
      sessionStorage.setItem(storageKey(boardId), fromAddress);
    } catch {
      // A browser that keeps nothing: the page still works until it is reloaded.
    }
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromAddress;
  }
  try {
    return sessionStorage.getItem(storageKey(boardId));
  } catch {
    return null;
  }
}

/** Forgets the token (it was revoked or has expired). */
export function forgetProjectorToken(boardId: string): void {
  try {
    sessionStorage.removeItem(storageKey(boardId));
  } catch {
    // Nothing was kept.
  }
}

/** `GET /api/boards/:id/present-info` with the viewer token; throws `ApiRequestError` like `api`. */
export async function fetchPresentInfo(boardId: string, token: string): Promise<PresentInfo> {
  let response: Response;
  try {
    response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/present-info`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (cause) {
    throw new ApiRequestError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  if (response.ok) return (await response.json()) as PresentInfo;
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  throw new ApiRequestError(response.status, errorCodeForStatus(response.status), body?.error?.message ?? response.statusText);
}
