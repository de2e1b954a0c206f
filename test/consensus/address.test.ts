import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { decodeAddress, encodeAddress } from '../../src/consensus/address.js';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { bytesToHex, hexToBytes } from '../../src/consensus/bytes.js';
import { demo, regtest } from '../../src/consensus/params.js';

interface Bip350 {
  validBech32m: string[];
  invalidBech32m: { string: string; reason: string }[];
  validAddresses: { address: string; scriptPubKey: string }[];
  invalidAddresses: { address: string; reason: string }[];
}

/** The BIP350 vectors (test/vectors/README.md names their source). */
const bip350 = JSON.parse(
  readFileSync(new URL('../../../test/vectors/bip350.json', import.meta.url), 'utf8'),
) as Bip350;

/** BIP341's G.x, the key of the BIP350 `bc1p0xlx…` vector. */
const G_X = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

/** The DecodeError decodeAddress throws for `address`, or a failure if it does not throw one. */
function decodeError(address: string, addressPrefix: string): DecodeError {
  try {
    decodeAddress(address, { addressPrefix });
  } catch (e) {
    expect(e).to.be.instanceOf(DecodeError);
    expect((e as DecodeError).field).to.equal('address');
    return e as DecodeError;
  }
  expect.fail(`${address} decoded`);
}

/** The network part of a Bitcoin test address: its own prefix if bc or tb, else bc. */
function bitcoinPrefix(address: string): string {
  const hrp = address.toLowerCase().slice(0, address.lastIndexOf('1'));
  return hrp === 'bc' || hrp === 'tb' ? hrp : 'bc';
}

/** What each BIP350 reason must make decodeAddress say. */
const MESSAGE_FOR: Record<string, RegExp> = {
  'HRP character out of range': /not printable ASCII/,
  'overall max length exceeded': /at most 90/,
  'No separator character': /no "1" separator/,
  'Empty HRP': /no network prefix/,
  'empty HRP': /no network prefix/,
  'Invalid data character': /not in the bech32 alphabet/,
  'Too short checksum': /too short/,
  'Invalid character in checksum': /not in the bech32 alphabet/,
  'checksum calculated with uppercase form of HRP': /bad checksum/,
  'Invalid human-readable part': /network prefix "tc" but this network's prefix is "bc"/,
  'Invalid checksum (Bech32 instead of Bech32m)': /bech32 \(BIP173\) checksum.*bech32m/,
  'Invalid checksum (Bech32m instead of Bech32)': /witness version 0/,
  'Invalid witness version': /witness version 17/,
  'Invalid program length (1 byte)': /1-byte program/,
  'Invalid program length (41 bytes)': /41-byte program/,
  // A v0 address carries a bech32 checksum, which toychain never accepts.
  'Invalid program length for witness version 0 (per BIP141)': /bech32 \(BIP173\) checksum/,
  'Mixed case': /mixes upper and lower case/,
  'zero padding of more than 4 bits': /invalid padding/,
  'Non-zero padding in 8-to-5 conversion': /invalid padding/,
  'Empty data section': /no data/,
};

