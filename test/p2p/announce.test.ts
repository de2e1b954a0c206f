import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { genesisOf, mineBlock, mineChain } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { Fixture, waitFor } from './fixture.js';
import { answered, blockMessages, GatedVerifier } from './relay-fixture.js';


describe('p2p announcements (BIP130) and relay ahead of the connect (BIP152)', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  /** a node with two raw peers: `source` sends it blocks, `fast` asked for new blocks whole (sendblocks) */
  async function sourceAndFastPeer() {
    const b = await fx.node(regtest);
    const source = await fx.raw(b.url);
    const fast = await fx.raw(b.url);
    for (const raw of [source, fast]) await raw.handshake(regtest, { userAgent: raw === source ? '/source/' : '/fast/' });
    fast.send(regtest, { type: 'sendblocks' });
    await waitFor('both peers ready', () => b.manager.peers().length === 2);
    await answered(fast, 1);
    return { b, source, fast };
  }

  it('announces a new tip by its header to a peer that sent sendheaders, and by inv to one that did not', async () => {
    const a = await fx.node(regtest);
    const byHeaders = await fx.raw(a.url);
    const byInv = await fx.raw(a.url);
    for (const raw of [byHeaders, byInv]) await raw.handshake(regtest);
    byHeaders.send(regtest, { type: 'sendheaders' });
    await waitFor('both peers ready', () => a.manager.peers().length === 2);
    await answered(byHeaders, 1); // sendheaders is handled before the blocks come
    const [first, second] = mineChain(regtest, genesisOf(regtest), 2);
    await a.chain.processBlock(first!.block);
    await waitFor('both to hear of the first block', () => blockMessages(byHeaders).length === 1 && blockMessages(byInv).length === 1);
    await a.chain.processBlock(second!.block);
    await waitFor('both to hear of the second block', () => blockMessages(byHeaders).length === 2 && blockMessages(byInv).length === 2);
    expect(blockMessages(byHeaders)).to.deep.equal([
      { type: 'headers', headers: [first!.block.header] },
      { type: 'headers', headers: [second!.block.header] },
    ]);
    expect(blockMessages(byInv)).to.deep.equal([
      { type: 'inv', items: [{ type: 'block', hash: first!.hash }] },
      { type: 'inv', items: [{ type: 'block', hash: second!.hash }] },
    ]);
    // The node asks its own peers for header announcements once the handshake is done.
    expect(byInv.messages(regtest).some((m) => m.type === 'sendheaders')).to.equal(true);
  });

  it('fetches and connects a block announced to it by its header', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    await b.manager.connect(a.url);
    await waitFor('a to list b', () => a.manager.peers().length === 1);
    const block = mineBlock(regtest, genesisOf(regtest));
    const raw = await fx.raw(b.url);
    await raw.handshake(regtest);
    await waitFor('b to list the raw peer', () => b.manager.peers().length === 2);
    raw.send(regtest, { type: 'headers', headers: [block.block.header] });
    await waitFor('b to ask the announcer for the block', () => raw.messages(regtest).some((m) => m.type === 'getdata' && m.items.some((i) => i.type === 'block')));
    raw.send(regtest, { type: 'block', block: block.block });
    await waitFor('b to connect it', () => b.chain.tip.id === block.id);
    await waitFor('a to have it from b', () => a.chain.tip.id === block.id);
  });

  it('sends a new block on to a high-bandwidth peer before it has connected it, as blockahead', async () => {
    const verifier = new GatedVerifier();
    verifier.hold();
    const chain = await memoryChain(regtest, { signatureVerifier: verifier });
    const b = await fx.node(regtest, { chain });
    fx.onClose(async () => verifier.open()); // a failed test must not leave the connect held (the node would not stop)
    const source = await fx.raw(b.url);
    const fast = await fx.raw(b.url);
    for (const raw of [source, fast]) await raw.handshake(regtest);
    fast.send(regtest, { type: 'sendblocks' });
    await waitFor('both peers ready', () => b.manager.peers().length === 2);
    await answered(fast, 1);
    const block = mineBlock(regtest, genesisOf(regtest));
    source.send(regtest, { type: 'block', block: block.block });
    await waitFor('the high-bandwidth peer to get the block', () => fast.messages(regtest).some((m) => m.type === 'blockahead'));
    // The connect is still held at the signature checks: the block went out before it.
    expect(b.chain.tip.id).to.equal(genesisOf(regtest).id);
    expect(fast.messages(regtest).find((m) => m.type === 'blockahead')).to.deep.equal({ type: 'blockahead', block: block.block });
    verifier.open();
    await waitFor('b to connect the block', () => b.chain.tip.id === block.id);
    // Relayed once: the announcement after the connect skips the peer that has it.
    await answered(fast, 2);
    expect(blockMessages(fast)).to.have.length(1);
  });

  it('never relays a block whose proof of work fails (high-hash), and scores its sender', async () => {
    const { b, source, fast } = await sourceAndFastPeer();
    const bad = mineBlock(regtest, genesisOf(regtest), { unmined: true });
    source.send(regtest, { type: 'block', block: bad.block });
    await waitFor('the sender to be scored for the block', () => b.logs.has(/invalid-block/));
    await answered(fast, 2);
    expect(blockMessages(fast)).to.deep.equal([]);
    expect(b.chain.tip.id).to.equal(genesisOf(regtest).id);
  });

  it('never relays a block whose transactions do not match its merkle root (bad-txnmrklroot), though its proof of work passes', async () => {
    const { b, source, fast } = await sourceAndFastPeer();
    const mined = mineBlock(regtest, genesisOf(regtest));
    const other = mineBlock(regtest, genesisOf(regtest), { extraNonce: 7 });
    // The mined header (its proof of work holds) over another coinbase: the body no longer hashes to the header's merkle root.
    source.send(regtest, { type: 'block', block: { header: mined.block.header, txs: other.block.txs } });
    await waitFor('b to refuse the body', () => b.logs.has(/bad-txnmrklroot/));
    await answered(fast, 2);
    expect(blockMessages(fast)).to.deep.equal([]);
    expect(b.chain.tip.id).to.equal(genesisOf(regtest).id);
  });

  it('relays a block that fails only at its connect (bad-cb-amount) ahead, and does not punish a peer that sent it as blockahead', async () => {
    const b = await fx.node(regtest);
    const source = await fx.raw(b.url);
    const fast = await fx.raw(b.url);
    await source.handshake(regtest, { userAgent: '/source/' });
    await fast.handshake(regtest, { userAgent: '/fast/' });
    fast.send(regtest, { type: 'sendblocks' });
    await waitFor('both peers ready', () => b.manager.peers().length === 2);
    await answered(fast, 1);
    // Header, proof of work and the block's own checks pass; the coinbase overpays, which only the connect sees.
    const overpaying = mineBlock(regtest, genesisOf(regtest), { coinbaseValue: 1_000_000_000_000n });
    source.send(regtest, { type: 'blockahead', block: overpaying.block });
    await waitFor('b to reject the block at its connect', () => b.chain.getEntry(overpaying.id) !== undefined && b.logs.has(/bad-cb-amount/));
    await answered(source, 3);
    expect(fast.messages(regtest).some((m) => m.type === 'blockahead')).to.equal(true); // BIP152: relayed before the connect
    expect(b.chain.tip.id).to.equal(genesisOf(regtest).id);
    expect(b.manager.peers().find((p) => p.userAgent === '/source/')?.banScore).to.equal(0);
    expect(b.logs.has(/not punished \(BIP152\)/)).to.equal(true);
  });

  it('bans a peer that pushes, as a plain block, one that fails at its connect: it connected it, so it runs other rules', async () => {
    const b = await fx.node(regtest);
    const source = await fx.raw(b.url);
    await source.handshake(regtest, { userAgent: '/source/' });
    await waitFor('the peer ready', () => b.manager.peers().length === 1);
    const overpaying = mineBlock(regtest, genesisOf(regtest), { coinbaseValue: 1_000_000_000_000n });
    source.send(regtest, { type: 'block', block: overpaying.block });
    await waitFor('the sender to be banned for the block', () => source.closed !== undefined);
    expect(b.logs.has(/invalid-block/)).to.equal(true);
    expect(b.logs.has(/not punished \(BIP152\)/)).to.equal(false);
  });

  it('punishes a peer for a block it sent in answer to our getdata that fails at its connect (bad-cb-amount)', async () => {
    const b = await fx.node(regtest);
    const source = await fx.raw(b.url);
    await source.handshake(regtest, { userAgent: '/source/' });
    await waitFor('the peer ready', () => b.manager.peers().length === 1);
    const overpaying = mineBlock(regtest, genesisOf(regtest), { coinbaseValue: 1_000_000_000_000n });
    source.send(regtest, { type: 'inv', items: [{ type: 'block', hash: overpaying.hash }] });
    await waitFor('b to ask for the block', () => source.messages(regtest).some((m) => m.type === 'getdata'));
    source.send(regtest, { type: 'block', block: overpaying.block });
    await waitFor('the sender to be banned for the block', () => source.closed !== undefined);
    expect(b.logs.has(/invalid-block/)).to.equal(true);
  });
});
