/**
 * The key that signs websocket tokens: `SESSION_SECRET` when set, otherwise generated once and kept
 * in `DATA_DIR`, so that tokens survive a restart. An in-memory data dir gets a throwaway key.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prepareFolder } from '../db/data-folder';

export async function loadSessionSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const fresh = randomBytes(32).toString('base64url');
  if (dataDir.startsWith('memory://')) return fresh;
  const file = path.resolve(dataDir, 'session-secret');
  await prepareFolder(path.dirname(file));
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 0600: the secret signs every board token; nobody else on the machine should read it.
  await writeFile(file, fresh + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}
