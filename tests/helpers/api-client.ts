/**
 * A small HTTP client with a cookie jar, for one person: it talks to an in-process app
 * (`app.request`) or to a listening server's URL alike.
 */
import type { Board, BoardToken, JoinInfo, Me } from '../../shared/api';
import { ADMIN } from './server';

type Fetcher = (path: string, init: RequestInit) => Promise<Response>;

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export class ApiClient {
  #fetch: Fetcher;
  #cookies = new Map<string, string>();
  #headers: Record<string, string>;

  /** `headers` go with every request (an `X-Forwarded-For` to speak from an address, say). */
  constructor(
    target: string | { request: (path: string, init: RequestInit) => Response | Promise<Response> },
    { headers = {} }: { headers?: Record<string, string> } = {},
  ) {
    this.#headers = headers;
    this.#fetch =
      typeof target === 'string'
        ? (path, init) => fetch(target + path, init)
        : async (path, init) => target.request(path, init);
  }

  /** Sends `body` as JSON, or as-is when it is a string (to send malformed JSON on purpose). */
  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...this.#headers };
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      if (!name) continue;
      if (!value || /max-age=0/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const text = await response.text();
    // Everything under /api is JSON; /metrics is Prometheus text and comes back as the text.
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, body: (text ? (json ? JSON.parse(text) : text) : null) as T };
  }

  /** Another client with this one's cookies (and headers): a second tab of the same person. */
  clone(): ApiClient {
    const copy = new ApiClient({ request: (path, init) => this.#fetch(path, init) }, { headers: this.#headers });
    for (const [name, value] of this.#cookies) copy.#cookies.set(name, value);
    return copy;
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);

  async login(login: string = ADMIN.login, password: string = ADMIN.password): Promise<Me> {
    return expectOk(await this.post<Me>('/api/auth/login', { login, password }));
  }

  async createBoard(title = 'みんなの改善ボード', extra: Record<string, unknown> = {}): Promise<Board> {
    return expectOk(await this.post<Board>('/api/boards', { title, ...extra }));
  }

  async boardToken(boardId: string): Promise<BoardToken> {
    return expectOk(await this.get<BoardToken>(`/api/boards/${boardId}/token`));
  }

  async joinAsGuest(code: string, guestName: string): Promise<Me> {
    return expectOk(await this.post<Me>('/api/join', { code, guestName }));
  }

  async joinInfo(code: string): Promise<JoinInfo> {
    return expectOk(await this.get<JoinInfo>(`/api/join/${code}`));
  }
}

export function expectOk<T>(answer: ApiAnswer<T>): T {
  if (answer.status >= 300) {
    throw new Error(`expected success, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}
