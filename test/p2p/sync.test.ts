import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { toDisplayHex } from '../../src/consensus/bytes.js';
import { Fixture, waitFor } from './fixture.js';
import { chainWith } from './relay-fixture.js';

describe('p2p headers-first sync', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('catches a fresh node up on a 300-block chain from a peer with more work', async () => {
    const blocks = mineChain(regtest, genesisOf(regtest), 300);
    const source = await fx.node(regtest, { chain: await chainWith(blocks) });
    const fresh = await fx.node(regtest);
    await fresh.manager.connect(source.url);
    await waitFor('the fresh node to reach height 300', () => fresh.chain.height === 300, 20_000);
    expect(fresh.chain.tip.id).to.equal(blocks.at(-1)!.id);
    expect(fresh.logs.has(/block request timed out/)).to.equal(false);
  });

  it('asks more than MAX_HEADERS headers in batches (2,100 blocks)', async function () {
    this.timeout(60_000);
    const blocks = mineChain(regtest, genesisOf(regtest), 2100);
    const source = await fx.node(regtest, { chain: await chainWith(blocks) });
    const fresh = await fx.node(regtest);
    await fresh.manager.connect(source.url);
    await waitFor('the fresh node to reach height 2100', () => fresh.chain.height === 2100, 50_000);
    expect(fresh.chain.tip.id).to.equal(blocks.at(-1)!.id);
  });

  it('downloads from several peers at once when each has the blocks', async () => {
    const blocks = mineChain(regtest, genesisOf(regtest), 200);
    const s1 = await fx.node(regtest, { chain: await chainWith(blocks) });
    const s2 = await fx.node(regtest, { chain: await chainWith(blocks) });
    const fresh = await fx.node(regtest, { maxBlocksInFlight: 4 });
    await Promise.all([fresh.manager.connect(s1.url), fresh.manager.connect(s2.url)]);
    await waitFor('the fresh node to reach height 200', () => fresh.chain.height === 200, 20_000);
    const fromEach = [s1, s2].map((s) => s.logs.lines.filter((l) => l.msg === 'serving blocks').reduce((n, l) => n + (l.count as number), 0));
    expect(fromEach[0]).to.be.greaterThan(0);
    expect(fromEach[1]).to.be.greaterThan(0);
  });

  it('asks the sender of an orphan block for the missing headers, then fetches the parents', async () => {
    const [b1, b2] = mineChain(regtest, genesisOf(regtest), 2);
    const node = await fx.node(regtest);
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    await waitFor('the node to list the raw peer', () => node.manager.peers().length === 1);
    raw.send(regtest, { type: 'block', block: b2!.block });
    await waitFor('getheaders from the node', () => raw.messages(regtest).some((m) => m.type === 'getheaders'));
    const getheaders = raw.messages(regtest).find((m) => m.type === 'getheaders');
    if (getheaders?.type !== 'getheaders') throw new Error('unreachable');
    expect(toDisplayHex(getheaders.locator.at(-1)!)).to.equal(regtest.genesis.hash);
    raw.send(regtest, { type: 'headers', headers: [b1!.block.header, b2!.block.header] });
    await waitFor('getdata for the missing parent', () => raw.messages(regtest).some((m) => m.type === 'getdata' && m.items.some((i) => toDisplayHex(i.hash) === b1!.id)));
    raw.send(regtest, { type: 'block', block: b1!.block });
    await waitFor('the node to connect the parent and the orphan', () => node.chain.height === 2);
    expect(node.chain.tip.id).to.equal(b2!.id);
    expect(node.manager.peers()[0]!.banScore).to.equal(0);
  });

  it('drops a peer that does not deliver the blocks it announced, and fetches them from another', async () => {
    const blocks = mineChain(regtest, genesisOf(regtest), 40);
    const honest = await fx.node(regtest, { chain: await chainWith(blocks) });
    const node = await fx.node(regtest, { blockTimeoutMs: 300, maxBlocksInFlight: 8 });
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest, { chainwork: 1n << 200n, bestHeight: 40 });
    await waitFor('getheaders to the raw peer', () => raw.messages(regtest).some((m) => m.type === 'getheaders'));
    raw.send(regtest, { type: 'headers', headers: blocks.map((m) => m.block.header) });
    await waitFor('getdata to the raw peer', () => raw.messages(regtest).some((m) => m.type === 'getdata'));
    await node.manager.connect(honest.url);
    await waitFor('the stalling peer to be dropped', () => raw.closed !== undefined, 5_000);
    expect(raw.closed!.reason).to.match(/^stalled: block [0-9a-f]{64} not delivered/);
    await waitFor('the node to reach height 40 from the honest peer', () => node.chain.height === 40, 10_000);
    expect(node.manager.bannedCount()).to.equal(0);
  });

  describe('header acceptance (presync)', () => {
    it('stores a heavier branch forked deeper than one headers message only once a later batch passes our work', async function () {
      this.timeout(120_000);
      const ours = mineChain(regtest, genesisOf(regtest), 2050);
      const theirs = mineChain(regtest, genesisOf(regtest), 2200, () => ({ extraNonce: 31 }));
      const source = await fx.node(regtest, { chain: await chainWith(theirs) });
      const node = await fx.node(regtest, { chain: await chainWith(ours) });
      await node.manager.connect(source.url);
      await waitFor('the node to reorganise onto the heavier branch', () => node.chain.tip.id === theirs.at(-1)!.id, 100_000);
      // The first 2,000 headers had less work than our 2,050 blocks: held, not stored, then asked on.
      const held = node.logs.lines.filter((l) => l.msg === "header chain below our tip's work: held in memory, not stored");
      expect(held.map((l) => l.held)).to.deep.equal([2000]);
      expect(node.manager.peers()[0]!.banScore).to.equal(0);
    });

    it('does not store 2,000 unrequested headers and scores their sender (unrequested-headers +20)', async () => {
      const node = await fx.node(regtest, { chain: await chainWith(mineChain(regtest, genesisOf(regtest), 10)) });
      const raw = await fx.raw(node.url);
      await raw.handshake(regtest);
      await waitFor('the node to list the raw peer', () => node.manager.peers().length === 1);
      const fork = mineChain(regtest, genesisOf(regtest), 2000, () => ({ extraNonce: 77 }));
      raw.send(regtest, { type: 'headers', headers: fork.map((m) => m.block.header) });
      await waitFor('the raw peer to be scored', () => node.manager.peers()[0]?.banScore === 20);
      expect(node.logs.has(/peer misbehaved: unrequested-headers \(\+20\)/)).to.equal(true);
      expect(fork.filter((m) => node.chain.getEntry(m.id) !== undefined)).to.have.length(0);
      expect(raw.closed).to.equal(undefined);
    });

    it("holds in memory, without storing, headers answered to our getheaders whose chain has less work than our tip", async () => {
      const node = await fx.node(regtest, { chain: await chainWith(mineChain(regtest, genesisOf(regtest), 20)) });
      const raw = await fx.raw(node.url);
      await raw.handshake(regtest, { chainwork: 1n << 200n, bestHeight: 5000 });
      await waitFor('getheaders to the raw peer', () => raw.messages(regtest).some((m) => m.type === 'getheaders'));
      const fork = mineChain(regtest, genesisOf(regtest), 5, () => ({ extraNonce: 78 }));
      raw.send(regtest, { type: 'headers', headers: fork.map((m) => m.block.header) });
      await waitFor('the node to hold them', () => node.logs.has(/held in memory, not stored/));
      expect(fork.filter((m) => node.chain.getEntry(m.id) !== undefined)).to.have.length(0);
      expect(node.chain.getChainTips().map((t) => t.status)).to.deep.equal(['active']);
      expect(node.manager.peers()[0]!.banScore).to.equal(0);
    });

    it('does not punish an announced header beyond the part of its chain we hold (it cannot connect yet)', async () => {
      const node = await fx.node(regtest, { chain: await chainWith(mineChain(regtest, genesisOf(regtest), 20)) });
      const raw = await fx.raw(node.url);
      await raw.handshake(regtest, { chainwork: 1n << 200n, bestHeight: 5000 });
      await waitFor('getheaders to the raw peer', () => raw.messages(regtest).some((m) => m.type === 'getheaders'));
      const fork = mineChain(regtest, genesisOf(regtest), 8, () => ({ extraNonce: 79 }));
      raw.send(regtest, { type: 'headers', headers: fork.slice(0, 5).map((m) => m.block.header) });
      await waitFor('the node to hold them', () => node.logs.has(/held in memory, not stored/));
      raw.send(regtest, { type: 'headers', headers: [fork[7]!.block.header] });
      await waitFor('the node to ignore the announcement', () => node.logs.has(/announced headers beyond the chain we hold: ignored/));
      expect(node.manager.peers()[0]!.banScore).to.equal(0);
      expect(raw.closed).to.equal(undefined);
    });

    it('takes an unasked announcement of a new block by its header when it connects, and fetches the block', async () => {
      const blocks = mineChain(regtest, genesisOf(regtest), 4);
      const node = await fx.node(regtest, { chain: await chainWith(blocks.slice(0, 3)) });
      const raw = await fx.raw(node.url);
      await raw.handshake(regtest);
      await waitFor('the node to list the raw peer', () => node.manager.peers().length === 1);
      raw.send(regtest, { type: 'headers', headers: [blocks[3]!.block.header] });
      await waitFor('getdata for the announced block', () => raw.messages(regtest).some((m) => m.type === 'getdata' && m.items.some((i) => toDisplayHex(i.hash) === blocks[3]!.id)));
      raw.send(regtest, { type: 'block', block: blocks[3]!.block });
      await waitFor('the announced block to connect', () => node.chain.tip.id === blocks[3]!.id);
      expect(node.manager.peers()[0]!.banScore).to.equal(0);
    });
  });
});
