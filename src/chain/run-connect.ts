/**
 * The checks and writes of a run of blocks connected in one batch (Chain.processBlocks,
 * initial sync): each block is checked against the UTXO set as the blocks before it in
 * the run leave it, and everything the run writes is staged into ONE batch, so the run
 * costs one store write instead of one per block. Apart from the chain so that the
 * chain's own state changes only after the batch is written.
 */
import type { Block } from '../consensus/block.js';
import { checkBlock, checkBlockContext } from '../consensus/block-check.js';
import type { NetworkParams } from '../consensus/params.js';
import { txHashesOf } from './remembered-hashes.js';
import { blockSize } from '../storage/block-bytes.js';
import { BlockStatus, type ChainStore, type StoreBatch } from '../storage/store.js';
import type { ChainEntry } from './block-index.js';
import { checkConnect, stageConnect, type SignatureContext } from './block-connect.js';
import { loadRunView } from './coin-loader.js';

export interface RunBlock {
  entry: ChainEntry;
  block: Block;
}

/**
 * stageRun checks the blocks of `run` (each building on the one before, the first on
 * the active tip) in order and stages the longest prefix that passes. A block that
 * fails ends the prefix without a record: the caller leaves it to the single-block
 * path, which records why. Nothing is written; `done` is the staged prefix.
 */
export async function stageRun(
  run: readonly RunBlock[],
  store: ChainStore,
  params: NetworkParams,
  signatures: SignatureContext,
): Promise<{ batch: StoreBatch; done: RunBlock[] }> {
  // Each block's txids, hashed once for the merkle root, the coins to read and the connect.
  const hashed = run.map(({ block }) => ({ block, txHashes: txHashesOf(block) }));
  const view = await loadRunView(store, hashed);
  const batch = store.batch();
  const done: RunBlock[] = [];
  for (const [i, { entry, block }] of run.entries()) {
    const txHashes = hashed[i]!.txHashes;
    const body = checkBlock(block, params, blockSize(block), entry.hash, txHashes);
    const context = body.ok ? checkBlockContext(block, entry.height) : body;
    if (!context.ok) break;
    const v = await checkConnect(block, entry.height, view, params, signatures, txHashes);
    if (!v.ok) break;
    view.apply(v.changes);
    batch.putBlock(entry.hash, block);
    stageConnect(batch, entry, block, v, entry.status | BlockStatus.HAVE_DATA | BlockStatus.VALID);
    done.push({ entry, block });
  }
  return { batch, done };
}
