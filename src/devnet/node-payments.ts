/**
 * Payments between the devnet's nodes. Each node mines to its own wallet (a
 * `toychain-wallet` file in its folder, node-wallet.ts), so each node's block rewards are
 * a wallet a user can also open with `toychain-wallet --devnet N`. Sending coins from
 * node A to node B is what a wallet does: look up the coins of A's issued addresses
 * through A's REST API (GET /address), pick coins with the wallet's coin selection, sign
 * with the keys of A's wallet and POST /tx to A, which relays the transaction to the others.
 * The change goes back to A's mining address; the wallet file is only read, never written.
 *
 * Coins of mempool transactions paying A (its change) may be spent too, so a class can
 * send twice before the next block: chains of unconfirmed transactions are valid.
 */
import { decodeAddress } from '../consensus/address.js';
import type { NetworkParams } from '../consensus/params.js';
import { formatCoins, parseCoins } from '../consensus/amount.js';
import { DEFAULT_FEE_RATE, InsufficientFundsError, selectCoins } from '../../wallet/coin-selection.js';
import { buildPayment, type SpendableCoin } from '../../wallet/tx-builder.js';
import type { AddressKey } from '../../wallet/wallet.js';
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

/** walletViews asks a node about every address its wallet has issued, with each address's key. */
async function walletViews(node: ChildNode): Promise<{ key: AddressKey; view: AddressView }[]> {
  if (node.wallet === undefined) throw new ServiceRefusal('no-wallet', `node ${node.index} has not started yet: it has no wallet`, 409);
  const keys = await node.walletKeys();
  return Promise.all(keys.map(async (key) => ({ key, view: await node.api<AddressView>('GET', `/address/${key.address}?limit=1`) })));
}

/** balanceOf asks a node what its own wallet holds (every issued address: its mining address, and what the wallet CLI issued). */
export async function balanceOf(node: ChildNode): Promise<NodeBalance> {
  let spendable = 0n;
  let unconfirmed = 0n;
  for (const { view } of await walletViews(node)) {
    spendable += parseCoins(view.balance.spendable);
    unconfirmed += parseCoins(view.balance.unconfirmed);
  }
  return { address: node.wallet!.address, spendable: formatCoins(spendable), unconfirmed: formatCoins(unconfirmed) };
}

/**
 * pay sends `amount` base units from `from`'s wallet to `toAddress` (another node's, or any
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
  const coins: SpendableCoin[] = [];
  for (const { key, view } of await walletViews(from)) {
    const own = { pubkey: key.pubkey, privateKey: key.privateKey };
    coins.push(...view.coins.filter((c) => c.mature && c.spentBy === null).map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), ...own })));
    coins.push(...view.pending.map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), ...own })));
  }
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
  const changeTo = decodeAddress(from.wallet!.address, params);
  const signed = buildPayment({ inputs: selection.inputs, to, amount, changeTo, change: selection.change });
  await from.api('POST', '/tx', { hex: signed.hex });
  return { txid: signed.txid, fee: formatCoins(selection.fee) };
}
