/**
 * The node's private files: the data folder (0700) and secrets in it such as the API
 * cookie (0600). Another local user must not read the bearer token, and must not be able
 * to redirect our write by planting a symlink or a file where we are about to write: the
 * temp file is created with O_EXCL | O_NOFOLLOW under a random name (open fails rather
 * than follow or reuse anything), then renamed over the target (rename replaces a
 * symlink at the target itself, never what it points to).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';

/** The flags a secret is created with: write-only, new, never through a symlink. */
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * preparePrivateDir makes `dir` (and its parents) if needed and sets it to 0700 on every
 * start, so a folder made by hand, by an older version or loosened since is fixed too.
 */
export async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * writePrivateFile replaces `path` with `content`, readable by this user only (0600),
 * atomically. `tmpSuffix` names the temp file (random unless given: a test plants a trap there).
 */
export async function writePrivateFile(path: string, content: string, tmpSuffix = `${process.pid}-${randomBytes(6).toString('hex')}`): Promise<void> {
  const tmp = `${path}.tmp-${tmpSuffix}`;
  const handle = await open(tmp, EXCLUSIVE, 0o600);
  try {
    await handle.writeFile(content);
    // The mode argument is masked by the umask; 0600 is not negotiable.
    await handle.chmod(0o600);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
