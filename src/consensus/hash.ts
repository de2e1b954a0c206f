/** Hashing used by consensus: Bitcoin's double SHA-256 and BIP340-style tagged hashes. */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export { sha256 };

/**
 * sha256d is SHA-256 applied twice, the hash of block headers, transactions and
 * merkle nodes. @see Core Hash / CHash256.
 */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/**
 * taggedHash is BIP340's hash_tag(x) = SHA256(SHA256(tag) || SHA256(tag) || x), which
 * keeps hashes made for one purpose from being valid for another. @see BIP340.
 */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const tagHash = sha256(utf8ToBytes(tag));
  const h = sha256.create().update(tagHash).update(tagHash);
  for (const p of parts) h.update(p);
  return h.digest();
}
