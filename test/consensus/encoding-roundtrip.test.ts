import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBlock, encodeBlock, type Block } from '../../src/consensus/block.js';
import { ByteReader, DecodeError } from '../../src/consensus/byte-reader.js';
import { ByteWriter, varintSize } from '../../src/consensus/byte-writer.js';
import { bytesToHex, hexToBytes } from '../../src/consensus/bytes.js';
import { COIN_SIZE, decodeCoin, encodeCoin } from '../../src/consensus/coin.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { decodeBlockHeader, encodeBlockHeader, HEADER_SIZE } from '../../src/consensus/header.js';
import { demo, regtest } from '../../src/consensus/params.js';
import { decodeTx, encodeTx, type Tx } from '../../src/consensus/tx.js';

import { blockArb, coinArb, headerArb, txArb } from '../helpers/arbitraries.js';

/** CompactSize values, weighted towards the boundaries between its four forms. */
const varintArb = fc.oneof(
  fc.constantFrom(0, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffff, 0x100000000, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.maxSafeNat(),
);

describe('encoding round trips', () => {
  it('header: decode(encode(h)) = h and every header is exactly 80 bytes', () => {
    fc.assert(
      fc.property(headerArb, (header) => {
        const bytes = encodeBlockHeader(header);
        expect(bytes.length).to.equal(HEADER_SIZE);
        expect(decodeBlockHeader(bytes)).to.deep.equal(header);
      }),
    );
  });

  it('header: encode(decode(b)) = b for any 80 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 80, maxLength: 80 }), (bytes) => {
        expect(encodeBlockHeader(decodeBlockHeader(bytes))).to.deep.equal(bytes);
      }),
    );
  });

  it('tx: decode(encode(tx)) = tx and re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        const bytes = encodeTx(tx);
        const decoded = decodeTx(bytes);
        expect(decoded).to.deep.equal(tx);
        expect(encodeTx(decoded)).to.deep.equal(bytes);
      }),
    );
  });

  it('block: decode(encode(block)) = block and re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(blockArb, (block) => {
        const bytes = encodeBlock(block);
        const decoded = decodeBlock(bytes);
        expect(decoded).to.deep.equal(block);
        expect(encodeBlock(decoded)).to.deep.equal(bytes);
      }),
      { numRuns: 50 },
    );
  });

  it('block: decodes a block holding an empty transaction (the rules, not the decoder, reject it)', () => {
    const empty: Tx = { version: 1, inputs: [], outputs: [], lockTime: 0 };
    const block: Block = { header: genesisBlock(regtest).header, txs: [empty, empty] };
    expect(decodeBlock(encodeBlock(block))).to.deep.equal(block);
  });

  it('coin: decode(encode(coin)) = coin in exactly COIN_SIZE bytes', () => {
    fc.assert(
      fc.property(coinArb, (coin) => {
        const bytes = encodeCoin(coin);
        expect(bytes.length).to.equal(COIN_SIZE);
        expect(decodeCoin(bytes)).to.deep.equal(coin);
      }),
    );
  });

  it('CompactSize: read(write(n)) = n in varintSize(n) bytes', () => {
    fc.assert(
      fc.property(varintArb, (n) => {
        const bytes = new ByteWriter(1).varint(n).finish();
        expect(bytes.length).to.equal(varintSize(n));
        const reader = new ByteReader(bytes);
        expect(reader.varint('n')).to.equal(n);
        reader.end('n');
      }),
    );
  });

  it('CompactSize: uses the Bitcoin byte layouts at each boundary', () => {
    const hex = (n: number): string => bytesToHex(new ByteWriter().varint(n).finish());
    expect(hex(0xfc)).to.equal('fc');
    expect(hex(0xfd)).to.equal('fdfd00');
    expect(hex(0xffff)).to.equal('fdffff');
    expect(hex(0x10000)).to.equal('fe00000100');
    expect(hex(0xffffffff)).to.equal('feffffffff');
    expect(hex(0x100000000)).to.equal('ff0000000001000000');
  });

  it('CompactSize: refuses non-minimal encodings (DecodeError), so each value has one encoding', () => {
    for (const bad of ['fdfc00', 'feffff0000', 'ffffffffff00000000']) {
      expect(() => new ByteReader(hexToBytes(bad)).varint('n'), bad).to.throw(DecodeError);
    }
    expect(() => new ByteReader(hexToBytes('fd0000')).varint('n')).to.throw(DecodeError);
  });

  it('CompactSize: refuses a 64-bit count above 2^53 - 1 (DecodeError, not a lossy number)', () => {
    expect(() => new ByteReader(hexToBytes('ffffffffffffffffff')).varint('n')).to.throw(DecodeError);
  });

  it('CompactSize: the writer refuses negative, fractional and unsafe values (RangeError)', () => {
    expect(() => new ByteWriter().varint(-1)).to.throw(RangeError);
    expect(() => new ByteWriter().varint(1.5)).to.throw(RangeError);
    expect(() => new ByteWriter().varint(2 ** 53)).to.throw(RangeError);
  });

  for (const params of [regtest, demo]) {
    it(`${params.name} genesis block: round-trips through its canonical bytes`, () => {
      const block = genesisBlock(params);
      const bytes = encodeBlock(block);
      expect(decodeBlock(bytes)).to.deep.equal(block);
    });
  }
});
