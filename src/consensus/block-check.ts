/**
 * Block validity in Bitcoin Core's order: context-free checks first (checkBlockHeader,
 * checkBlock), then the checks that need earlier headers (checkBlockHeaderContext,
 * checkBlockContext). The UTXO checks are connectBlock's, in utxo.ts.
 */
import { encodeBlock, type Block } from './block.js';
import { equalBytes, toDisplayHex, type Hash32 } from './bytes.js';
import { headerHash, type BlockHeader } from './header.js';
import { checkBlockTime } from './median-time.js';
import { merkleRoot } from './merkle.js';
import type { NetworkParams } from './params.js';
import { checkProofOfWork } from './pow.js';
import { reject, type Verdict } from './reasons.js';
import { checkTransaction } from './tx-check.js';
import { isCoinbase, txHash } from './tx.js';

/**
 * checkBlockHeader ensures the header's hash meets the target its own bits encode,
 * and that target is no easier than powLimit. Cheap, so it runs before anything else
 * a peer sends is looked at. @see Core CheckBlockHeader. Rejects: high-hash. Context-free.
 */
export function checkBlockHeader(header: BlockHeader, params: NetworkParams): Verdict {
  return checkProofOfWork(headerHash(header), header.bits, params);
}

/**
 * checkBlock ensures a block is well-formed on its own: proof of work, the merkle root
 * commits to exactly these transactions, size and count limits, one coinbase and it
 * first, and every transaction sane. @see Core CheckBlock.
 * Rejects: high-hash, bad-txnmrklroot, bad-txns-duplicate, bad-blk-length,
 * bad-cb-missing, bad-cb-multiple and every reason of checkTransaction. Context-free.
 * `size` is the block's serialised length; a caller holding the bytes the block was
 * decoded from passes their length, which saves encoding the block again (it MUST be
 * encodeBlock(block).length, the default). Likewise `hash`, the header's hash when the
 * caller has it (it MUST be headerHash(block.header), the default).
 */
export function checkBlock(block: Block, params: NetworkParams, size: number = encodeBlock(block).length, hash: Hash32 = headerHash(block.header)): Verdict {
  const pow = checkProofOfWork(hash, block.header.bits, params);
  if (!pow.ok) return pow;

  // The merkle root must commit to the transactions, so the body cannot be swapped.
  const { root, mutated } = merkleRoot(block.txs.map(txHash));
  if (!equalBytes(root, block.header.merkleRoot)) {
    return reject('bad-txnmrklroot', `merkle root ${toDisplayHex(root)} does not match header ${toDisplayHex(block.header.merkleRoot)}`);
  }
  // A repeated last transaction keeps the root (CVE-2012-2459): refuse the mutated
  // form without recording the block hash as invalid, since the real block may be valid.
  if (mutated) return reject('bad-txns-duplicate', 'duplicate transaction in merkle tree');

  // Size limits: at least one transaction, and no more bytes than the network allows.
  if (block.txs.length === 0 || size > params.maxBlockSize) {
    return reject('bad-blk-length', `${block.txs.length} transactions, ${size} bytes (limit ${params.maxBlockSize})`);
  }

  // The first transaction must be a coinbase, and only the first.
  if (!isCoinbase(block.txs[0]!)) return reject('bad-cb-missing', 'first transaction is not a coinbase');
  for (let i = 1; i < block.txs.length; i++) {
    if (isCoinbase(block.txs[i]!)) return reject('bad-cb-multiple', `transaction ${i} is a second coinbase`);
  }

  for (let i = 0; i < block.txs.length; i++) {
    const v = checkTransaction(block.txs[i]!, params);
    if (!v.ok) return { ok: false, reason: v.reason, debug: `tx ${i}: ${v.debug ?? v.reason}` };
  }
  return { ok: true };
}

/** What the header rules need to know about the chain a header extends. */
export interface HeaderContext {
  /** the bits the retarget rule requires at this height (getNextWorkRequired) */
  expectedBits: number;
  /** median time of the previous 11 blocks (medianTimePast) */
  medianTimePast: number;
  /** the node's clock, Unix seconds (injected: consensus reads no clock) */
  now: number;
}

/**
 * checkBlockHeaderContext ensures bits is the retarget result and time exceeds the
 * median of the previous 11 blocks without running ahead of the clock.
 * @see Core ContextualCheckBlockHeader. Rejects: bad-diffbits, time-too-old,
 * time-too-new (not permanent). Needs: previous headers, now.
 */
export function checkBlockHeaderContext(header: BlockHeader, ctx: HeaderContext, params: NetworkParams): Verdict {
  if (header.bits !== ctx.expectedBits) {
    return reject('bad-diffbits', `bits 0x${header.bits.toString(16)}, expected 0x${ctx.expectedBits.toString(16)}`);
  }
  return checkBlockTime(header.time, ctx.medianTimePast, ctx.now, params);
}

/**
 * coinbaseHeight reads the height a coinbase commits to: the first 4 bytes of its
 * witness, u32 little-endian. Differs from Bitcoin: BIP34 pushes a script number; a
 * fixed-width integer is easier to read by hand and serves the same purpose.
 */
export function coinbaseHeight(coinbaseWitness: Uint8Array): number | undefined {
  if (coinbaseWitness.length < 4) return undefined;
  return new DataView(coinbaseWitness.buffer, coinbaseWitness.byteOffset, 4).getUint32(0, true);
}

/**
 * checkBlockContext ensures the coinbase commits to the block's height, which makes
 * every coinbase (and so every txid) unique: two coinbases paying the same key could
 * otherwise share a txid and overwrite each other's outputs (BIP30's double spend).
 * @see Core ContextualCheckBlock, BIP34. Rejects: bad-cb-height. Needs: the block's height.
 * The block MUST have passed checkBlock.
 */
export function checkBlockContext(block: Block, height: number): Verdict {
  const committed = coinbaseHeight(block.txs[0]!.inputs[0]!.witness);
  if (committed !== height) {
    return reject('bad-cb-height', `coinbase commits to height ${committed ?? 'none'}, block is at ${height}`);
  }
  return { ok: true };
}
