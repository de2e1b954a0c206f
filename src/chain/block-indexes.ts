/**
 * The indexes kept beside the UTXO set: which coins and transactions belong to an
 * address (its x-only key), and which active block holds a transaction. They are
 * staged into the very batch that connects or disconnects the block, so a process
 * killed at any instant never leaves an index that disagrees with the UTXO set.
 */
import type { Block } from '../consensus/block.js';
import { bytesToHex, type Hash32 } from '../consensus/bytes.js';
import type { SpentCoin } from '../consensus/coin.js';
import { isCoinbase, outpointKey } from '../consensus/tx.js';
import type { CoinChange } from '../consensus/utxo.js';
import type { StoreBatch } from '../storage/store.js';

/**
 * The block's transactions with their hashes (internal byte order, block order): the
 * caller passes the ids it already has, since hashing every transaction again on each
 * connect would be work done twice on the hot path of sync.
 */
export interface IndexedBlock {
  block: Block;
  txHashes: readonly Hash32[];
}

/** The key each coin the block creates or spends is locked to, by outpoint. */
function coinOwners({ block, txHashes }: IndexedBlock, undo: readonly SpentCoin[]): Map<string, Uint8Array> {
  const owners = new Map<string, Uint8Array>();
  for (const spent of undo) owners.set(outpointKey(spent.outpoint), spent.coin.pubkey);
  for (const [t, tx] of block.txs.entries()) {
    const txHash = txHashes[t]!;
    tx.outputs.forEach((output, index) => owners.set(outpointKey({ txHash, index }), output.pubkey));
  }
  return owners;
}

/**
 * applyCoinChanges stages the UTXO changes of a block; a deleted coin names the key it
 * paid, so its address index entry goes with it.
 */
export function applyCoinChanges(batch: StoreBatch, block: IndexedBlock, undo: readonly SpentCoin[], changes: readonly CoinChange[]): void {
  let owners: Map<string, Uint8Array> | undefined;
  for (const change of changes) {
    if (change.coin !== null) {
      batch.putCoin(change.outpoint, change.coin);
      continue;
    }
    owners ??= coinOwners(block, undo);
    const owner = owners.get(outpointKey(change.outpoint));
    if (owner === undefined) throw new Error(`applyCoinChanges: deleted coin ${outpointKey(change.outpoint)} is neither created nor spent by the block`);
    batch.deleteCoin(change.outpoint, owner);
  }
}

/** touchedKeys lists, per transaction, the distinct keys it pays or spends from, in block order. */
function touchedKeys({ block, txHashes }: IndexedBlock, undo: readonly SpentCoin[]): { txHash: Hash32; keys: Uint8Array[] }[] {
  let next = 0;
  return block.txs.map((tx, t) => {
    const keys = new Map<string, Uint8Array>();
    if (!isCoinbase(tx)) {
      for (let i = 0; i < tx.inputs.length; i++) {
        const spent = undo[next++];
        if (spent === undefined) throw new Error('touchedKeys: undo data shorter than the block spends');
        keys.set(bytesToHex(spent.coin.pubkey), spent.coin.pubkey);
      }
    }
    for (const output of tx.outputs) keys.set(bytesToHex(output.pubkey), output.pubkey);
    return { txHash: txHashes[t]!, keys: [...keys.values()] };
  });
}

/** indexBlock stages the address history and transaction index entries of a block being connected. */
export function indexBlock(batch: StoreBatch, block: IndexedBlock, blockHash: Hash32, height: number, undo: readonly SpentCoin[]): void {
  for (const { txHash, keys } of touchedKeys(block, undo)) {
    batch.putTxBlock(txHash, blockHash);
    for (const key of keys) batch.putAddressTx(key, height, txHash);
  }
}

/** unindexBlock stages the removal of what indexBlock wrote, for a block being disconnected. */
export function unindexBlock(batch: StoreBatch, block: IndexedBlock, height: number, undo: readonly SpentCoin[]): void {
  for (const { txHash, keys } of touchedKeys(block, undo)) {
    batch.deleteTxBlock(txHash);
    for (const key of keys) batch.deleteAddressTx(key, height, txHash);
  }
}
