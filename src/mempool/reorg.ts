/**
 * What a reorg does to the pool: the transactions of disconnected blocks wait here, in
 * chain order, to come back once the chain reports its new tip (Core's
 * DisconnectedBlockTransactions and MaybeUpdateMempoolForReorg), and pool transactions
 * whose confirmed coins the reorg took away or un-matured are found. Its own module
 * because this bookkeeping spans several chain events and is easy to get wrong in the
 * middle of the pool's other state.
 */
import type { ChainView } from '../chain/chain-view.js';
import type { Block } from '../consensus/block.js';
import { toDisplayHex, type DisplayHex } from '../consensus/bytes.js';
import { isCoinbase, outpointKey, txid as txidOf, type Tx } from '../consensus/tx.js';
import type { PoolTx } from './packages.js';
import type { PoolGraph } from './pool-graph.js';

/** The waiting transactions of disconnected blocks, handed out once per tip change. */
export interface DisconnectedBatch {
  /** in chain order, so a child never comes back before its parent */
  txs: Tx[];
  /** outpoint key → txid of the block transaction that spent it, since the last batch (to name lost races) */
  blockSpends: Map<string, DisplayHex>;
}

export class DisconnectedBlockTransactions {
  /** transactions of disconnected blocks waiting to come back, in chain order */
  private disconnected: Tx[] = [];
  /** outpoint key → txid of the block transaction that spent it, since the last take */
  private blockSpends = new Map<string, DisplayHex>();
  /** set when a block was disconnected, so the next tip change re-checks the pool even if that block had no transactions */
  private reorged = false;

  /** blockConnected forgets waiting transactions the block confirms and records what its transactions spend. */
  blockConnected(txs: readonly Tx[]): void {
    const confirmed = new Set(txs.map((tx) => txidOf(tx)));
    this.disconnected = this.disconnected.filter((tx) => !confirmed.has(txidOf(tx)));
    for (const tx of txs) {
      const id = txidOf(tx);
      for (const input of tx.inputs) this.blockSpends.set(outpointKey(input.prevout), id);
    }
  }

  /** A disconnected block's transactions wait to come back; blocks disconnect tip first, so they go in front. */
  blockDisconnected(block: Block): void {
    this.disconnected = [...block.txs.filter((tx) => !isCoinbase(tx)), ...this.disconnected];
    this.reorged = true;
  }

  /** take hands out what waits and starts afresh; undefined when no block was disconnected since the last take. */
  take(): DisconnectedBatch | undefined {
    const txs = this.disconnected;
    const blockSpends = this.blockSpends;
    this.disconnected = [];
    this.blockSpends = new Map();
    if (txs.length === 0 && !this.reorged) return undefined;
    this.reorged = false;
    return { txs, blockSpends };
  }
}

/** conflictWinner names the confirmed transaction that spends one of a transaction's inputs, if any. */
export function conflictWinner(tx: Tx, id: DisplayHex, blockSpends: ReadonlyMap<string, DisplayHex>): DisplayHex | undefined {
  return tx.inputs.map((input) => blockSpends.get(outpointKey(input.prevout))).find((w) => w !== undefined && w !== id);
}

/**
 * removeForReorg takes out pool transactions that spend a confirmed coin that is gone
 * (a disconnected block's coinbase output) or is an immature coinbase output at the new
 * height, with their descendants (through `removeWithDescendants`, which emits).
 * @see Core CTxMemPool::removeForReorg.
 */
export async function removeForReorg(graph: PoolGraph, chain: ChainView, coinbaseMaturity: number, removeWithDescendants: (node: PoolTx) => void): Promise<void> {
  const spendHeight = chain.height + 1;
  const nodes = [...graph.nodes()].sort((a, b) => a.sequence - b.sequence);
  for (const node of nodes) {
    if (!graph.has(node.txid)) continue;
    for (const input of node.tx.inputs) {
      if (graph.has(toDisplayHex(input.prevout.txHash))) continue;
      const coin = await chain.getCoin(input.prevout);
      if (coin === undefined || (coin.coinbase && spendHeight - coin.height < coinbaseMaturity)) {
        removeWithDescendants(node);
        break;
      }
    }
  }
}
