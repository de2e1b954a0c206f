import { expect } from 'chai';
import fc from 'fast-check';
import { hashOfHeader, txHashesOf } from '../../src/chain/remembered-hashes.js';
import { sha256d } from '../../src/consensus/hash.js';
import { headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { wireHeaderHash, wireSha256d, wireTxHashes } from '../../src/p2p/wire-hash.js';
import { txHash } from '../../src/consensus/tx.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { hash32 } from '../../src/consensus/bytes.js';

describe('wire hashing (node:crypto) against consensus sha256d (@noble/hashes)', () => {
  it('gives the same double SHA-256 for any bytes, as a plain Uint8Array', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      const wire = wireSha256d(bytes);
      expect(Object.getPrototypeOf(wire)).to.equal(Uint8Array.prototype);
      expect(wire).to.deep.equal(sha256d(bytes));
    }));
  });

  it('gives the header hash of any header, and remembers it for the chain', () => {
    const base = genesisBlock(regtest).header;
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(0xffffffff), fc.nat(0xffffffff), (prev, time, nonce) => {
      const header = { ...base, prevHash: hash32(prev), time, nonce };
      const hash = wireHeaderHash(header);
      expect(hash).to.deep.equal(headerHash(header));
      expect(hashOfHeader(header)).to.equal(hash);
    }));
  });

  it('hashes the regtest genesis header to its known id', () => {
    const hash = wireHeaderHash(genesisBlock(regtest).header);
    expect(Buffer.from(hash).reverse().toString('hex')).to.equal(regtest.genesis.hash);
  });

  it("gives each transaction's txHash, and remembers them so the block's connect does not hash them again", () => {
    const { block } = mineChain(regtest, genesisOf(regtest), 1)[0]!;
    const hashes = wireTxHashes(block);
    expect(hashes).to.deep.equal(block.txs.map((tx) => txHash(tx)));
    expect(txHashesOf(block)).to.equal(hashes);
    expect(wireTxHashes(block), 'a second call looks them up').to.equal(hashes);
  });
});
