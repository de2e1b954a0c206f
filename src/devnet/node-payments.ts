/**
 * Payments between the devnet's nodes. Each node mines to its own key (`miner.key` in
 * its folder), so each node's block rewards are a one-key wallet. Sending coins from
 * node A to node B is what a wallet does: look up A's coins through A's REST API
 * (GET /address), pick coins with the wallet's coin selection, sign with A's key and
 * POST /tx to A, which relays the transaction to the others.
 *
 * Coins of mempool transactions paying A (its change) may be spent too, so a class can
 * send twice before the next block: chains of unconfirmed transactions are valid.
 */
import { readFile } from 'node:fs/promises';
import { decodeAddress } from '../consensus/address.js';
import { hexToBytes } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { xOnlyPublicKey } from '../consensus/signature.js';
import { DEFAULT_FEE_RATE, InsufficientFundsError, selectCoins } from '../../wallet/coin-selection.js';
import { formatCoins } from '../consensus/amount.js';
import { buildPayment, type SpendableCoin } from '../../wallet/tx-builder.js';
import { ServiceRefusal } from '../api/services.js';
import type { AddressInfo } from '../api/contract/responses.js';
import type { ChildNode } from './child-node.js';

/** What GET /address answers: the contract's AddressInfo. */
type AddressView = AddressInfo;

/** A node's wallet: the address its blocks pay and the balance the node reports for it. */
export interface NodeBalance {
  address: string;
  spendable: string;
  unconfirmed: string;
}

async function minerSecret(node: ChildNode): Promise<Uint8Array> {
  if (node.wallet === undefined) throw new ServiceRefusal('no-wallet', `node ${node.index} has not started yet: it has no key`, 409);
  return hexToBytes((await readFile(node.wallet.keyFile, 'utf8')).trim());
}

/** balanceOf asks a node what its own mining address holds. */
export async function balanceOf(node: ChildNode): Promise<NodeBalance> {
  if (node.wallet === undefined) throw new ServiceRefusal('no-wallet', `node ${node.index} has not started yet: it has no key`, 409);
  const view = await node.api<AddressView>('GET', `/address/${node.wallet.address}?limit=1`);
  return { address: node.wallet.address, spendable: view.balance.spendable, unconfirmed: view.balance.unconfirmed };
}

/**
 * pay sends `amount` base units from `from`'s key to `toAddress` (another node's, or any
 * address of the devnet's network), with the change back to `from`. Returns the txid.
 * Refuses with `insufficient-funds` (naming what is spendable) or `invalid-address`.
 */
export async function pay(from: ChildNode, toAddress: string, amount: bigint, params: NetworkParams, feeRate = DEFAULT_FEE_RATE): Promise<{ txid: string; fee: string }> {
  let to: Uint8Array;
  try {
    to = decodeAddress(toAddress, params);
  } catch (e) {
    throw new ServiceRefusal('invalid-address', `not a ${params.name} address: ${(e as Error).message}`, 400);
  }
  const secret = await minerSecret(from);
  const pubkey = xOnlyPublicKey(secret);
  const view = await from.api<AddressView>('GET', `/address/${from.wallet!.address}?limit=1`);
  const coins: SpendableCoin[] = [
    ...view.coins.filter((c) => c.mature && c.spentBy === null).map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), pubkey, privateKey: secret })),
    ...view.pending.map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), pubkey, privateKey: secret })),
  ];
  let selection;
  try {
    selection = selectCoins(coins, amount, feeRate);
  } catch (e) {
    if (e instanceof InsufficientFundsError) {
      const available = coins.reduce((sum, c) => sum + c.value, 0n);
      throw new ServiceRefusal('insufficient-funds', `node ${from.index} can spend ${formatCoins(available)} coins (mined coins mature after ${params.coinbaseMaturity} blocks); ${formatCoins(amount)} plus the fee is more`, 400);
    }
    throw e;
  }
  const signed = buildPayment({ inputs: selection.inputs, to, amount, changeTo: pubkey, change: selection.change });
  await from.api('POST', '/tx', { hex: signed.hex });
  return { txid: signed.txid, fee: formatCoins(selection.fee) };
}
