/**
 * Migration of a devnet node folder made before nodes had wallets: there, the node mined
 * to a raw 32-byte key in NODE_FOLDER/miner.key. Such a node now mines to its wallet
 * (node-wallet.ts), and each time it starts the devnet moves the old key's mature coins
 * into the wallet in one transaction (a sweep), so they can be spent with
 * `toychain-wallet --devnet N`. Coins still maturing move at a later start. Once the old
 * key holds nothing, its file is renamed miner.key.old (kept: it is a key).
 */
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCoins } from '../consensus/amount.js';
import { decodeAddress, encodeAddress } from '../consensus/address.js';
import { hexToBytes } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { xOnlyPublicKey } from '../consensus/signature.js';
import { DEFAULT_FEE_RATE, estimateTxSize } from '../../wallet/coin-selection.js';
import { RestNodeClient } from '../../wallet/node-client.js';
import { buildPayment, type SpendableCoin } from '../../wallet/tx-builder.js';
import type { ChildNode } from './child-node.js';

export const LEGACY_MINER_KEY_FILE = 'miner.key';
/** Inputs per sweep: keeps the transaction far below the block size limit; the rest moves at the next start. */
const MAX_SWEEP_INPUTS = 500;

/**
 * sweepLegacyMinerKey moves the mature coins of NODE_FOLDER/miner.key to the node's
 * wallet address, through the node's API. Returns what it did, for the devnet's log and
 * timeline, or undefined when the folder has no old key.
 */
export async function sweepLegacyMinerKey(node: ChildNode, params: NetworkParams): Promise<string | undefined> {
  const keyFile = join(node.options.datadir, LEGACY_MINER_KEY_FILE);
  if (!existsSync(keyFile) || node.wallet === undefined || node.endpoints === undefined) return undefined;
  const secret = hexToBytes((await readFile(keyFile, 'utf8')).trim());
  const pubkey = xOnlyPublicKey(secret);
  const oldAddress = encodeAddress(pubkey, params);
  const client = new RestNodeClient(node.endpoints.apiUrl);
  const info = await client.address(oldAddress, 0, 1);
  const unspent = info.coins.filter((c) => c.spentBy === null);
  const mature = unspent.filter((c) => c.mature).slice(0, MAX_SWEEP_INPUTS);
  const maturing = unspent.filter((c) => !c.mature).reduce((sum, c) => sum + BigInt(c.units), 0n);
  const later = maturing > 0n ? `; ${formatCoins(maturing)} coins still maturing there move at a later start` : '';
  const fee = BigInt(estimateTxSize(mature.length, 1)) * DEFAULT_FEE_RATE;
  const total = mature.reduce((sum, c) => sum + BigInt(c.units), 0n);
  if (mature.length === 0 || total <= fee) {
    if (unspent.length === 0 && info.coins.length === 0) {
      await rename(keyFile, `${keyFile}.old`);
      return `node ${node.index}: its old key (${LEGACY_MINER_KEY_FILE}) holds no coins; it mines to its wallet (toychain-wallet --devnet ${node.index}), the old key is kept as ${LEGACY_MINER_KEY_FILE}.old`;
    }
    return `node ${node.index}: mines to its wallet now (toychain-wallet --devnet ${node.index}); its old key (${LEGACY_MINER_KEY_FILE}, ${oldAddress}) has nothing spendable to move yet${later}`;
  }
  const inputs: SpendableCoin[] = mature.map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), pubkey, privateKey: secret }));
  const to = decodeAddress(node.wallet.address, params);
  const signed = buildPayment({ inputs, to, amount: total - fee, changeTo: pubkey, change: 0n });
  await client.sendTx(signed.hex);
  return `node ${node.index}: moved ${formatCoins(total - fee)} coins from its old key (${LEGACY_MINER_KEY_FILE}) into its wallet (toychain-wallet --devnet ${node.index}), txid ${signed.txid.slice(0, 16)}…${later}`;
}
