/**
 * A scenario's payments: a node's mining key pays another node, and the transaction is
 * sent through any node (`via`), so a payment can be made on one side of a split only.
 * A double spend signs the same coins again, to another address, and is sent through a
 * node on the other side: the network's two halves then hold conflicting transactions,
 * and the heal decides which one survives (the one in the branch with more work).
 *
 * Coins are read from the `via` node (GET /address of the payer): what that node's side
 * of the network says the payer owns.
 */
import { decodeAddress } from '../consensus/address.js';
import { formatCoins } from '../consensus/amount.js';
import type { NetworkParams } from '../consensus/params.js';
import type { AddressInfo } from '../api/contract/responses.js';
import { DEFAULT_FEE_RATE, estimateTxSize, InsufficientFundsError, selectCoins } from '../../wallet/coin-selection.js';
import { buildPayment, type SpendableCoin } from '../../wallet/tx-builder.js';
import type { ChildNode } from '../devnet/child-node.js';

/** A payment the scenario made: what it spent, so a double spend can spend it again. */
export interface ScenarioPayment {
  txid: string;
  from: number;
  to: string;
  amount: bigint;
  via: number;
  inputs: SpendableCoin[];
}

/** A step that cannot do what it says (no coins, a node not running): the scenario stops there. */
export class ScenarioStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScenarioStepError';
  }
}

async function keyOf(node: ChildNode): Promise<{ secret: Uint8Array; pubkey: Uint8Array; address: string }> {
  if (node.wallet === undefined) throw new ScenarioStepError('no-wallet', `node ${node.index} has not started: it has no key`);
  // The mining key: receive key 0 of the node's own wallet (src/devnet/node-wallet.ts).
  const key = (await node.walletKeys())[0]!;
  return { secret: key.privateKey, pubkey: key.pubkey, address: node.wallet.address };
}

/** addressOf is a node's mining address, or the address given. */
export function addressOf(nodes: readonly ChildNode[], to: number | string): string {
  if (typeof to === 'string') return to;
  const address = nodes[to]?.wallet?.address;
  if (address === undefined) throw new ScenarioStepError('no-wallet', `node ${to} has not started: it has no address`);
  return address;
}

/** spendable reads the coins `via` says the payer's key can spend (mature, not spent in its mempool). */
async function spendable(payer: ChildNode, via: ChildNode): Promise<{ coins: SpendableCoin[]; key: Awaited<ReturnType<typeof keyOf>> }> {
  const key = await keyOf(payer);
  const view = await via.api<AddressInfo>('GET', `/address/${key.address}?coinsLimit=1000&limit=1`);
  const coins = view.coins.filter((c) => c.mature && c.spentBy === null).map((c) => ({ txid: c.txid, index: c.index, value: BigInt(c.units), pubkey: key.pubkey, privateKey: key.secret }));
  return { coins, key };
}

/** sendPayment pays `amount` from `payer`'s key to `to`, sent through `via`. */
export async function sendPayment(payer: ChildNode, via: ChildNode, to: string, amount: bigint, params: NetworkParams): Promise<ScenarioPayment> {
  const recipient = decodeRecipient(to, params);
  const { coins, key } = await spendable(payer, via);
  let selection;
  try {
    selection = selectCoins(coins, amount, DEFAULT_FEE_RATE);
  } catch (e) {
    if (!(e instanceof InsufficientFundsError)) throw e;
    const total = coins.reduce((s, c) => s + c.value, 0n);
    throw new ScenarioStepError('insufficient-funds', `node ${payer.index} can spend ${formatCoins(total)} coins as node ${via.index} sees it; ${formatCoins(amount)} plus the fee is more (a fund step first makes its coins spendable)`);
  }
  const signed = buildPayment({ inputs: selection.inputs, to: recipient, amount, changeTo: key.pubkey, change: selection.change });
  await via.api('POST', '/tx', { hex: signed.hex });
  return { txid: signed.txid, from: payer.index, to, amount, via: via.index, inputs: [...selection.inputs] };
}

/** sendDoubleSpend spends every coin of `original` again, all of it (less the fee) to `to`, sent through `via`. */
export async function sendDoubleSpend(original: ScenarioPayment, via: ChildNode, to: string, params: NetworkParams): Promise<ScenarioPayment> {
  const recipient = decodeRecipient(to, params);
  const total = original.inputs.reduce((s, c) => s + c.value, 0n);
  const fee = BigInt(estimateTxSize(original.inputs.length, 1)) * DEFAULT_FEE_RATE;
  const signed = buildPayment({ inputs: original.inputs, to: recipient, amount: total - fee, changeTo: recipient, change: 0n });
  await via.api('POST', '/tx', { hex: signed.hex });
  return { txid: signed.txid, from: original.from, to, amount: total - fee, via: via.index, inputs: original.inputs };
}

/** spendableCoins is what `node`'s key can spend as the node itself sees it, in base units. */
export async function spendableCoins(node: ChildNode): Promise<bigint> {
  const { coins } = await spendable(node, node);
  return coins.reduce((s, c) => s + c.value, 0n);
}

function decodeRecipient(to: string, params: NetworkParams): Uint8Array {
  try {
    return decodeAddress(to, params);
  } catch (e) {
    throw new ScenarioStepError('invalid-address', `'${to}' is not a ${params.name} address: ${(e as Error).message}`);
  }
}
