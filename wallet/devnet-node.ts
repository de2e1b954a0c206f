/**
 * `toychain-wallet --devnet N`: find node N of a running devnet through the devnet's
 * file, DEVNET_FOLDER/devnet.json (what `toychain devnet status` reads too), and ask the
 * devnet's control API for that node's API address. Asked on every command, so a node
 * the devnet restarted is followed. The wallet reads the file itself: it talks to the
 * devnet only over HTTP, as to a node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './cli-errors.js';

/**
 * Where a devnet keeps node N's own wallet: DEVNET_FOLDER/node-N/wallet/, its password in
 * the file `password` beside the wallet file (src/devnet/node-wallet.ts makes both; the
 * wallet may not import the devnet, so the layout is written down twice).
 */
export function devnetNodeWallet(dir: string, index: number): { dir: string; passwordFile: string } {
  const walletDir = join(dir, `node-${index}`, 'wallet');
  const passwordFile = join(walletDir, 'password');
  if (!existsSync(passwordFile)) {
    throw new UserError(
      'no-node-wallet',
      `node ${index} of the devnet in ${dir} has no wallet of its own (${walletDir}): a devnet made by an older toychain mined to a raw miner.key; restart it (npm start) and each node gets a wallet and its old coins are moved into it. To use a wallet of your own with this node, add --wallet-dir DIR`,
    );
  }
  return { dir: walletDir, passwordFile };
}

/** The devnet CLI's default folder (a demo devnet, as `npm start` runs it). */
export const DEFAULT_DEVNET_DIR = join(homedir(), '.toychain', 'devnet');

interface DevnetFile {
  pid: number;
  controlUrl: string;
}

/** runningDevnet returns the devnet file of a devnet whose process is alive, else undefined. */
export function runningDevnet(dir: string): DevnetFile | undefined {
  const path = join(dir, 'devnet.json');
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevnetFile>;
    if (typeof file.pid !== 'number' || typeof file.controlUrl !== 'string') return undefined;
    process.kill(file.pid, 0);
    return { pid: file.pid, controlUrl: file.controlUrl };
  } catch {
    return undefined;
  }
}

/** devnetNodeUrl is node `index`'s API (http://127.0.0.1:PORT/api/v1) in the devnet running in `dir`. */
export async function devnetNodeUrl(dir: string, index: number): Promise<string> {
  const file = runningDevnet(dir);
  if (file === undefined) throw new UserError('no-devnet', `no devnet is running in ${dir}: start one with "npm start" (or toychain devnet), or pass the --devnet-dir it was started with`);
  let view: { nodes?: { index: number; apiUrl: string | null; state: string }[] };
  try {
    const res = await fetch(`${file.controlUrl}/devnet`, { signal: AbortSignal.timeout(10_000) });
    view = (await res.json()) as typeof view;
  } catch (cause) {
    throw new UserError('no-devnet', `the devnet in ${dir} (pid ${file.pid}) did not answer at ${file.controlUrl}`, { cause });
  }
  const nodes = view.nodes ?? [];
  const node = nodes.find((n) => n.index === index);
  if (node === undefined) throw new UserError('no-such-node', `the devnet in ${dir} has no node ${index}: its nodes are 0 to ${nodes.length - 1}`);
  if (node.apiUrl === null || node.state !== 'running') throw new UserError('node-not-running', `devnet node ${index} is ${node.state}: restart it with "toychain devnet restart ${index}"`);
  return node.apiUrl;
}
