/**
 * The mempool's acceptance checks, every rule but the signatures, in Core's order
 * (MemPoolAccept::PreChecks): consensus sanity, standardness, the pool's conflicts, the
 * inputs against the chain and the pool, the fee floors and the ancestor limit. Its own
 * module because the rules read the pool and the chain but change neither, so they are
 * one job apart from the queue and the graph updates around them.
 */
import type { ChainView } from '../chain/chain-view.js';
import { toDisplayHex, type DisplayHex } from '../consensus/bytes.js';
import type { Coin } from '../consensus/coin.js';
import type { NetworkParams } from '../consensus/params.js';
import { reject, type Rejection } from '../consensus/reasons.js';
import { checkTransaction, checkTxInputs } from '../consensus/tx-check.js';
import { encodeTx, isCoinbase, outpointKey, type Outpoint, type Tx } from '../consensus/tx.js';
import { ancestorsOf, type PoolTx } from './packages.js';
import type { MempoolPolicy } from './policy.js';
import type { PoolGraph } from './pool-graph.js';
import type { RollingMinimumFee } from './rolling-fee.js';

/** What the cheap checks found: enough to verify signatures and to insert. */
export interface Checked {
  ok: true;
  fee: bigint;
  size: number;
  spent: Coin[];
  parents: Set<PoolTx>;
}

/** What the checks read: the pool, the chain, and the pool's fee floors. */
export interface AcceptanceContext {
  graph: PoolGraph;
  chain: ChainView;
  params: NetworkParams;
  policy: MempoolPolicy;
  rollingFee: RollingMinimumFee;
  clock: () => number;
}

/**
 * checkAcceptance runs every rule but the signatures, in Core's order, against the chain
 * and the pool as they are now. `fromBlock` (a disconnected block's transaction coming
 * back) skips the fee floors, as Core's bypass_limits does.
 */
export async function checkAcceptance(tx: Tx, id: DisplayHex, fromBlock: boolean, ctx: AcceptanceContext): Promise<Checked | Rejection> {
  const { graph, policy } = ctx;
  const sane = checkTransaction(tx, ctx.params);
  if (!sane.ok) return sane;
  // A coinbase is only valid as the first transaction of a block.
  if (isCoinbase(tx)) return reject('coinbase');
  // Standard size before any input is looked up: each lookup is a store read on this queue.
  if (tx.inputs.length > policy.maxTxInputs) {
    return reject('tx-too-many-inputs', `${tx.inputs.length} inputs, a standard transaction has at most ${policy.maxTxInputs}`);
  }
  const size = encodeTx(tx).length;
  if (size > policy.maxTxSize) return reject('tx-size', `${size} bytes, a standard transaction has at most ${policy.maxTxSize}`);
  if (graph.has(id)) return reject('txn-already-in-mempool', id);
  // First seen wins: no replacement of a pool transaction's spend (no RBF).
  for (const [i, input] of tx.inputs.entries()) {
    const spender = graph.spenderOf(input.prevout);
    if (spender !== undefined) {
      return reject('txn-mempool-conflict', `input ${i} spends ${outpointKey(input.prevout)}, already spent by ${spender.txid}`);
    }
  }
  // A mempool transaction is checked as if it were in the next block.
  const spendHeight = ctx.chain.height + 1;
  const { coins, parents } = await loadInputs(tx, spendHeight, graph, ctx.chain);
  const inputs = checkTxInputs(tx, { getCoin: (o) => coins.get(outpointKey(o)) }, spendHeight, ctx.params);
  if (!inputs.ok) return inputs;
  // Core checks the pool's rolling minimum before the static one, and lets the transactions of disconnected blocks back in below the minimum fee (bypass_limits).
  const rolling = ctx.rollingFee.current(ctx.clock(), graph.bytes, policy.maxBytes);
  if (!fromBlock && rolling > 0 && Number(inputs.fee) < rolling * size) {
    return reject('mempool min fee not met', `fee ${inputs.fee} < ${Math.ceil(rolling * size)} (${size} bytes at the rolling minimum ${rolling.toFixed(3)}/byte, raised by evictions)`);
  }
  const minFee = policy.minFeeRate * BigInt(size);
  if (!fromBlock && inputs.fee < minFee) {
    return reject('min relay fee not met', `fee ${inputs.fee} < ${minFee} (${size} bytes at ${policy.minFeeRate}/byte)`);
  }
  const ancestors = ancestorsOf(parents).size;
  if (ancestors + 1 > policy.maxAncestors) {
    return reject('too-long-mempool-chain', `${ancestors} unconfirmed ancestors, limit ${policy.maxAncestors - 1}`);
  }
  return { ok: true, fee: inputs.fee, size, spent: inputs.spent, parents };
}

/** loadInputs finds the coins a transaction spends: outputs of pool parents, else the chain's UTXO set. */
async function loadInputs(tx: Tx, spendHeight: number, graph: PoolGraph, chain: ChainView): Promise<{ coins: Map<string, Coin>; parents: Set<PoolTx> }> {
  const coins = new Map<string, Coin>();
  const parents = new Set<PoolTx>();
  const fromChain: Outpoint[] = [];
  for (const input of tx.inputs) {
    const parent = graph.get(toDisplayHex(input.prevout.txHash));
    if (parent === undefined) {
      fromChain.push(input.prevout);
      continue;
    }
    parents.add(parent);
    // An unconfirmed output counts as created in the next block (it is not a coinbase's).
    const output = parent.tx.outputs[input.prevout.index];
    if (output !== undefined) coins.set(outpointKey(input.prevout), { value: output.value, pubkey: output.pubkey, height: spendHeight, coinbase: false });
  }
  const found = await Promise.all(fromChain.map((o) => chain.getCoin(o)));
  found.forEach((coin, i) => {
    if (coin !== undefined) coins.set(outpointKey(fromChain[i]!), coin);
  });
  return { coins, parents };
}
