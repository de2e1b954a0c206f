import { expect } from 'chai';
import { txHashesOf } from '../../src/chain/remembered-hashes.js';
import { regtest } from '../../src/consensus/params.js';
import { txHash } from '../../src/consensus/tx.js';
import { bodyMatchesHeader } from '../../src/p2p/downloaded-block.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';

describe('a downloaded block (sync)', () => {
  it("matches its header, and leaves its transaction hashes with it so the block's connect does not hash them again", () => {
    const { block } = mineChain(regtest, genesisOf(regtest), 1)[0]!;
    expect(bodyMatchesHeader(block)).to.equal(true);
    const remembered = txHashesOf(block);
    expect(remembered).to.deep.equal(block.txs.map((tx) => txHash(tx)));
    expect(txHashesOf(block)).to.equal(remembered); // the same array: looked up, not hashed again
  });

  it('does not match a header whose merkle root another body commits to', () => {
    const [a, b] = mineChain(regtest, genesisOf(regtest), 2);
    expect(bodyMatchesHeader({ header: a!.block.header, txs: b!.block.txs })).to.equal(false);
  });
});
