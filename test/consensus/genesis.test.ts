import { expect } from 'chai';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { blockId } from '../../src/consensus/header.js';
import { demo, networks, regtest, regtestRetarget } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';

describe('genesis blocks', () => {
  for (const params of [regtest, demo, regtestRetarget]) {
    it(`${params.name}: the hard-coded genesis hash is what its parameters build`, () => {
      const block = genesisBlock(params);
      expect(blockId(block.header)).to.equal(params.genesis.hash);
    });

    it(`${params.name}: the genesis block meets its own proof of work`, () => {
      const block = genesisBlock(params);
      expect(checkProofOfWork(params.genesis.hash, block.header.bits, params)).to.deep.equal({ ok: true });
    });
  }

  it('gives each network its own genesis, magic and address prefix', () => {
    const all = Object.values(networks);
    for (const field of ['magic', 'addressPrefix'] as const) expect(new Set(all.map((p) => p[field])).size, field).to.equal(all.length);
    expect(new Set(all.map((p) => p.genesis.hash)).size).to.equal(all.length);
  });
});
