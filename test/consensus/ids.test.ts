import { expect } from 'chai';
import { displayHex, fromDisplayHex, hash32, toDisplayHex, type DisplayHex, type Hash32 } from '../../src/consensus/bytes.js';
import { blockId, headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { txHash, txid } from '../../src/consensus/tx.js';
import { coinbaseTx, genesisOf, KEYS } from '../helpers/blocks.js';

describe('ids: Hash32 (bytes, internal order) and DisplayHex (byte-reversed hex)', () => {
  const tx = coinbaseTx(1, KEYS[0]!.pubkey, 50n);
  const header = genesisOf(regtest).block.header;

  it('converts a txid and a block hash both ways through the one conversion pair', () => {
    expect(fromDisplayHex(txid(tx))).to.deep.equal(txHash(tx));
    expect(toDisplayHex(txHash(tx))).to.equal(txid(tx));
    expect(fromDisplayHex(blockId(header))).to.deep.equal(headerHash(header));
    expect(blockId(header)).to.equal(regtest.genesis.hash);
  });

  it('shows the bytes reversed, as Bitcoin does', () => {
    const hash = txHash(tx);
    expect(txid(tx).slice(0, 2)).to.equal(hash[31]!.toString(16).padStart(2, '0'));
  });

  it('keeps the two apart at compile time (a mix-up fails the build)', () => {
    // Each line below must fail to type-check; if a brand were lost, `@ts-expect-error` itself would fail the build.
    // @ts-expect-error a display string is not a Hash32
    const bytes: Hash32 = txid(tx);
    // @ts-expect-error bytes are not display hex
    const shown: DisplayHex = txHash(tx);
    // @ts-expect-error a plain string (read from a request) is not DisplayHex until it is checked and converted
    const unchecked: DisplayHex = 'ab'.repeat(32);
    // @ts-expect-error plain bytes are not a Hash32: only headerHash, txHash, fromDisplayHex and hash32 make one
    const unhashed: Hash32 = new Uint8Array(32);
    // Both still read as what they are made of.
    const asString: string = txid(tx);
    const asBytes: Uint8Array = txHash(tx);
    expect([typeof bytes, typeof shown, typeof unchecked, unhashed.length, asString.length, asBytes.length]).to.deep.equal(['string', 'object', 'string', 32, 64, 32]);
  });

  it('takes 32 bytes as a Hash32 without converting them, and refuses any other length (TypeError)', () => {
    const bytes = new Uint8Array(32).fill(5);
    expect(hash32(bytes)).to.equal(bytes);
    expect(() => hash32(new Uint8Array(31), 'prevout')).to.throw(TypeError, 'prevout: expected 32 bytes');
    expect(() => hash32(new Uint8Array(33))).to.throw(TypeError);
  });

  it('takes typed-in display hex as a DisplayHex, lower-cased as toDisplayHex writes it, and refuses anything else (TypeError)', () => {
    const shown = txid(tx);
    expect(displayHex(shown.toUpperCase())).to.equal(shown);
    expect(() => displayHex(shown.slice(1), 'params.txid')).to.throw(TypeError, 'params.txid: expected 64 hex characters');
    expect(() => displayHex(`${shown.slice(1)}g`)).to.throw(TypeError);
  });
});
