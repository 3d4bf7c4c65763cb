/**
 * Websocket close codes the relay uses (spec 4). 4000–4999 is the range RFC 6455 leaves to
 * applications; the last three digits echo the HTTP status they correspond to.
 */
export const CloseCode = {
  /** The message did not decode as the y-websocket protocol. */
  badMessage: 4400,
  /** The token is missing, expired or forged. */
  unauthorized: 4401,
  /** The token is valid but not for this board, or the actor keeps breaking the rules. */
  forbidden: 4403,
  /** An update depended on changes the server does not have; reconnecting resyncs. */
  resync: 4409,
  /** The board does not exist. */
  notFound: 4404,
  /** A message over the size limit. */
  tooLarge: 4413,
  /** Sustained flooding over the message-rate limit. */
  tooManyMessages: 4429,
  /** The board could not be loaded from storage; nothing was sent and nothing was stored. */
  loadFailed: 4500,
  /** The server is shutting down; reconnect later. */
  goingAway: 4503,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
