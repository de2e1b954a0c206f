import { expect } from 'chai';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { blockId } from '../../src/consensus/header.js';
import { demo, regtest } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';

describe('genesis blocks', () => {
  for (const params of [regtest, demo]) {
    it(`${params.name}: the hard-coded genesis hash is what its parameters build`, () => {
      const block = genesisBlock(params);
      expect(blockId(block.header)).to.equal(params.genesis.hash);
    });

    it(`${params.name}: the genesis block meets its own proof of work`, () => {
      const block = genesisBlock(params);
      expect(checkProofOfWork(params.genesis.hash, block.header.bits, params)).to.deep.equal({ ok: true });
    });
  }

  it('gives each network its own genesis and magic', () => {
    expect(regtest.genesis.hash).to.not.equal(demo.genesis.hash);
    expect(regtest.magic).to.not.equal(demo.magic);
    expect(regtest.addressPrefix).to.not.equal(demo.addressPrefix);
  });
});
