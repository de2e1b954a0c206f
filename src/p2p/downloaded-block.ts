/**
 * What sync works out of a block that arrives, before and after the chain sees it: its
 * id, hashed once per header object (the peer needs it to admit the frame, sync again
 * to handle it), and whether its body matches its header (a duplicate's body is not
 * looked at by the chain, but one that does not match is junk its sender built).
 */
import type { Block } from '../consensus/block.js';
import { equalBytes, toDisplayHex, type DisplayHex } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import { merkleRoot } from '../consensus/merkle.js';
import { wireHeaderHash, wireTxHashes } from './wire-hash.js';

/**
 * bodyMatchesHeader: the transactions hash to the header's merkle root, without
 * CVE-2012-2459 duplicates. The hashes are native and remembered with the block
 * (wireTxHashes), so the block's checks and connect do not hash its transactions again.
 */
export function bodyMatchesHeader(block: Block): boolean {
  const { root, mutated } = merkleRoot(wireTxHashes(block));
  return !mutated && equalBytes(root, block.header.merkleRoot);
}

/**
 * blockIdOf is blockId, hashed once per header object: a block's id is needed when
 * the peer admits the frame (expects) and again when the block is handled (onBlock).
 */
const blockIds = new WeakMap<BlockHeader, DisplayHex>();
export function blockIdOf(header: BlockHeader): DisplayHex {
  let id = blockIds.get(header);
  if (id === undefined) {
    const hash = wireHeaderHash(header); // remembered for the chain
    id = toDisplayHex(hash);
    blockIds.set(header, id);
  }
  return id;
}
