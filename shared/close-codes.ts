/**
 * Websocket close codes the relay uses (spec 4). 4000–4999 is the range RFC 6455 leaves to
 * applications; the last three digits echo the HTTP status they correspond to. y-websocket gives
 * up on 44xx codes and reconnects on every other, which decides the range of each code.
 */
export const CloseCode = {
  /** An update depended on changes the server does not have; reconnecting resyncs. */
  resync: 4000,
  /**
   * The token's time is up. Outside 44xx on purpose: the stock client reconnects by itself, with
   * whatever token its `params` hold by then (the Teian client keeps a fresh one there).
   */
  tokenExpired: 4001,
  /** The message did not decode as the y-websocket protocol. */
  badMessage: 4400,
  /** The token is missing, expired or forged. */
  unauthorized: 4401,
  /** The token is valid but not for this board, or the actor keeps breaking the rules. */
  forbidden: 4403,
  /** The board does not exist. */
  notFound: 4404,
  /** A message over the size limit. */
  tooLarge: 4413,
  /** The board could not be loaded from storage; nothing was sent and nothing was stored. */
  loadFailed: 4500,
  /** The server is shutting down; reconnect later. */
  goingAway: 4503,
  /**
   * The client read what the server sent too slowly for too long (its outbound buffer stayed over
   * the bound). HTTP's 408, in the range a stock client retries.
   */
  slowReader: 4508,
  /**
   * A flood far above any client's need: the connection stayed throttled (reads paused at the
   * message-rate limit) for longer than the flood limit allows. HTTP's 429, moved into the range a
   * stock client retries with backoff, so that whatever it still holds is sent after all.
   */
  flooding: 4529,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
