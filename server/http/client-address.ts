/**
 * Who is asking, as far as guessing limits are concerned: the address of the socket, or the one a
 * trusted reverse proxy saw (`TEIAN_TRUST_PROXY`). Every guessing limit counts per this address.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address, normalised so that one machine is one key: an IPv4-mapped IPv6 address is
 * its IPv4 address, and an IPv6 address is its /64 network (one home or office gets a whole /64,
 * and would otherwise have 2^64 fresh addresses to guess from).
 *
 * With `trustProxy`, the last entry of `X-Forwarded-For` is used: the address the proxy itself saw
 * (entries before it are whatever the client wrote). Turn it on only when the server can be reached
 * through the proxy alone, or anyone could name any address.
 *
 * @example clientAddress(c, { trustProxy: config.trustProxy }) // '192.168.1.23'
 */
export function clientAddress(c: Context, { trustProxy = false }: { trustProxy?: boolean } = {}): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded && (isIPv4(forwarded) || isIPv6(forwarded))) return normaliseAddress(forwarded);
  }
  try {
    const address = getConnInfo(c).remote.address;
    return address ? normaliseAddress(address) : 'unknown';
  } catch {
    // In-process requests (`app.request()` in tests) have no socket.
    return 'local';
  }
}

export function normaliseAddress(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled in, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const middle = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
