/**
 * The data folder (`DATA_DIR`): checked before anything is written to it, so that a folder the
 * server cannot use stops the start with one line that names the folder and the reason
 * (`DataFolderError`), and is left as it was.
 */
import { access, constants, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** The start cannot go on with this folder; `message` is one line meant for the operator. */
export class DataFolderError extends Error {
  readonly folder: string;
  readonly reason: string;

  constructor(folder: string, reason: string) {
    super(`the data folder ${folder} cannot be used: ${reason}`);
    this.name = 'DataFolderError';
    this.folder = folder;
    this.reason = reason;
  }
}

/**
 * Makes sure `folder` is a folder this process may write to, creating it (and its parents) when it
 * does not exist yet, as on a first start.
 *
 * @example await prepareFolder(path.resolve(config.dataDir))
 */
export async function prepareFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new DataFolderError(folder, fileSystemReason(error));
  }
  const info = await stat(folder);
  if (!info.isDirectory()) throw new DataFolderError(folder, 'it is a file, not a folder');
  try {
    await access(folder, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new DataFolderError(folder, fileSystemReason(error));
  }
}

/**
 * Refuses a PGlite folder that PGlite would fail on or write over: one with files in it but no
 * `PG_VERSION` (PGlite would create a database among them), or whose `PG_VERSION` is not a
 * PostgreSQL version.
 */
export async function checkPgliteFolder(folder: string): Promise<void> {
  const names = await readdir(folder);
  if (names.length === 0) return;
  if (!names.includes('PG_VERSION')) {
    throw new DataFolderError(folder, 'it holds files but no PGlite database (no PG_VERSION); move them elsewhere or name an empty folder');
  }
  const version = (await readFile(path.join(folder, 'PG_VERSION'), 'utf8').catch(() => '')).trim();
  if (!/^\d{1,3}$/.test(version)) {
    throw new DataFolderError(folder, 'its PG_VERSION is not a PostgreSQL version, so the database in it is damaged');
  }
}

/** The cause of a failed file-system call, in words. */
export function fileSystemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EEXIST':
      return 'it is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'this user may not write to it (check its owner and permissions)';
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
