/**
 * Websocket close codes the relay uses (spec 4). 4000–4999 is the range RFC 6455 leaves to
 * applications; the last three digits echo the HTTP status they correspond to. y-websocket gives
 * up on 44xx codes and reconnects on every other, which decides the range of each code.
 */
export const CloseCode = {
  /** An update depended on changes the server does not have; reconnecting resyncs. */
  resync: 4000,
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
   * A flood far above any client's need: the connection stayed throttled (reads paused at the
   * message-rate limit) for longer than the flood limit allows. HTTP's 429, moved into the range a
   * stock client retries with backoff, so that whatever it still holds is sent after all.
   */
  flooding: 4529,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
