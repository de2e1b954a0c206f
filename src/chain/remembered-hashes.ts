/**
 * Hashes remembered with the object they hash: a header's hash, and a block's transaction
 * hashes, each computed once per object. A header from a peer is hashed when
 * its frame is admitted (is it a block we asked for?), then again by the header
 * checks, the presync and the chain: up to five sha256d of the same 80 bytes on one
 * path (`npm run bench -- network`, initial sync). The p2p layer, which decodes the
 * header, remembers its hash here; the chain looks it up and hashes only headers it
 * was not told about.
 *
 * Only decoded headers are remembered: those are values nobody changes in place, while
 * a header being mined has its nonce changed, so a hash is never computed and kept for
 * an object the caller may still change. The map is weak: the hash goes with the header.
 */
import type { Block } from '../consensus/block.js';
import type { Hash32 } from '../consensus/bytes.js';
import { headerHash, type BlockHeader } from '../consensus/header.js';
import { txHash } from '../consensus/tx.js';

const hashes = new WeakMap<BlockHeader, Hash32>();

/** rememberHeaderHash records `hash` as headerHash(header). The caller MUST have computed it from this header, which no one changes. */
export function rememberHeaderHash(header: BlockHeader, hash: Hash32): void {
  hashes.set(header, hash);
}

/** hashOfHeader is headerHash(header), without hashing a header whose hash was remembered. */
export function hashOfHeader(header: BlockHeader): Hash32 {
  return hashes.get(header) ?? headerHash(header);
}

/*
 * The same for a block's transaction hashes (the merkle root's leaves, the coins'
 * outpoints): a block relayed ahead of its connect is hashed by the relay check, and
 * its connect must not hash it again.
 */
const txHashes = new WeakMap<Block, readonly Hash32[]>();

/** rememberTxHashes records `hashes` as txHash of each of block's transactions, in order. The caller MUST have computed them from this block, which no one changes. */
export function rememberTxHashes(block: Block, hashes: readonly Hash32[]): void {
  txHashes.set(block, hashes);
}

/** rememberedTxHashes is what rememberTxHashes recorded for block, if anything. */
export function rememberedTxHashes(block: Block): readonly Hash32[] | undefined {
  return txHashes.get(block);
}

/** txHashesOf is txHash of each of block's transactions, without hashing a block whose hashes were remembered. */
export function txHashesOf(block: Block): readonly Hash32[] {
  return txHashes.get(block) ?? block.txs.map((tx) => txHash(tx));
}
