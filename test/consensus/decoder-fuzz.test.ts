import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBlock, encodeBlock, MAX_BLOCK_DECODE_SIZE } from '../../src/consensus/block.js';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { ByteWriter } from '../../src/consensus/byte-writer.js';
import { concatBytes } from '../../src/consensus/bytes.js';
import { decodeCoin, encodeCoin } from '../../src/consensus/coin.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { decodeBlockHeader, encodeBlockHeader } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { decodeTx, encodeTx, MAX_TX_INPUTS, MAX_WITNESS_SIZE } from '../../src/consensus/tx.js';

import { blockArb, coinArb, headerArb, txArb } from '../helpers/arbitraries.js';

interface Codec {
  name: string;
  decode: (bytes: Uint8Array) => unknown;
  encode: (value: never) => Uint8Array;
  valid: fc.Arbitrary<Uint8Array>;
}

const codecs: Codec[] = [
  { name: 'decodeBlockHeader', decode: decodeBlockHeader, encode: encodeBlockHeader, valid: headerArb.map(encodeBlockHeader) },
  { name: 'decodeTx', decode: decodeTx, encode: encodeTx, valid: txArb.map(encodeTx) },
  { name: 'decodeBlock', decode: decodeBlock, encode: encodeBlock, valid: blockArb.map(encodeBlock) },
  { name: 'decodeCoin', decode: decodeCoin, encode: encodeCoin, valid: coinArb.map(encodeCoin) },
];

/**
 * The decoder contract: bytes either decode to a value that re-encodes to exactly those
 * bytes (one encoding per value), or throw DecodeError. Any other throw is a bug.
 */
function decodesCanonicallyOrThrowsDecodeError(codec: Codec, bytes: Uint8Array): void {
  let value: unknown;
  try {
    value = codec.decode(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`${codec.name} threw ${String(e)}`, { cause: e });
    return;
  }
  expect(codec.encode(value as never)).to.deep.equal(bytes);
}

/** One random edit of an encoding: flip a byte, cut the end, insert or append bytes. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

function mutate(bytes: Uint8Array, m: MutationValue): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = m.at % bytes.length;
  if (m.kind === 'flip') {
    const out = bytes.slice();
    out[at]! ^= m.xor;
    return out;
  }
  if (m.kind === 'cut') return bytes.slice(0, at);
  return concatBytes(bytes.slice(0, at), m.bytes, bytes.slice(at));
}
type MutationValue =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

describe('decoder fuzz', () => {
  for (const codec of codecs) {
    it(`${codec.name}: random bytes decode canonically or throw DecodeError, never anything else`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => decodesCanonicallyOrThrowsDecodeError(codec, bytes)),
        { numRuns: 300 },
      );
    });

    it(`${codec.name}: mutated valid encodings decode canonically or throw DecodeError`, () => {
      fc.assert(
        fc.property(codec.valid, mutation, (bytes, m) => decodesCanonicallyOrThrowsDecodeError(codec, mutate(bytes, m))),
        { numRuns: 200 },
      );
    });

    it(`${codec.name}: every truncation of a valid encoding throws DecodeError`, () => {
      fc.assert(
        fc.property(codec.valid, fc.nat(), (bytes, cut) => {
          const truncated = bytes.slice(0, cut % bytes.length);
          expect(() => codec.decode(truncated)).to.throw(DecodeError);
        }),
        { numRuns: 100 },
      );
    });

    it(`${codec.name}: a trailing byte after a valid encoding throws DecodeError`, () => {
      fc.assert(
        fc.property(codec.valid, fc.integer({ min: 0, max: 255 }), (bytes, extra) => {
          expect(() => codec.decode(concatBytes(bytes, Uint8Array.of(extra)))).to.throw(DecodeError);
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('decoder bounds', () => {
  const header = encodeBlockHeader(genesisBlock(regtest).header);

  it('fails fast on a block whose tx count claims 2^32 - 1, at the count, before reading any transaction', () => {
    const bytes = new ByteWriter().bytes(header).varint(0xffffffff).finish();
    const started = process.hrtime.bigint();
    let error: unknown;
    try {
      decodeBlock(bytes);
    } catch (e) {
      error = e;
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(error).to.be.instanceOf(DecodeError);
    expect((error as DecodeError).field).to.equal('block.txs');
    expect((error as DecodeError).offset).to.equal(80);
    expect(elapsedMs).to.be.below(1000);
  });

  it('refuses a block tx count of 2^64 - 1 (DecodeError)', () => {
    const bytes = concatBytes(header, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(() => decodeBlock(bytes)).to.throw(DecodeError);
  });

  it('refuses a tx count below the maximum that the remaining bytes cannot hold (DecodeError)', () => {
    const bytes = new ByteWriter().bytes(header).varint(1000).bytes(new Uint8Array(200)).finish();
    expect(() => decodeBlock(bytes)).to.throw(DecodeError, /cannot fit/);
  });

  it('refuses a block larger than MAX_BLOCK_DECODE_SIZE before parsing it (DecodeError)', () => {
    const oversized = new Uint8Array(MAX_BLOCK_DECODE_SIZE + 1);
    oversized.set(encodeBlock(genesisBlock(regtest)));
    expect(() => decodeBlock(oversized)).to.throw(DecodeError, /limit/);
  });

  it('refuses a transaction with more inputs than MAX_TX_INPUTS (DecodeError)', () => {
    const bytes = new ByteWriter().u32(1).varint(MAX_TX_INPUTS + 1).finish();
    expect(() => decodeTx(bytes)).to.throw(DecodeError, /above maximum/);
  });

  it(`refuses a witness longer than ${MAX_WITNESS_SIZE} bytes (DecodeError)`, () => {
    const tx = genesisBlock(regtest).txs[0]!;
    const long = { ...tx, inputs: [{ ...tx.inputs[0]!, witness: new Uint8Array(MAX_WITNESS_SIZE + 1) }] };
    expect(() => decodeTx(encodeTx(long))).to.throw(DecodeError);
    const atMax = { ...tx, inputs: [{ ...tx.inputs[0]!, witness: new Uint8Array(MAX_WITNESS_SIZE) }] };
    expect(decodeTx(encodeTx(atMax))).to.deep.equal(atMax);
  });

  it('refuses a coin whose coinbase flag is neither 0 nor 1 (DecodeError)', () => {
    const bytes = encodeCoin({ value: 1n, pubkey: new Uint8Array(32), height: 7, coinbase: true });
    bytes[bytes.length - 1] = 2;
    expect(() => decodeCoin(bytes)).to.throw(DecodeError, /coinbase/);
  });

  it('names the field and byte offset in a DecodeError', () => {
    // version 4 + input count 1 + txid 32 + index 4: the witness length at byte 41 claims more than is left.
    const bytes = encodeTx(genesisBlock(regtest).txs[0]!).slice(0, 45);
    let error: unknown;
    try {
      decodeTx(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DecodeError);
    expect((error as DecodeError).field).to.equal('tx.inputs[0].witness');
    expect((error as DecodeError).offset).to.equal(41);
    expect((error as DecodeError).message).to.match(/^tx\.inputs\[0\]\.witness at byte 41: /);
  });
});
