/**
 * Block templates: the coinbase, the transactions taken from the mempool by fee rate,
 * the merkle root and a header ready for the nonce search.
 *
 * Coinbase data (the coinbase input's witness): the block height as u32 little-endian
 * (BIP34-style, checked by checkBlockContext), then the extra nonce as u64
 * little-endian, then a short tag. The extra nonce is what the miner rolls when the
 * 32-bit nonce range is exhausted: it changes the coinbase txid, so the merkle root,
 * so the header. Bitcoin: IncrementExtraNonce in Core's miner does the same.
 */
import type { Block } from '../consensus/block.js';
import { ZERO_HASH, concatBytes, hash32, type Hash32 } from '../consensus/bytes.js';
import { encodeBlockHeader, HEADER_SIZE, type BlockHeader } from '../consensus/header.js';
import { merkleRoot } from '../consensus/merkle.js';
import type { NetworkParams } from '../consensus/params.js';
import { compactToTarget } from '../consensus/pow.js';
import { blockSubsidy, moneyRange } from '../consensus/subsidy.js';
import { NULL_INDEX, txHash, type Tx } from '../consensus/tx.js';
import { timewarpFloor } from '../consensus/timewarp.js';
import type { MempoolSource, MiningChain } from './mining-chain.js';

/** The version field of mined headers. */
export const BLOCK_VERSION = 1;
/** Written after the height and extra nonce in every coinbase we mine. */
export const COINBASE_TAG = new TextEncoder().encode('/toychain/');
/** Bytes kept free for the transaction count (9) and the coinbase when filling a block from the mempool. */
const COINBASE_RESERVE = 9 + 256;

export interface BlockTemplate {
  height: number;
  /** the tip this template builds on */
  prevHash: Hash32;
  bits: number;
  /** the target `bits` encodes */
  target: bigint;
  /** lowest valid time: the tip's median time past + 1 */
  minTime: number;
  /** every transaction, the coinbase first */
  txs: Tx[];
  /** fees of the mempool transactions, paid to the miner with the subsidy */
  fees: bigint;
  subsidy: bigint;
  extraNonce: bigint;
  /** the header with nonce 0 */
  header: BlockHeader;
}

export interface TemplateOptions {
  params: NetworkParams;
  /** x-only public key the coinbase pays */
  minerPubkey: Uint8Array;
  /** the node's clock, Unix seconds */
  now: number;
  extraNonce?: bigint;
}

/**
 * coinbaseTx builds the coinbase of a block at `height` paying `value` to `pubkey`,
 * with the height and the extra nonce committed in its witness (14..100 bytes as
 * bad-cb-length requires).
 */
export function coinbaseTx(height: number, pubkey: Uint8Array, value: bigint, extraNonce: bigint): Tx {
  if (pubkey.length !== 32) throw new TypeError('coinbaseTx: pubkey must be 32 bytes');
  if (extraNonce < 0n || extraNonce >= 1n << 64n) throw new RangeError('coinbaseTx: extraNonce must be a u64');
  const data = new Uint8Array(12);
  const view = new DataView(data.buffer);
  view.setUint32(0, height, true);
  view.setBigUint64(4, extraNonce, true);
  return {
    version: 1,
    inputs: [{ prevout: { txHash: hash32(ZERO_HASH.slice()), index: NULL_INDEX }, witness: concatBytes(data, COINBASE_TAG) }],
    outputs: [{ value, pubkey: pubkey.slice() }],
    lockTime: 0,
  };
}

/**
 * buildTemplate makes a template for the block on the chain's tip: bits from the
 * retarget rule, time = max(now, median time past + 1, BIP94's floor at a retarget height), mempool transactions up to
 * the block size limit, and a coinbase paying subsidy + fees to the miner.
 */
export function buildTemplate(chain: MiningChain, mempool: MempoolSource, opts: TemplateOptions): BlockTemplate {
  const tip = chain.tip();
  const height = tip.height + 1;
  const bits = chain.nextBits();
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow) throw new Error(`buildTemplate: the chain asks for invalid bits 0x${bits.toString(16)}`);
  // Honest miners must respect BIP94 too: a parent stamped ahead of our clock would
  // otherwise make our first block of a period look like a time warp.
  const minTime = Math.max(chain.medianTimePast() + 1, timewarpFloor(height, tip.header.time, opts.params) ?? 0);
  const maxBytes = opts.params.maxBlockSize - HEADER_SIZE - COINBASE_RESERVE;
  const selected = mempool.selectTransactions(Math.max(0, maxBytes));
  let fees = 0n;
  for (const { fee } of selected) fees += fee;
  if (!moneyRange(fees)) throw new Error('buildTemplate: mempool fees out of money range');
  const subsidy = blockSubsidy(height, opts.params);
  const extraNonce = opts.extraNonce ?? 0n;
  const coinbase = coinbaseTx(height, opts.minerPubkey, subsidy + fees, extraNonce);
  const txs = [coinbase, ...selected.map((c) => c.tx)];
  const header: BlockHeader = {
    version: BLOCK_VERSION,
    prevHash: tip.hash.slice() as Hash32,
    merkleRoot: merkleRoot(txs.map(txHash)).root,
    time: Math.max(opts.now, minTime),
    bits,
    nonce: 0,
  };
  return { height, prevHash: header.prevHash, bits, target, minTime, txs, fees, subsidy, extraNonce, header };
}

/**
 * withExtraNonce returns the template with a new extra nonce: a new coinbase, so a new
 * merkle root and a header with a fresh 2^32 nonce space.
 */
export function withExtraNonce(template: BlockTemplate, extraNonce: bigint): BlockTemplate {
  const old = template.txs[0]!;
  const coinbase = coinbaseTx(template.height, old.outputs[0]!.pubkey, old.outputs[0]!.value, extraNonce);
  const txs = [coinbase, ...template.txs.slice(1)];
  const header = { ...template.header, merkleRoot: merkleRoot(txs.map(txHash)).root };
  return { ...template, txs, extraNonce, header };
}

/** withTime returns the template with the header time refreshed to max(now, minTime). */
export function withTime(template: BlockTemplate, now: number): BlockTemplate {
  return { ...template, header: { ...template.header, time: Math.max(now, template.minTime) } };
}

/** headerBytes is the 80-byte header of the template, the nonce search's input. */
export function headerBytes(template: BlockTemplate): Uint8Array {
  return encodeBlockHeader(template.header);
}

/** blockFromTemplate is the block with the found nonce. */
export function blockFromTemplate(template: BlockTemplate, nonce: number): Block {
  return { header: { ...template.header, nonce }, txs: template.txs };
}
