/**
 * Loading the part of the UTXO set a block touches, so the pure connectBlock can run
 * over a synchronous in-memory view: the coins its inputs spend, and the outpoints its
 * outputs would create (for the BIP30 overwrite check).
 */
import type { Block } from '../consensus/block.js';
import type { Hash32 } from '../consensus/bytes.js';
import type { Coin, UtxoView } from '../consensus/coin.js';
import { isCoinbase, outpointKey, txHash, type Outpoint } from '../consensus/tx.js';
import type { ChainStore } from '../storage/store.js';

export async function loadBlockView(store: ChainStore, block: Block): Promise<UtxoView> {
  const outpoints: Outpoint[] = [];
  for (const tx of block.txs) {
    const txid = txHash(tx);
    tx.outputs.forEach((_, index) => outpoints.push({ txHash: txid, index }));
    if (!isCoinbase(tx)) for (const input of tx.inputs) outpoints.push(input.prevout);
  }
  const coins = new Map<string, Coin>();
  const found = await store.getCoins(outpoints);
  found.forEach((coin, i) => {
    if (coin !== undefined) coins.set(outpointKey(outpoints[i]!), coin);
  });
  return { getCoin: (o) => coins.get(outpointKey(o)) };
}

/**
 * A UTXO view over a run of blocks connected one after another into one store batch
 * (Chain.processBlocks): the coins every block of the run touches are read from the
 * store in one go before the first is connected, and each block's changes are laid over
 * them for the blocks after it, since the store sees none of them until the batch is
 * written. `apply` records a connected block's changes (null: spent).
 */
export interface RunView extends UtxoView {
  apply(changes: readonly { outpoint: Outpoint; coin: Coin | null }[]): void;
}

export async function loadRunView(store: ChainStore, blocks: readonly { block: Block; txHashes: readonly Hash32[] }[]): Promise<RunView> {
  const outpoints: Outpoint[] = [];
  const created = new Set<string>();
  for (const { block, txHashes } of blocks) {
    for (const [t, tx] of block.txs.entries()) {
      // Spent coins the run itself creates come from the overlay, not the store.
      if (!isCoinbase(tx)) for (const input of tx.inputs) if (!created.has(outpointKey(input.prevout))) outpoints.push(input.prevout);
      const txid = txHashes[t]!;
      tx.outputs.forEach((_, index) => {
        const o = { txHash: txid, index };
        outpoints.push(o);
        created.add(outpointKey(o));
      });
    }
  }
  const stored = new Map<string, Coin>();
  const found = await store.getCoins(outpoints);
  found.forEach((coin, i) => {
    if (coin !== undefined) stored.set(outpointKey(outpoints[i]!), coin);
  });
  const overlay = new Map<string, Coin | null>();
  return {
    getCoin: (o) => {
      const key = outpointKey(o);
      const laid = overlay.get(key);
      return laid === null ? undefined : (laid ?? stored.get(key));
    },
    apply: (changes) => {
      for (const c of changes) overlay.set(outpointKey(c.outpoint), c.coin);
    },
  };
}
