/**
 * A block's serialised bytes, kept beside the decoded block when they are at hand.
 *
 * A block from a peer arrives as bytes and is decoded once; before, the node encoded it
 * again to learn its size (checkBlock's size limit, the orphan pool's byte cap) and once
 * more to store it, and a peer asking for a stored block had it decoded and encoded
 * again. The decoder's input is exactly encodeBlock's output for that block (decoders
 * are strict: canonical encodings only, no trailing bytes), so the wire bytes can stand
 * in for the encoding. `npm run bench -- network` (initial sync) measures the path.
 *
 * The bytes are keyed by the Block object itself (a WeakMap: they go when the block
 * goes). Blocks are values nobody changes in place; a changed copy (`{ ...block, txs }`)
 * is another object and has no bytes here, so it is encoded afresh.
 */
import { encodeBlock, type Block } from '../consensus/block.js';

const wireBytes = new WeakMap<Block, Uint8Array>();

/** rememberBlockBytes records that `bytes` is the serialisation `block` was decoded from. */
export function rememberBlockBytes(block: Block, bytes: Uint8Array): Block {
  wireBytes.set(block, bytes);
  return block;
}

/** blockBytes is the serialisation of `block`: the bytes it was decoded from, else encodeBlock. */
export function blockBytes(block: Block): Uint8Array {
  return wireBytes.get(block) ?? encodeBlock(block);
}

/** blockSize is the length of blockBytes(block), without encoding a block whose bytes are known. */
export function blockSize(block: Block): number {
  return blockBytes(block).length;
}
