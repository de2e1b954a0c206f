import { expect } from 'chai';
import { encodeAddress } from '../../src/consensus/address.js';
import type { Chain } from '../../src/chain/chain.js';
import { genesisOf, KEYS, mineChain, type MinedBlock } from '../helpers/blocks.js';
import { errorOf, peerInfo, startApi, type TestApi } from './api-fixture.js';

async function submit(chain: Chain, blocks: readonly MinedBlock[]): Promise<void> {
  for (const b of blocks) await chain.processBlock(b.block);
}

describe('api: reads', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  describe('GET /status', () => {
    it('reports the fields scripts rely on', async () => {
      const blocks = mineChain(api.params, genesisOf(api.params), 3);
      await submit(api.chain, blocks);
      api.peers.list.push(peerInfo(1), peerInfo(2));
      api.mining.state = { active: true, hashrate: 5000, workers: 4 };

      const res = await api.get('/status');
      expect(res.status).to.equal(200);
      const status: any = await res.json();
      expect(status.network).to.equal('regtest');
      expect(status.height).to.equal(3);
      expect(status.tip).to.equal(blocks[2]!.id);
      expect(status.chainwork).to.equal(api.chain.tip.chainwork.toString(16).padStart(64, '0'));
      expect(status.mempool).to.deep.equal({ count: 0, bytes: 0 });
      expect(status.peers).to.equal(2);
      expect(status.mining).to.deep.equal({ active: true, hashrate: 5000, workers: 4 });
      expect(status.networkActive).to.equal(true);
      expect(status.orphans).to.equal(0);
    });

    it('gives difficulty as expected hashes and relative to powLimit', async () => {
      const { difficulty } = await api.getJson('/status');
      // regtest's target is 2^255-ish: one block takes about two hashes, the easiest difficulty.
      expect(difficulty).to.deep.equal({ bits: '207fffff', expectedHashes: '2', relative: 1 });
    });

    it('counts orphan blocks', async () => {
      const [, second] = mineChain(api.params, genesisOf(api.params), 2);
      await api.chain.processBlock(second!.block);
      expect((await api.getJson('/status')).orphans).to.equal(1);
    });
  });

  describe('GET /blocks', () => {
    it('pages the active chain newest first by default', async () => {
      await submit(api.chain, mineChain(api.params, genesisOf(api.params), 25));
      const page = await api.getJson('/blocks');
      expect(page.blocks.map((b: { height: number }) => b.height)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 25 - i));
      expect(page.next).to.equal(5);
      const last = await api.getJson('/blocks?from=5&limit=100');
      expect(last.blocks.map((b: { height: number }) => b.height)).to.deep.equal([5, 4, 3, 2, 1, 0]);
      expect(last.next).to.equal(null);
    });

    it('pages oldest first with order=asc and stops at the tip', async () => {
      const blocks = mineChain(api.params, genesisOf(api.params), 4);
      await submit(api.chain, blocks);
      const page = await api.getJson('/blocks?from=2&limit=2&order=asc');
      expect(page.blocks.map((b: { hash: string }) => b.hash)).to.deep.equal([blocks[1]!.id, blocks[2]!.id]);
      expect(page.next).to.equal(4);
      const end = await api.getJson('/blocks?from=4&limit=5&order=asc');
      expect(end.blocks).to.have.length(1);
      expect(end.next).to.equal(null);
    });

    it('summarises each block with hash, height, time, chainwork and tx count', async () => {
      const [block] = mineChain(api.params, genesisOf(api.params), 1);
      await submit(api.chain, [block!]);
      const { blocks } = await api.getJson('/blocks?limit=1');
      expect(blocks[0]).to.include({ hash: block!.id, height: 1, time: block!.block.header.time, bits: '207fffff', txCount: 1 });
      expect(blocks[0].chainwork).to.match(/^[0-9a-f]{64}$/);
    });
  });

  describe('GET /blocks/:hashOrHeight', () => {
    it('finds a block by height and by hash, with its transactions', async () => {
      const blocks = mineChain(api.params, genesisOf(api.params), 3);
      await submit(api.chain, blocks);
      const byHeight = await api.getJson('/blocks/2');
      const byHash = await api.getJson(`/blocks/${blocks[1]!.id.toUpperCase()}`);
      expect(byHash).to.deep.equal(byHeight);
      expect(byHeight).to.include({ hash: blocks[1]!.id, height: 2, confirmations: 2, inActiveChain: true, nextHash: blocks[2]!.id, prevHash: blocks[0]!.id });
      const [coinbase] = byHeight.txs;
      expect(coinbase.coinbase).to.equal(true);
      expect(coinbase.txid).to.match(/^[0-9a-f]{64}$/);
      expect(coinbase.outputs).to.deep.equal([{ index: 0, value: '50.00000000', units: '5000000000', address: encodeAddress(KEYS[0]!.pubkey, api.params) }]);
    });

    it('shows a block off the active chain with confirmations -1', async () => {
      const genesis = genesisOf(api.params);
      await submit(api.chain, mineChain(api.params, genesis, 2));
      const [side] = mineChain(api.params, genesis, 1, () => ({ extraNonce: 7 }));
      await submit(api.chain, [side!]);
      const view = await api.getJson(`/blocks/${side!.id}`);
      expect(view).to.include({ inActiveChain: false, confirmations: -1, nextHash: null });
    });

    it('answers 404 not-found for an unknown hash or a height above the tip', async () => {
      const unknown = await errorOf(await api.get(`/blocks/${'ab'.repeat(32)}`));
      expect([unknown.status, unknown.code]).to.deep.equal([404, 'not-found']);
      const high = await errorOf(await api.get('/blocks/7'));
      expect([high.status, high.code]).to.deep.equal([404, 'not-found']);
      expect(high.message).to.contain('ends at 0');
    });
  });

  describe('GET /chain/tips', () => {
    it('lists the active tip and a branch left by a reorg as valid-fork', async () => {
      const genesis = genesisOf(api.params);
      const a = mineChain(api.params, genesis, 2);
      const b = mineChain(api.params, genesis, 3, () => ({ extraNonce: 1 }));
      await submit(api.chain, [...a, ...b]);
      const tips = await api.getJson('/chain/tips');
      expect(tips).to.deep.equal([
        { hash: b[2]!.id, height: 3, branchLength: 0, status: 'active' },
        { hash: a[1]!.id, height: 2, branchLength: 2, status: 'valid-fork' },
      ]);
    });
  });

  describe('GET /peers', () => {
    it('lists the connected peers', async () => {
      api.peers.list.push(peerInfo(1));
      expect(await api.getJson('/peers')).to.deep.equal([peerInfo(1)]);
    });
  });

  describe('unknown routes', () => {
    it('answer 404 not-found in the error shape', async () => {
      const e = await errorOf(await api.get('/nothing-here'));
      expect([e.status, e.code]).to.deep.equal([404, 'not-found']);
    });
  });
});
