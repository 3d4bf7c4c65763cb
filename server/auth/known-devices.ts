/**
 * Known devices for staff sign-in (issue 8, docs/security.md): each successful sign-in leaves an
 * HttpOnly cookie on the device that names the account, signed with a key derived from the session
 * secret. A sign-in from a device that carries a valid one for the account is counted against that
 * device, not against the address, so a stranger's wrong passwords from the same address (a
 * facility's tablets behind one NAT address) cannot lock the staff member out.
 *
 * The cookie proves only "this device signed in as this account before"; it opens nothing by
 * itself, and the password is checked as always.
 *
 * Cookie value: up to eight entries `staffId.deviceId.expires.mac`, newest first, joined by `~`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KNOWN_DEVICE_COOKIE = 'teian_device';
/** Sent only to the sign-in routes, never to the rest of the API. */
export const KNOWN_DEVICE_COOKIE_PATH = '/api/auth';
export const KNOWN_DEVICE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;
/** Accounts one device remembers (a shared staff tablet). */
const MAX_ACCOUNTS = 8;

export interface KnownDevices {
  /** The device id this cookie holds for `staffId`, when its entry is signed by us and current. */
  find(cookie: string | undefined, staffId: string): string | null;
  /** The cookie to set after `staffId` signed in: its entry (same device id) renewed and first. */
  remember(cookie: string | undefined, staffId: string): string;
}

interface Entry {
  staffId: string;
  deviceId: string;
  /** Seconds since the epoch. */
  expires: number;
}

export function createKnownDevices(secret: string): KnownDevices {
  // A key of its own, so that nothing else signed with the secret can pass for an entry.
  const key = createHmac('sha256', secret).update('teian known-device v1').digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');

  function encode({ staffId, deviceId, expires }: Entry): string {
    const body = `${staffId}.${deviceId}.${expires.toString(36)}`;
    return `${body}.${mac(body)}`;
  }

  function decode(raw: string): Entry | null {
    const parts = raw.split('.');
    if (parts.length !== 4) return null;
    const [staffId, deviceId, expiresText, signature] = parts as [string, string, string, string];
    const want = Buffer.from(mac(`${staffId}.${deviceId}.${expiresText}`));
    const got = Buffer.from(signature);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    const expires = Number.parseInt(expiresText, 36);
    if (!Number.isFinite(expires) || expires * 1000 <= Date.now()) return null;
    return { staffId, deviceId, expires };
  }

  function entries(cookie: string | undefined): Entry[] {
    if (!cookie) return [];
    return cookie
      .split('~')
      .slice(0, MAX_ACCOUNTS)
      .map(decode)
      .filter((entry): entry is Entry => entry !== null);
  }

  return {
    find(cookie, staffId) {
      return entries(cookie).find((entry) => entry.staffId === staffId)?.deviceId ?? null;
    },
    remember(cookie, staffId) {
      const known = entries(cookie);
      const deviceId = known.find((entry) => entry.staffId === staffId)?.deviceId ?? randomBytes(12).toString('base64url');
      const expires = Math.floor(Date.now() / 1000) + KNOWN_DEVICE_MAX_AGE_SECONDS;
      const others = known.filter((entry) => entry.staffId !== staffId);
      return [{ staffId, deviceId, expires }, ...others].slice(0, MAX_ACCOUNTS).map(encode).join('~');
    },
  };
}
