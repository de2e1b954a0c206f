/** Test helper: a Chain over a fresh store, and a look at the store's UTXO set and indexes. */
import type { Block } from '../../src/consensus/block.js';
import { bytesToHex } from '../../src/consensus/bytes.js';
import type { Coin } from '../../src/consensus/coin.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { isCoinbase, outpointKey, txHash } from '../../src/consensus/tx.js';
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

/** A block of the active chain with its hash and height, as indexDifferences reads them. */
export interface ActiveBlock {
  block: Block;
  hash: Uint8Array;
  height: number;
}

/**
 * indexDifferences compares the store's address index (coins and history per key) and
 * transaction index with what the active chain's blocks imply, walked here from scratch;
 * it returns each difference as a line, so an empty list means the indexes are exact.
 */
export async function indexDifferences(store: ChainStore, active: readonly ActiveBlock[]): Promise<string[]> {
  const coins = new Map<string, Coin>();
  const history = new Map<string, string[]>();
  const keys = new Map<string, Uint8Array>();
  const differences: string[] = [];
  const touch = (pubkey: Uint8Array, entry: string): void => {
    const hex = bytesToHex(pubkey);
    keys.set(hex, pubkey);
    const list = history.get(hex) ?? [];
    if (!list.includes(entry)) list.push(entry);
    history.set(hex, list);
  };
  for (const { block, hash, height } of active) {
    for (const [t, tx] of block.txs.entries()) {
      const txid = txHash(tx);
      const entry = `${height}:${bytesToHex(txid)}`;
      if (!isCoinbase(tx)) {
        for (const input of tx.inputs) {
          const spent = coins.get(outpointKey(input.prevout));
          if (spent === undefined) throw new Error(`indexDifferences: block ${height} spends a coin the walk does not have`);
          touch(spent.pubkey, entry);
          coins.delete(outpointKey(input.prevout));
        }
      }
      tx.outputs.forEach((o, index) => {
        touch(o.pubkey, entry);
        coins.set(outpointKey({ txHash: txid, index }), { value: o.value, pubkey: o.pubkey, height, coinbase: t === 0 });
      });
      const stored = await store.getTxBlock(txid);
      if (stored === undefined || bytesToHex(stored) !== bytesToHex(hash)) differences.push(`tx ${bytesToHex(txid)}: index says ${stored === undefined ? 'none' : bytesToHex(stored)}`);
    }
  }
  for (const [hex, pubkey] of keys) {
    const want = [...coins].filter(([, c]) => bytesToHex(c.pubkey) === hex).map(([k]) => k).sort();
    const have = (await store.addressCoins(pubkey)).map((c) => outpointKey(c.outpoint)).sort();
    if (JSON.stringify(want) !== JSON.stringify(have)) differences.push(`coins of ${hex}: want ${want.join(',')} have ${have.join(',')}`);
    const wantHistory = history.get(hex)!.sort(byHeightThenTxid);
    const haveHistory = (await store.addressHistory(pubkey)).map((h) => `${h.height}:${bytesToHex(h.txHash)}`);
    if (JSON.stringify(wantHistory) !== JSON.stringify(haveHistory)) differences.push(`history of ${hex}: want ${wantHistory.join(',')} have ${haveHistory.join(',')}`);
  }
  return differences;
}

function byHeightThenTxid(a: string, b: string): number {
  const [ha, ta] = a.split(':') as [string, string];
  const [hb, tb] = b.split(':') as [string, string];
  return Number(ha) - Number(hb) || (ta < tb ? -1 : ta > tb ? 1 : 0);
}
