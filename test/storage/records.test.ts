import { expect } from 'chai';
import fc from 'fast-check';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { concatBytes, hash32 } from '../../src/consensus/bytes.js';
import type { SpentCoin } from '../../src/consensus/coin.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { BLOCK_RECORD_SIZE, decodeBlockRecord, decodeUndo, encodeBlockRecord, encodeUndo } from '../../src/storage/records.js';
import { BlockStatus, type BlockRecord } from '../../src/storage/store.js';
import { coinArb, hash32Arb, headerArb, u32 } from '../helpers/arbitraries.js';

const KNOWN_STATUS = BlockStatus.HAVE_DATA | BlockStatus.VALID | BlockStatus.FAILED | BlockStatus.FAILED_PARENT;

const recordArb: fc.Arbitrary<BlockRecord> = fc.record({
  hash: hash32Arb,
  header: headerArb,
  height: u32,
  chainwork: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  status: fc.integer({ min: 0, max: KNOWN_STATUS }),
  sequence: u32,
});

const undoArb: fc.Arbitrary<SpentCoin[]> = fc.array(
  fc.record({ outpoint: fc.record({ txHash: hash32Arb, index: u32 }), coin: coinArb }),
  { maxLength: 300 }, // past 252, so the count takes the 3-byte CompactSize form
);

function genesisRecord(): BlockRecord {
  const { header } = genesisBlock(regtest);
  return { hash: headerHash(header), header, height: 0, chainwork: 2n, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, sequence: 0 };
}

function spentCoin(fill: number, index: number): SpentCoin {
  return {
    outpoint: { txHash: hash32(new Uint8Array(32).fill(fill)), index },
    coin: { value: 50_0000_0000n, pubkey: new Uint8Array(32).fill(fill + 1), height: 7, coinbase: true },
  };
}

/** Runs a decoder and returns the DecodeError it throws, failing the test if it throws anything else or nothing. */
function decodeError(decode: () => unknown): DecodeError {
  try {
    decode();
  } catch (e) {
    expect(e).to.be.instanceOf(DecodeError);
    return e as DecodeError;
  }
  expect.fail('expected a DecodeError');
}

describe('block record encoding', () => {
  it('is header 80 | height u32 | chainwork 32 | status u8 | sequence u32', () => {
    const record = { ...genesisRecord(), height: 0x01020304, chainwork: 0x0506n, status: BlockStatus.VALID, sequence: 0x0a0b0c0d };
    const bytes = encodeBlockRecord(record);
    expect(bytes.length).to.equal(BLOCK_RECORD_SIZE).and.equal(121);
    expect([...bytes.subarray(80, 84)]).to.deep.equal([4, 3, 2, 1]);
    expect([...bytes.subarray(84, 87)]).to.deep.equal([6, 5, 0]);
    expect(bytes[116]).to.equal(BlockStatus.VALID);
    expect([...bytes.subarray(117)]).to.deep.equal([0x0d, 0x0c, 0x0b, 0x0a]);
  });

  it('round-trips the genesis record', () => {
    const record = genesisRecord();
    expect(decodeBlockRecord(record.hash, encodeBlockRecord(record))).to.deep.equal(record);
  });

  it('round-trips any record (property)', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(decodeBlockRecord(record.hash, encodeBlockRecord(record))).to.deep.equal(record);
      }),
    );
  });

  it('rejects every truncation with a DecodeError', () => {
    const bytes = encodeBlockRecord(genesisRecord());
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeError(() => decodeBlockRecord(new Uint8Array(32), bytes.subarray(0, length))).message).to.contain('truncated');
    }
  });

  it('rejects a trailing byte with a DecodeError', () => {
    const bytes = concatBytes(encodeBlockRecord(genesisRecord()), Uint8Array.of(0));
    const error = decodeError(() => decodeBlockRecord(new Uint8Array(32), bytes));
    expect(error.field).to.equal('record');
    expect(error.offset).to.equal(BLOCK_RECORD_SIZE);
  });

  it('rejects unknown status bits with a DecodeError', () => {
    const bytes = encodeBlockRecord(genesisRecord());
    bytes[116] = 0x10;
    const error = decodeError(() => decodeBlockRecord(new Uint8Array(32), bytes));
    expect(error.field).to.equal('record.status');
    expect(error.offset).to.equal(116);
  });

  it('refuses to encode unknown status bits', () => {
    expect(() => encodeBlockRecord({ ...genesisRecord(), status: 0x20 })).to.throw(RangeError);
  });
});

describe('undo encoding', () => {
  it('is a CompactSize count then txid 32 | index u32 | coin for each spent coin', () => {
    const bytes = encodeUndo([spentCoin(1, 0x0102)]);
    expect(bytes.length).to.equal(1 + 32 + 4 + 45);
    expect(bytes[0]).to.equal(1);
    expect([...bytes.subarray(33, 37)]).to.deep.equal([2, 1, 0, 0]);
  });

  it('encodes no spent coins as a single zero byte', () => {
    expect([...encodeUndo([])]).to.deep.equal([0]);
    expect(decodeUndo(Uint8Array.of(0))).to.deep.equal([]);
  });

  it('keeps the spending order', () => {
    const undo = [spentCoin(9, 1), spentCoin(1, 0), spentCoin(5, 3)];
    expect(decodeUndo(encodeUndo(undo))).to.deep.equal(undo);
  });

  it('round-trips any undo data (property)', () => {
    fc.assert(
      fc.property(undoArb, (undo) => {
        expect(decodeUndo(encodeUndo(undo))).to.deep.equal(undo);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects every truncation with a DecodeError', () => {
    const bytes = encodeUndo([spentCoin(1, 0), spentCoin(2, 1)]);
    for (let length = 0; length < bytes.length; length++) decodeError(() => decodeUndo(bytes.subarray(0, length)));
  });

  it('rejects a trailing byte with a DecodeError', () => {
    const bytes = concatBytes(encodeUndo([spentCoin(1, 0)]), Uint8Array.of(0));
    const error = decodeError(() => decodeUndo(bytes));
    expect(error.field).to.equal('undo');
    expect(error.offset).to.equal(bytes.length - 1);
  });

  it('rejects a count the remaining bytes cannot hold, before reading any coin', () => {
    const bytes = encodeUndo([spentCoin(1, 0)]);
    bytes[0] = 2;
    const error = decodeError(() => decodeUndo(bytes));
    expect(error.field).to.equal('undo.count');
    expect(error.offset).to.equal(0);
  });

  it('rejects a non-canonical CompactSize count', () => {
    const bytes = concatBytes(Uint8Array.of(0xfd, 1, 0), encodeUndo([spentCoin(1, 0)]).subarray(1));
    expect(decodeError(() => decodeUndo(bytes)).message).to.contain('non-canonical');
  });

  it('rejects a coinbase flag other than 0 or 1', () => {
    const bytes = encodeUndo([spentCoin(1, 0)]);
    bytes[bytes.length - 1] = 2;
    expect(decodeError(() => decodeUndo(bytes)).field).to.equal('undo[0].coin.coinbase');
  });
});
