/**
 * Connecting a block to the UTXO set and staging what that writes, and the reverse.
 * A block joins the active chain in one of two ways (a single tip connect, or a run of
 * blocks in one batch during initial sync); both check it the same way and stage the
 * same writes, so the checks and the writes are here, once, and the chain keeps only
 * its own state (the active chain, candidates, events).
 */
import type { Block } from '../consensus/block.js';
import { toDisplayHex, type Hash32 } from '../consensus/bytes.js';
import type { UtxoView } from '../consensus/coin.js';
import type { NetworkParams } from '../consensus/params.js';
import type { RejectReason } from '../consensus/reasons.js';
import { txHashesOf } from './remembered-hashes.js';
import { connectBlock, disconnectBlock, type ConnectResult } from '../consensus/utxo.js';
import type { BlockRecord, ChainStore, StoreBatch } from '../storage/store.js';
import type { ChainEntry } from './block-index.js';
import { applyCoinChanges, indexBlock, unindexBlock } from './block-indexes.js';
import { CorruptStoreError } from './errors.js';
import type { SignatureVerdict, SignatureVerifier } from './signature-verifier.js';
import type { VerifiedTxCache } from './verified-tx-cache.js';

/** Who runs signature checks, and which transactions they may skip as already verified. */
export interface SignatureContext {
  verifier: SignatureVerifier;
  verifiedTxs: VerifiedTxCache;
}

export type ConnectVerdict = (ConnectResult & { ok: true }) | { ok: false; reason: RejectReason; debug?: string };

/**
 * checkConnect connects `block` at `height` on `view` (every rule but signatures), then
 * runs its signature checks through the verifier, skipping transactions already
 * verified (by the mempool, or in a block since disconnected). The verdict is ok only
 * if every check passes; the view is not changed.
 */
export async function checkConnect(
  block: Block,
  height: number,
  view: UtxoView,
  params: NetworkParams,
  signatures: SignatureContext,
  txHashes?: readonly Hash32[],
): Promise<ConnectVerdict> {
  const connected = connectBlock(block, height, view, params, { deferSignatures: true, txHashes: txHashes ?? txHashesOf(block) });
  if (!connected.ok) return connected;
  const checks = connected.signatureChecks ?? [];
  const ids = checks.map((c) => toDisplayHex(c.txHash));
  const todo = checks.filter((_, i) => !signatures.verifiedTxs.has(ids[i]!));
  const sig: SignatureVerdict = await signatures.verifier.verify(todo);
  if (!sig.ok) return { ...sig, debug: `tx ${todo[sig.check]!.index}: ${sig.debug ?? sig.reason}` };
  for (const id of ids) signatures.verifiedTxs.add(id);
  return { ...connected, ok: true };
}

/** stageConnect stages a checked block's coin changes, indexes, undo data and its record with `status`. */
export function stageConnect(batch: StoreBatch, entry: ChainEntry, block: Block, v: ConnectResult, status: number): StoreBatch {
  const indexed = { block, txHashes: v.txHashes };
  applyCoinChanges(batch, indexed, v.undo, v.changes);
  indexBlock(batch, indexed, entry.hash, entry.height, v.undo);
  return batch.putUndo(entry.hash, v.undo).putRecord({ ...toRecord(entry), status });
}

/**
 * stageDisconnect reads the active tip's block and undo data and stages its removal
 * from the UTXO set and the indexes, the tip moving to its parent, in one batch.
 */
export async function stageDisconnect(store: ChainStore, entry: ChainEntry): Promise<{ batch: StoreBatch; block: Block }> {
  if (entry.parent === undefined) throw new Error('cannot disconnect the genesis block');
  const [block, undo] = await Promise.all([store.getBlock(entry.hash), store.getUndo(entry.hash)]);
  if (block === undefined || undo === undefined) throw new CorruptStoreError(`block or undo data of active block ${entry.id} is missing`);
  const batch = store.batch();
  const indexed = { block, txHashes: txHashesOf(block) };
  applyCoinChanges(batch, indexed, undo, disconnectBlock(block, undo));
  unindexBlock(batch, indexed, entry.height, undo);
  batch.deleteUndo(entry.hash).setTip(entry.parent.hash);
  return { batch, block };
}

/** toRecord is the stored form of an entry: the index's fields without its links. */
export function toRecord(entry: BlockRecord): BlockRecord {
  return { hash: entry.hash, header: entry.header, height: entry.height, chainwork: entry.chainwork, status: entry.status, sequence: entry.sequence };
}
