/**
 * A History-API router: the app has a handful of flat routes, so a table of patterns and one
 * reactive `route` is all it needs. Plain `<a href>` links work: same-origin clicks are caught here.
 */

export type Route =
  | { name: 'home' }
  | { name: 'join'; code: string }
  | { name: 'board'; id: string }
  | { name: 'present'; id: string }
  | { name: 'staffLogin' }
  | { name: 'staff' }
  /** The name cards to print (issue 9, item 2); `boardId`: whose join QR they carry. */
  | { name: 'nameCards'; boardId: string | null }
  /** A meeting's printable summary (issue 9, item 11). */
  | { name: 'meetingSummary'; id: string }
  /** A board's history: the snapshot slider, the board as it was, differences, restore (issue 10). */
  | { name: 'boardHistory'; id: string }
  /** One idea's timeline (issue 10). */
  | { name: 'ideaTimeline'; boardId: string; ideaId: string }
  /** One participant's contributions over a period, printable (issue 10); `from`/`to` as in the API. */
  | { name: 'participantReport'; id: string; from: string | null; to: string | null }
  | { name: 'setup'; token: string }
  | { name: 'notFound' };

/**
 * The routes only staff open: read at the staff pages' 16px, and each loaded as a chunk of its own
 * the first time it is opened (App.svelte), so a participant's device never downloads them.
 */
export const STAFF_ROUTES: readonly Route['name'][] = [
  'staff',
  'staffLogin',
  'setup',
  'nameCards',
  'meetingSummary',
  'boardHistory',
  'ideaTimeline',
  'participantReport',
];

export function matchRoute(path: string, search: URLSearchParams): Route {
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (first === 'join' && second && parts.length === 2) return { name: 'join', code: second };
  if (first === 'b' && second && parts.length === 2) return { name: 'board', id: second };
  if (first === 'b' && second && third === 'present' && parts.length === 3) return { name: 'present', id: second };
  if (first === 'staff' && parts.length === 1) return { name: 'staff' };
  if (first === 'staff' && second === 'login' && third === undefined) return { name: 'staffLogin' };
  if (first === 'staff' && second === 'meetings' && third && parts[3] === 'summary' && parts.length === 4) return { name: 'meetingSummary', id: third };
  if (first === 'staff' && second === 'boards' && third && parts[3] === 'history' && parts.length === 4) return { name: 'boardHistory', id: third };
  if (first === 'staff' && second === 'boards' && third && parts[3] === 'ideas' && parts[4] && parts.length === 5) {
    return { name: 'ideaTimeline', boardId: third, ideaId: parts[4] };
  }
  if (first === 'staff' && second === 'participants' && third && parts[3] === 'report' && parts.length === 4) {
    return { name: 'participantReport', id: third, from: search.get('from') || null, to: search.get('to') || null };
  }
  if (first === 'staff' && second === 'name-cards' && third === undefined) return { name: 'nameCards', boardId: search.get('board') || null };
  if (first === 'setup' && parts.length === 1) return { name: 'setup', token: search.get('token') ?? '' };
  return { name: 'notFound' };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

class Router {
  #location = $state({ path: location.pathname, search: location.search, hash: location.hash });
  #route = $derived(matchRoute(this.#location.path, new URLSearchParams(this.#location.search)));

  constructor() {
    addEventListener('popstate', () => this.#sync());
    document.addEventListener('click', (event) => this.#interceptLink(event));
  }

  get route(): Route {
    return this.#route;
  }

  get path(): string {
    return this.#location.path;
  }

  /** The `#part` of the address (`''` when none): a page scrolls to that section once it is there. */
  get hash(): string {
    return this.#location.hash;
  }

  navigate(to: string, options: { replace?: boolean } = {}): void {
    if (options.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.#sync();
    // A new page should start at its top, as it would after a full load (a `#part` scrolls there).
    if (!location.hash) scrollTo({ top: 0 });
  }

  #sync(): void {
    this.#location = { path: location.pathname, search: location.search, hash: location.hash };
  }

  #interceptLink(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  }
}

export const router = new Router();
