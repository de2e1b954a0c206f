import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { toDisplayHex } from '../../src/consensus/bytes.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { Fixture, waitFor } from './fixture.js';

describe('p2p block download queue', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('holds blocks that arrive before their parent and connects them all once the parent comes', async () => {
    const node = await fx.node(regtest);
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    await waitFor('the peer ready', () => node.manager.peers().length === 1);
    const blocks = mineChain(regtest, genesisOf(regtest), 4);
    raw.send(regtest, { type: 'headers', headers: blocks.map((b) => b.block.header) });
    await waitFor('the node to ask for the 4 blocks', () => raw.messages(regtest).some((m) => m.type === 'getdata' && m.items.length === 4));
    // Answered highest first: each waits for its parent, and nothing is connected until block 1 comes.
    for (const b of [...blocks].reverse()) raw.send(regtest, { type: 'block', block: b.block });
    await waitFor('the node to connect all four', () => node.chain.tip.id === blocks[3]!.id);
    expect(node.chain.height).to.equal(4);
    expect(node.manager.peers()[0]!.banScore).to.equal(0);
  });

  it('connects the blocks before one that fails in a run, records that one invalid and punishes its sender (bad-cb-amount)', async () => {
    const node = await fx.node(regtest);
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    await waitFor('the peer ready', () => node.manager.peers().length === 1);
    const blocks = mineChain(regtest, genesisOf(regtest), 5, (i) => (i === 3 ? { coinbaseValue: 1_000_000_000_000n } : {}));
    raw.send(regtest, { type: 'headers', headers: blocks.map((b) => b.block.header) });
    await waitFor('the node to ask for the 5 blocks', () => raw.messages(regtest).some((m) => m.type === 'getdata' && m.items.length === 5));
    for (const b of blocks) raw.send(regtest, { type: 'block', block: b.block });
    await waitFor('the sender to be banned for block 4', () => raw.closed !== undefined);
    await waitFor('the node to stay on block 3', () => node.chain.tip.id === blocks[2]!.id);
    expect(node.chain.getChainTips().find((t) => t.status === 'invalid')).to.not.equal(undefined);
    expect(node.logs.has(/bad-cb-amount/)).to.equal(true);
  });

  it('asks for each block once, also while the blocks before it are being connected', async () => {
    const node = await fx.node(regtest);
    const blocks = mineChain(regtest, genesisOf(regtest), 120);
    const byId = new Map(blocks.map((b) => [b.id, b.block]));
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest, { bestHeight: 120, chainwork: 1n << 100n }); // more work: the node asks for headers
    await waitFor('the node to ask for headers', () => raw.messages(regtest).some((m) => m.type === 'getheaders'));
    raw.send(regtest, { type: 'headers', headers: blocks.map((b) => b.block.header) });
    // Serve every getdata as it comes, until the node has the chain (bounded by the wait).
    let answered = 0;
    await waitFor('the node to connect all 120', () => {
      const asks = raw.messages(regtest).filter((m) => m.type === 'getdata');
      for (const ask of asks.slice(answered)) for (const item of ask.items) raw.send(regtest, { type: 'block', block: byId.get(toDisplayHex(item.hash))! });
      answered = asks.length;
      return node.chain.height === 120;
    }, 30_000);
    const asked = raw.messages(regtest).flatMap((m) => (m.type === 'getdata' ? m.items.map((i) => toDisplayHex(i.hash)) : []));
    expect(asked).to.have.length(120);
    expect(new Set(asked).size).to.equal(120);
  });
});
