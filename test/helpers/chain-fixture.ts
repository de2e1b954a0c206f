/** Test helper: a Chain over a fresh store, and a look at the store's UTXO set. */
import type { Coin } from '../../src/consensus/coin.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { outpointKey } from '../../src/consensus/tx.js';
import { Chain, type ChainOptions } from '../../src/chain/chain.js';
import { openMemoryStore } from '../../src/storage/level-store.js';
import type { ChainStore } from '../../src/storage/store.js';

/** A clock far enough ahead that no test block is too new, unless a test sets one. */
export const FAR_FUTURE = 4_000_000_000;

export async function memoryChain(params: NetworkParams, options: ChainOptions = {}): Promise<Chain> {
  const store = await openMemoryStore();
  return Chain.open(store, params, { clock: () => FAR_FUTURE, ...options });
}

export async function storeCoins(store: ChainStore): Promise<Map<string, Coin>> {
  const coins = new Map<string, Coin>();
  for await (const { outpoint, coin } of store.allCoins()) coins.set(outpointKey(outpoint), coin);
  return coins;
}
