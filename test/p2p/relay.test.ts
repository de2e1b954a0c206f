import { expect } from 'chai';
import { viewOf } from '../../src/chain/chain-view.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { txHash } from '../../src/consensus/tx.js';
import { regtest } from '../../src/consensus/params.js';
import { genesisOf, KEYS, mineBlock, mineChain, spendTx } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';
import { Fixture, waitFor } from './fixture.js';
import { hash32 } from '../../src/consensus/bytes.js';

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

  it('does not count transactions we asked a peer for against its message rate, but does count unasked ones', async () => {
    const chain = await memoryChain(regtest);
    const pool = new Mempool({ chain: viewOf(chain), params: chain.params, signatureVerifier: chain.signatureVerifier, verifiedTxs: chain.verifiedTxs });
    fx.onClose(async () => pool.close());
    const node = await fx.node(regtest, { chain, txPool: pool, messageRate: { capacity: 20, perSecond: 5 } });
    const txs = Array.from({ length: 100 }, (_, n) => spendTx([{ outpoint: { txHash: hash32(new Uint8Array(32).fill(n + 1)), index: 0 }, coin: { value: 5000n, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey }], [{ value: 1000n, pubkey: KEYS[1]!.pubkey }]));
    const asked = await fx.raw(node.url);
    await asked.handshake(regtest, { userAgent: '/asked/' });
    asked.send(regtest, { type: 'inv', items: txs.map((tx) => ({ type: 'tx' as const, hash: txHash(tx) })) });
    await waitFor('the node to ask for all 100', () => asked.messages(regtest).some((m) => m.type === 'getdata' && m.items.length === 100));
    for (const tx of txs) asked.send(regtest, { type: 'tx', tx });
    const ping = { type: 'ping' as const, nonce: new Uint8Array(8).fill(1) };
    asked.send(regtest, ping);
    await waitFor('the pong after the answers', () => asked.messages(regtest).some((m) => m.type === 'pong'));
    expect(node.manager.peers().find((p) => p.userAgent === '/asked/')?.banScore).to.equal(0);
    // The same 100 sent again, unasked this time: over the rate (a burst of 20).
    const unasked = await fx.raw(node.url);
    await unasked.handshake(regtest, { userAgent: '/unasked/' });
    await waitFor('the node to list the second peer', () => node.manager.peers().length === 2);
    for (const tx of txs) unasked.send(regtest, { type: 'tx', tx });
    await waitFor('the unasked flood to be scored', () => node.manager.peers().find((p) => p.userAgent === '/unasked/')?.banScore === 50);
  });

  it('sends a new tip block itself to a peer that sent sendblocks, and an inv to one that did not', async () => {
    const a = await fx.node(regtest);
    const pushed = await fx.raw(a.url);
    const announced = await fx.raw(a.url);
    for (const raw of [pushed, announced]) await raw.handshake(regtest);
    pushed.send(regtest, { type: 'sendblocks' });
    await waitFor('both peers ready', () => a.manager.peers().length === 2);
    const [first, second] = mineChain(regtest, genesisOf(regtest), 2);
    // The first block is announced to both (they are not known to have genesis); then each knows it.
    await a.chain.processBlock(first!.block);
    const blockMessages = (raw: typeof pushed) => raw.messages(regtest).filter((m) => m.type === 'block' || m.type === 'inv');
    await waitFor('both to hear of the first block', () => blockMessages(pushed).length === 1 && blockMessages(announced).length === 1);
    await a.chain.processBlock(second!.block);
    await waitFor('both to hear of the second block', () => blockMessages(pushed).length === 2 && blockMessages(announced).length === 2);
    const last = (raw: typeof pushed) => blockMessages(raw).at(-1)!;
    expect(last(pushed).type).to.equal('block');
    expect(last(pushed)).to.deep.include({ type: 'block', block: second!.block });
    expect(last(announced).type).to.equal('inv');
    // The node itself asks its peers for pushed blocks once the handshake is done.
    expect(announced.messages(regtest).some((m) => m.type === 'sendblocks')).to.equal(true);
  });

  it('connects a block pushed by a peer it asked, without a getdata', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    await b.manager.connect(a.url);
    await waitFor('a to list b', () => a.manager.peers().length === 1);
    const [first, second] = mineChain(regtest, genesisOf(regtest), 2);
    // Every peer has our genesis (the handshake checked it), so even the first block can go whole.
    await a.chain.processBlock(first!.block);
    await waitFor('b to connect the first block', () => b.chain.tip.id === first!.id);
    await a.chain.processBlock(second!.block);
    await waitFor('b to connect the second block', () => b.chain.tip.id === second!.id);
    // Both came whole, never inv, getdata, block: nothing was served from the store.
    expect(a.logs.lines.some((l) => l.msg === 'serving blocks')).to.equal(false);
    expect(b.logs.lines.some((l) => l.msg === 'serving blocks')).to.equal(false);
  });
});