describe('addresses', () => {
  it('round-trips every 32-byte key on every network', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(demo, regtest), (key, params) => {
        expect(bytesToHex(decodeAddress(encodeAddress(key, params), params))).to.equal(bytesToHex(key));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a key like a Taproot address: bech32m, version 1, the network prefix', () => {
    const key = hexToBytes(G_X);
    expect(encodeAddress(key, { addressPrefix: 'bc' })).to.equal('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0');
    expect(encodeAddress(key, demo)).to.match(/^tc1p/);
    expect(encodeAddress(key, regtest)).to.match(/^tcrt1p/);
  });

  it('decodes the BIP350 tc1p… vector (invalid for Bitcoin) to G.x under the demo prefix', () => {
    const address = bip350.invalidAddresses.find((v) => v.address.startsWith('tc1'))!.address;
    expect(bytesToHex(decodeAddress(address, demo))).to.equal(G_X);
  });

  it('accepts an address written all in upper case', () => {
    const address = encodeAddress(hexToBytes(G_X), demo).toUpperCase();
    expect(bytesToHex(decodeAddress(address, demo))).to.equal(G_X);
  });

  it('refuses to encode a key that is not 32 bytes (TypeError)', () => {
    expect(() => encodeAddress(new Uint8Array(33), demo)).to.throw(TypeError);
  });

  describe('error messages', () => {
    const good = encodeAddress(hexToBytes(G_X), demo);

    it('names the expected prefix when the address is for another network', () => {
      const e = decodeError(encodeAddress(hexToBytes(G_X), regtest), demo.addressPrefix);
      expect(e.message).to.include('"tcrt"').and.include('this network\'s prefix is "tc"');
    });

    it('says the checksum is bad when a character is mistyped', () => {
      const i = good.length - 10;
      const typo = good.slice(0, i) + (good[i] === 'q' ? 'p' : 'q') + good.slice(i + 1);
      expect(decodeError(typo, demo.addressPrefix).message).to.match(/bad checksum.*copy it again/);
    });

    it('says bech32 was used instead of bech32m', () => {
      const e = decodeError('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'bc');
      expect(e.message).to.include('bech32 (BIP173) checksum').and.include('bech32m (BIP350)');
    });

    it('says which witness version it found and which it expects', () => {
      const e = decodeError('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'bc');
      expect(e.message).to.match(/witness version 2; toychain addresses are version 1/);
    });

    it('says the program is the wrong length for a key', () => {
      const e = decodeError('bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', 'bc');
      expect(e.message).to.match(/40-byte program.*32-byte x-only public key/);
    });

    it('points at the first character whose case differs', () => {
      const i = good.search(/(?<=^.{5,})[a-z]/); // a letter after "tc1p", so its case can change
      const mixed = good.slice(0, i) + good[i]!.toUpperCase() + good.slice(i + 1);
      const e = decodeError(mixed, demo.addressPrefix);
      expect(e.message).to.match(/mixes upper and lower case/);
      expect(e.offset).to.equal(i);
    });

    it('points at a character outside the bech32 alphabet', () => {
      const e = decodeError(good.slice(0, 8) + 'b' + good.slice(9), demo.addressPrefix);
      expect(e.message).to.match(/"b" is not in the bech32 alphabet/);
      expect(e.offset).to.equal(8);
    });
  });

  describe('BIP350 vectors', () => {
    for (const v of bip350.validAddresses) {
      const program = v.scriptPubKey.slice(4);
      if (v.scriptPubKey.startsWith('5120')) {
        it(`decodes ${v.address} to its 32-byte v1 program`, () => {
          expect(bytesToHex(decodeAddress(v.address, { addressPrefix: bitcoinPrefix(v.address) }))).to.equal(program);
        });
      } else {
        it(`refuses ${v.address}: valid for Bitcoin, but not witness v1 with 32 bytes`, () => {
          expect(decodeError(v.address, bitcoinPrefix(v.address)).message).to.match(/witness version|program/);
        });
      }
    }

    for (const v of bip350.invalidAddresses) {
      it(`refuses ${v.address} (${v.reason})`, () => {
        expect(decodeError(v.address, bitcoinPrefix(v.address)).message).to.match(MESSAGE_FOR[v.reason]!);
      });
    }

    for (const s of bip350.validBech32m) {
      it(`refuses valid bech32m "${s}" as no address, never for its checksum or characters`, () => {
        const hrp = s.toLowerCase().slice(0, s.lastIndexOf('1'));
        expect(decodeError(s, hrp).message).to.match(/^address at byte \d+: (has no data|has witness version)/);
      });
    }

    for (const v of bip350.invalidBech32m) {
      it(`refuses invalid bech32m ${JSON.stringify(v.string)} (${v.reason})`, () => {
        const sep = v.string.lastIndexOf('1');
        const hrp = sep > 0 ? v.string.toLowerCase().slice(0, sep) : 'bc';
        expect(decodeError(v.string, hrp).message).to.match(MESSAGE_FOR[v.reason]!);
      });
    }
  });
});
