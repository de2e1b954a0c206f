/**
 * Loading the part of the UTXO set a block touches, so the pure connectBlock can run
 * over a synchronous in-memory view: the coins its inputs spend, and the outpoints its
 * outputs would create (for the BIP30 overwrite check).
 */
import type { Block } from '../consensus/block.js';
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
  const found = await Promise.all(outpoints.map((o) => store.getCoin(o)));
  found.forEach((coin, i) => {
    if (coin !== undefined) coins.set(outpointKey(outpoints[i]!), coin);
  });
  return { getCoin: (o) => coins.get(outpointKey(o)) };
}
