/**
 * Test helper: the keys of a devnet node's own wallet (DEVNET/node-N/wallet, opened with
 * the password file beside it), the way `toychain-wallet --devnet N` opens it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIVE_CHAIN } from '../../wallet/keys.js';
import { Keyring, type AddressKey } from '../../wallet/wallet.js';
import { openWalletFile, walletPath } from '../../wallet/wallet-file.js';

/** nodeMiningKey is node `index`'s mining key: receive key 0 of its wallet, with its private key. */
export async function nodeMiningKey(devnetDir: string, index: number, params: { name: string; addressPrefix: string }): Promise<AddressKey> {
  const dir = join(devnetDir, `node-${index}`, 'wallet');
  const password = readFileSync(join(dir, 'password'), 'utf8').trim();
  const { data } = await openWalletFile(walletPath(dir, params.name), password);
  return new Keyring(data, params).key(RECEIVE_CHAIN, 0);
}
