import { expect } from 'chai';
import type { Block } from '../../src/consensus/block.js';
import { toDisplayHex } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { openLevelStore } from '../../src/storage/level-store.js';
import { BlockStatus } from '../../src/storage/store.js';
import { describeCoins, replayUtxo } from '../helpers/blocks.js';
import { indexDifferences, storeCoins, type ActiveBlock } from '../helpers/chain-fixture.js';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

const BLOCKS = 1_500;

/** checkStore reads a stopped node's active chain (heights 1..tip) from its datadir, its UTXO set, a replay of those blocks and the index check. */
async function checkStore(datadir: string): Promise<{ height: number; tip: string; differences: string[]; coins: string[]; replayed: string[]; tipStatus: number }> {
  const store = await openLevelStore(datadir);
  try {
    const records = new Map((await store.loadRecords()).map((r) => [toDisplayHex(r.hash), r]));
    const tipHash = (await store.getTip())!;
    const tip = records.get(toDisplayHex(tipHash))!;
    const active: ActiveBlock[] = [];
    for (let r = tip; r.height > 0; r = records.get(toDisplayHex(r.header.prevHash))!) {
      const block = await store.getBlock(r.hash);
      if (block === undefined) throw new Error(`active block at height ${r.height} has no data`);
      active.push({ block, hash: r.hash, height: r.height });
    }
    active.reverse();
    const blocks: Block[] = active.map((a) => a.block);
    return {
      height: tip.height,
      tip: toDisplayHex(tipHash),
      differences: await indexDifferences(store, active),
      coins: describeCoins(await storeCoins(store)),
      replayed: describeCoins(replayUtxo(regtest, blocks)),
      tipStatus: tip.status,
    };
  } finally {
    await store.close();
  }
}

describe('initial sync across a crash', function () {
  this.timeout(240_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('restarts a node killed (SIGKILL) in the middle of its initial sync on a consistent store, and finishes the sync', async () => {
    const source = await cluster.start('source');
    for (let done = 0; done < BLOCKS; done += 500) await source.generate(500);
    // A slow link (every message the source sends waits 100 ms), so the sync is still going when the kill comes.
    expect((await source.api('PUT', '/network/link', { delayMs: 100 })).status).to.equal(200);
    const fresh = await cluster.start('fresh', { peers: [source.p2pUrl] });
    await waitFor('the fresh node to connect its first blocks', async () => (await fresh.status()).height > 0, 60_000, 10);
    fresh.child.kill('SIGKILL');
    await waitFor('the fresh node to be gone', () => fresh.child.exitCode !== null || fresh.child.signalCode !== null, 10_000);

    // What a killed node finds on disk: a tip whose blocks are all there, connected, and
    // the UTXO set and indexes those blocks make, nothing of a half-written run.
    const killed = await checkStore(fresh.datadir);
    expect(killed.height).to.be.above(0).and.below(BLOCKS);
    expect(killed.tipStatus & (BlockStatus.HAVE_DATA | BlockStatus.VALID)).to.equal(BlockStatus.HAVE_DATA | BlockStatus.VALID);
    expect(killed.coins).to.deep.equal(killed.replayed);
    expect(killed.differences).to.deep.equal([]);

    expect((await source.api('PUT', '/network/link', { delayMs: 0 })).status).to.equal(200);
    const restarted = await cluster.start('fresh', { datadir: fresh.datadir, peers: [source.p2pUrl] });
    const sourceTip = (await source.status()).tip;
    await waitFor('the restarted node to finish the sync', async () => (await restarted.status()).tip === sourceTip, 120_000);
    await restarted.stop();
    const done = await checkStore(fresh.datadir);
    expect(done.height).to.equal(BLOCKS);
    expect(done.coins).to.deep.equal(done.replayed);
    expect(done.differences).to.deep.equal([]);
  });
});
