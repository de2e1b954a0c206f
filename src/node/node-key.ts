/**
 * The node's own key: a 32-byte secret in DATADIR/miner.key (hex, mode 0600), made on
 * first use. `generate` without an address pays it, as Core's regtest users mine to a
 * wallet address of their own node; the devnet keeps its nodes' mining keys in the same
 * file, so either can be imported into a wallet.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '../consensus/bytes.js';
import { xOnlyPublicKey } from '../consensus/signature.js';

export const NODE_KEY_FILE = 'miner.key';

/** nodeKey returns the x-only public key of DATADIR/miner.key, creating the secret if there is none. */
export async function nodeKey(datadir: string): Promise<Uint8Array> {
  const file = join(datadir, NODE_KEY_FILE);
  let secret: Uint8Array;
  if (existsSync(file)) {
    secret = hexToBytes((await readFile(file, 'utf8')).trim());
  } else {
    secret = new Uint8Array(randomBytes(32));
    // wx: never overwrite a key another process wrote meanwhile.
    await writeFile(file, bytesToHex(secret) + '\n', { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
      secret = hexToBytes((await readFile(file, 'utf8')).trim());
    });
  }
  return xOnlyPublicKey(secret);
}
