/**
 * The double SHA-256 of what arrives on the wire, through node:crypto (OpenSSL, native)
 * instead of the consensus layer's @noble/hashes: the same function (a test checks it
 * against consensus sha256d), but a fresh node meets thousands of these during initial
 * sync (a frame checksum, a header hash per header and per block), and the JavaScript
 * hash runs cold for its first thousand calls: about 25 µs per 80-byte header then, where
 * the native one costs 1 to 2 µs from the start (`node --cpu-prof` of a fresh node
 * syncing in `npm run bench -- network`, (b)). Consensus stays on noble: it is pure and
 * runs in the browser too.
 */
import { createHash } from 'node:crypto';
import { hash32, type Hash32 } from '../consensus/bytes.js';
import { rememberedTxHashes, rememberHeaderHash, rememberTxHashes } from '../chain/remembered-hashes.js';
import type { Block } from '../consensus/block.js';
import { encodeBlockHeader, type BlockHeader } from '../consensus/header.js';
import { encodeTx } from '../consensus/tx.js';

/** wireSha256d is sha256d(data), natively. */
export function wireSha256d(data: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(data).digest();
  const twice = createHash('sha256').update(once).digest();
  return new Uint8Array(twice.buffer, twice.byteOffset, twice.byteLength);
}

/** wireHeaderHash is headerHash(header), natively, remembered for the chain (remembered-hashes.ts) so nothing hashes it again. */
export function wireHeaderHash(header: BlockHeader): Hash32 {
  const hash = hash32(Uint8Array.from(wireSha256d(encodeBlockHeader(header))));
  rememberHeaderHash(header, hash);
  return hash;
}

/** wireTxHashes is txHash of each of block's transactions, natively, remembered for the chain (remembered-hashes.ts) so its connect does not hash them again. */
export function wireTxHashes(block: Block): readonly Hash32[] {
  // A block that arrives is both body-checked (sync) and relayed ahead (relay): hash it once.
  const known = rememberedTxHashes(block);
  if (known !== undefined) return known;
  const hashes = block.txs.map((tx) => hash32(Uint8Array.from(wireSha256d(encodeTx(tx)))));
  rememberTxHashes(block, hashes);
  return hashes;
}
