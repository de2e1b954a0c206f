import { bytesToBigIntLE } from '../../src/consensus/bytes.js';
import { sha256d } from '../../src/consensus/hash.js';
import type { HeaderSearch } from '../../src/node/network-create.js';

/** jsSearch: a plain JavaScript nonce search (the kernel has its own tests), enough for the easy bits of a created network. */
export const jsSearch: HeaderSearch = async (header, target) => {
  const h = Uint8Array.from(header);
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    new DataView(h.buffer).setUint32(76, nonce, true);
    if (bytesToBigIntLE(sha256d(h)) <= target) return nonce;
  }
  return null;
};
