/**
 * The merkle root of a block's transactions, as Bitcoin computes it: pair the tx hashes
 * level by level with sha256d, duplicating the last one of an odd level.
 */
import { concatBytes, equalBytes, ZERO_HASH, type Hash32 } from './bytes.js';
import { sha256d } from './hash.js';

/**
 * merkleRoot computes the merkle root of transaction hashes (internal byte order) and reports
 * `mutated` when two identical hashes are paired at any level: Bitcoin's duplication
 * of an odd level's last node lets a different transaction list ([a,b,c] and
 * [a,b,c,c]) have the same root, which an attacker can use to get a valid block
 * marked invalid (CVE-2012-2459). An empty list gives the zero hash.
 * @see Core ComputeMerkleRoot.
 */
export function merkleRoot(txHashes: readonly Uint8Array[]): { root: Hash32; mutated: boolean } {
  if (txHashes.length === 0) return { root: ZERO_HASH.slice() as Hash32, mutated: false };
  let level = txHashes.slice();
  let mutated = false;
  while (level.length > 1) {
    for (let pos = 0; pos + 1 < level.length; pos += 2) {
      if (equalBytes(level[pos]!, level[pos + 1]!)) mutated = true;
    }
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let pos = 0; pos < level.length; pos += 2) {
      next.push(sha256d(concatBytes(level[pos]!, level[pos + 1]!)));
    }
    level = next;
  }
  return { root: level[0]!.slice() as Hash32, mutated };
}
