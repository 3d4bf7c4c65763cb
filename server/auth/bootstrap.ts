/**
 * First start: make sure there is a facility and a way in. With `TEIAN_ADMIN_LOGIN` and
 * `TEIAN_ADMIN_PASSWORD` that admin is created (or its password reset); without them, and with no
 * staff yet, a one-time setup token is made for the link the server prints.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { facilities, staffUsers } from '../../drizzle/schema';
import type { Database } from '../db/database';
import { newId } from '../../shared/ids';
import { hashSecret } from './passwords';

/** Holds the one-time setup token; it works once, and only in this process. */
export class SetupGate {
  #token: string | null;

  constructor(token: string | null) {
    this.#token = token;
  }

  get token(): string | null {
    return this.#token;
  }

  /** True (once) when `candidate` is the setup token; the token is then spent. */
  take(candidate: string): boolean {
    if (this.#token === null) return false;
    const want = Buffer.from(this.#token);
    const got = Buffer.from(candidate);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
    this.#token = null;
    return true;
  }
}

export interface Bootstrap {
  facilityId: string;
  setup: SetupGate;
}

export async function bootstrapAccounts(
  db: Database,
  admin: { login: string; password: string } | undefined,
): Promise<Bootstrap> {
  const facilityId = await ensureFacility(db);
  if (admin) {
    const passwordHash = await hashSecret(admin.password);
    await db
      .insert(staffUsers)
      .values({ id: newId(), facilityId, login: admin.login, name: admin.login, role: 'admin', passwordHash })
      .onConflictDoUpdate({ target: staffUsers.login, set: { passwordHash, role: 'admin', active: true } });
    return { facilityId, setup: new SetupGate(null) };
  }
  const [anyStaff] = await db.select({ id: staffUsers.id }).from(staffUsers).limit(1);
  return { facilityId, setup: new SetupGate(anyStaff ? null : randomBytes(24).toString('base64url')) };
}

/** The first facility, created on first start. Later issues manage several. */
async function ensureFacility(db: Database): Promise<string> {
  const [existing] = await db.select({ id: facilities.id }).from(facilities).orderBy(asc(facilities.createdAt)).limit(1);
  if (existing) return existing.id;
  const id = newId();
  await db.insert(facilities).values({ id, name: 'Teian' });
  return id;
}

export async function createAdmin(
  db: Database,
  facilityId: string,
  account: { login: string; name: string; password: string },
): Promise<string> {
  const id = newId();
  await db.insert(staffUsers).values({
    id,
    facilityId,
    login: account.login,
    name: account.name,
    role: 'admin',
    passwordHash: await hashSecret(account.password),
  });
  return id;
}

export async function findStaffByLogin(db: Database, login: string) {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.login, login));
  return row;
}
