/**
 * DEVNET_FOLDER/devnet.json: how `toychain devnet status|split|heal…` find a running
 * devnet. Written once the control API listens, removed on a clean stop; a file whose
 * process is gone is stale (the devnet was killed) and is ignored.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DevnetFile {
  pid: number;
  network: string;
  nodes: number;
  /** the control API, http://127.0.0.1:PORT/api/v1 */
  controlUrl: string;
  dashboardUrl: string;
  startedAt: number;
}

export const DEVNET_FILE = 'devnet.json';

/** defaultDevnetDir is ~/.toychain/devnet for demo (the default), ~/.toychain/devnet-NETWORK otherwise. */
export function defaultDevnetDir(network: string): string {
  return join(homedir(), '.toychain', network === 'demo' ? 'devnet' : `devnet-${network}`);
}

export async function writeDevnetFile(dir: string, file: DevnetFile): Promise<void> {
  const path = join(dir, DEVNET_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(file, null, 2) + '\n');
  await rename(`${path}.tmp`, path);
}

export async function removeDevnetFile(dir: string, pid: number): Promise<void> {
  // Only our own: a second devnet that was refused must not remove the first one's file.
  const file = await readDevnetFile(dir);
  if (file?.pid === pid) await rm(join(dir, DEVNET_FILE), { force: true });
}

/** readDevnetFile returns the file if it exists and its process is alive, else undefined. */
export async function readDevnetFile(dir: string): Promise<DevnetFile | undefined> {
  const path = join(dir, DEVNET_FILE);
  if (!existsSync(path)) return undefined;
  let file: DevnetFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as DevnetFile;
  } catch {
    return undefined;
  }
  return typeof file.pid === 'number' && processAlive(file.pid) ? file : undefined;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
