import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demo, regtest, type NetworkParams } from '../../src/consensus/params.js';
import { COIN } from '../../src/consensus/subsidy.js';
import { Chain } from '../../src/chain/chain.js';
import { ChainMismatchError } from '../../src/chain/errors.js';
import { openLevelStore } from '../../src/storage/level-store.js';
import { coinbaseOutpoint, describeCoins, genesisOf, KEYS, mineBlock, mineChain, spendTx } from '../helpers/blocks.js';
import { FAR_FUTURE, storeCoins } from '../helpers/chain-fixture.js';

const params: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };

describe('chain restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-restart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads the tip, the index and the UTXO set from LevelDB without re-validating stored blocks', async () => {
    const blocks = mineChain(params, genesisOf(params), 3);
    const coin = { value: blocks[0]!.block.txs[0]!.outputs[0]!.value, pubkey: KEYS[0]!.pubkey };
    const pay = spendTx([{ outpoint: coinbaseOutpoint(blocks[0]!), coin, privateKey: KEYS[0]!.privateKey }], [{ value: 49n * COIN, pubkey: KEYS[1]!.pubkey }]);
    blocks.push(mineBlock(params, blocks[2]!, { txs: [pay], fees: 1n * COIN }));
    const side = mineBlock(params, blocks[1]!, { extraNonce: 3 });

    let store = await openLevelStore(dir);
    const before = await Chain.open(store, params, { clock: () => FAR_FUTURE });
    for (const b of [...blocks, side]) await before.processBlock(b.block);
    const coinsBefore = describeCoins(await storeCoins(store));
    const tipsBefore = before.getChainTips();
    await store.close();

    // A clock at zero makes every stored block "too new": a node that re-validated its
    // blocks on start would drop them all. It must trust what it connected before.
    store = await openLevelStore(dir);
    try {
      const after = await Chain.open(store, params, { clock: () => 0 });
      expect(after.tip.id).to.equal(blocks[3]!.id);
      expect(after.height).to.equal(4);
      expect(after.getChainTips()).to.deep.equal(tipsBefore);
      expect(describeCoins(await storeCoins(store))).to.deep.equal(coinsBefore);
      expect(after.getEntry(side.id)?.height).to.equal(3);
    } finally {
      await store.close();
    }
  });

  it('refuses a data directory that holds another network\'s chain (ChainMismatchError)', async () => {
    let store = await openLevelStore(dir);
    await Chain.open(store, regtest);
    await store.close();
    store = await openLevelStore(dir);
    try {
      let error: unknown;
      await Chain.open(store, demo).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(ChainMismatchError);
      expect((error as Error).message).to.include('--datadir');
    } finally {
      await store.close();
    }
  });
});
