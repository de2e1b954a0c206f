import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { genesisOf, mineBlock, mineChain } from '../helpers/blocks.js';
import { Fixture, waitFor } from './fixture.js';

describe('p2p relay', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('completes the handshake both ways and lists the peer on each side', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    const info = await b.manager.connect(a.url);
    expect(info.direction).to.equal('outbound');
    expect(info.userAgent).to.equal('/toychain-test/');
    await waitFor('a to list b', () => a.manager.peers().length === 1);
    expect(a.manager.peers()[0]!.direction).to.equal('inbound');
  });

  it('relays a block processed on one node to its peer, and on along a line of three', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    const c = await fx.node(regtest);
    await b.manager.connect(a.url);
    await c.manager.connect(b.url);
    const block = mineBlock(regtest, genesisOf(regtest));
    const outcome = await a.chain.processBlock(block.block);
    expect(outcome.status).to.equal('connected');
    await waitFor('b to connect the block', () => b.chain.tip.id === block.id);
    await waitFor('c to connect the block', () => c.chain.tip.id === block.id);
  });

  it('relays several blocks in a row, each reaching the far end', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    const c = await fx.node(regtest);
    await b.manager.connect(a.url);
    await c.manager.connect(b.url);
    const blocks = mineChain(regtest, genesisOf(regtest), 20);
    for (const m of blocks) await a.chain.processBlock(m.block);
    await waitFor('c to reach the tip', () => c.chain.tip.id === blocks.at(-1)!.id);
    expect(c.chain.height).to.equal(20);
  });
});
