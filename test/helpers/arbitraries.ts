/** Test helper: fast-check generators for every consensus encoding, shared by the round-trip and fuzz tests. */
import fc from 'fast-check';
import type { Block } from '../../src/consensus/block.js';
import type { Hash32 } from '../../src/consensus/bytes.js';
import type { Coin } from '../../src/consensus/coin.js';
import type { BlockHeader } from '../../src/consensus/header.js';
import { MAX_WITNESS_SIZE, type Tx } from '../../src/consensus/tx.js';

export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** any 32 bytes taken as a hash in internal byte order */
export const hash32Arb: fc.Arbitrary<Hash32> = bytes32.map((b) => b as Hash32);
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

export const headerArb: fc.Arbitrary<BlockHeader> = fc.record({
  version: u32,
  prevHash: hash32Arb,
  merkleRoot: hash32Arb,
  time: u32,
  bits: u32,
  nonce: u32,
});

export const txArb: fc.Arbitrary<Tx> = fc.record({
  version: u32,
  inputs: fc.array(
    fc.record({
      prevout: fc.record({ txHash: hash32Arb, index: u32 }),
      witness: fc.uint8Array({ maxLength: MAX_WITNESS_SIZE }),
    }),
    { maxLength: 4 },
  ),
  outputs: fc.array(fc.record({ value: i64, pubkey: bytes32 }), { maxLength: 4 }),
  lockTime: u32,
});

export const blockArb: fc.Arbitrary<Block> = fc.record({ header: headerArb, txs: fc.array(txArb, { maxLength: 3 }) });

export const coinArb: fc.Arbitrary<Coin> = fc.record({ value: i64, pubkey: bytes32, height: u32, coinbase: fc.boolean() });
