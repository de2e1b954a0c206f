import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { bytesToHex, hexToBytes, toDisplayHex, type Hash32 } from '../../src/consensus/bytes.js';
import {
  blockId,
  decodeBlockHeader,
  encodeBlockHeader,
  HEADER_SIZE,
  headerHash,
} from '../../src/consensus/header.js';
import { bitcoinMainnetPow } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';

interface HeaderVector {
  height: number;
  hash: string;
  hex: string;
  source: string;
}
interface HeaderVectors {
  headers: HeaderVector[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/bitcoin-headers.json', import.meta.url), 'utf8'),
) as HeaderVectors;

describe('block header encoding (real Bitcoin headers)', () => {
  for (const v of vectors.headers) {
    it(`block ${v.height}: decodes, hashes to ${v.hash.slice(0, 16)}… and re-encodes to the same 80 bytes`, () => {
      const header = decodeBlockHeader(hexToBytes(v.hex));
      expect(blockId(header)).to.equal(v.hash);
      expect(toDisplayHex(headerHash(header))).to.equal(v.hash);
      expect(bytesToHex(encodeBlockHeader(header))).to.equal(v.hex);
    });

    it(`block ${v.height}: meets the target of its own bits`, () => {
      const header = decodeBlockHeader(hexToBytes(v.hex));
      expect(checkProofOfWork(v.hash, header.bits, bitcoinMainnetPow)).to.deep.equal({ ok: true });
    });
  }

  it('links each header to its parent by prevHash', () => {
    const byHeight = new Map(vectors.headers.map((v) => [v.height, v]));
    let links = 0;
    for (const v of vectors.headers) {
      const parent = byHeight.get(v.height - 1);
      if (!parent) continue;
      expect(toDisplayHex(decodeBlockHeader(hexToBytes(v.hex)).prevHash)).to.equal(parent.hash);
      links++;
    }
    expect(links).to.be.at.least(10);
  });

  it('reads the genesis fields at their Bitcoin offsets (little-endian)', () => {
    const genesis = decodeBlockHeader(hexToBytes(vectors.headers.find((v) => v.height === 0)!.hex));
    expect(genesis.version).to.equal(1);
    expect(genesis.prevHash.every((b) => b === 0)).to.equal(true);
    expect(toDisplayHex(genesis.merkleRoot)).to.equal('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
    expect(genesis.time).to.equal(1231006505);
    expect(genesis.bits).to.equal(0x1d00ffff);
    expect(genesis.nonce).to.equal(2083236893);
  });

  it('rejects a changed nonce as no longer meeting the target (high-hash)', () => {
    const header = decodeBlockHeader(hexToBytes(vectors.headers.find((v) => v.height === 1)!.hex));
    const verdict = checkProofOfWork(headerHash({ ...header, nonce: (header.nonce ^ 1) >>> 0 }), header.bits, bitcoinMainnetPow);
    expect(verdict).to.deep.include({ ok: false, reason: 'high-hash' });
  });
});

describe('block header decoding is strict', () => {
  const bytes = hexToBytes(vectors.headers[0]!.hex);

  it('throws DecodeError for a truncated header (79 bytes)', () => {
    expect(() => decodeBlockHeader(bytes.slice(0, HEADER_SIZE - 1))).to.throw(DecodeError);
  });

  it('throws DecodeError for a header with a trailing byte (81 bytes)', () => {
    const padded = new Uint8Array(HEADER_SIZE + 1);
    padded.set(bytes);
    expect(() => decodeBlockHeader(padded)).to.throw(DecodeError);
  });

  it('throws DecodeError for empty input', () => {
    expect(() => decodeBlockHeader(new Uint8Array(0))).to.throw(DecodeError);
  });

  it('refuses to encode hashes that are not 32 bytes (TypeError)', () => {
    const header = decodeBlockHeader(bytes);
    expect(() => encodeBlockHeader({ ...header, prevHash: new Uint8Array(31) as Hash32 })).to.throw(TypeError);
  });

  it('returns fields that do not alias the input buffer', () => {
    const input = bytes.slice();
    const header = decodeBlockHeader(input);
    input.fill(0xaa);
    expect(toDisplayHex(header.merkleRoot)).to.equal('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
  });
});
