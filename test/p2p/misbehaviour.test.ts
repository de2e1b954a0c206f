import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { MAX_MESSAGE_SIZE } from '../../src/p2p/messages.js';
import { CLOSE_MISBEHAVING } from '../../src/p2p/peer.js';
import { genesisOf, mineBlock, mineChain } from '../helpers/blocks.js';
import { Fixture, relaysTo, waitFor, type TestNode } from './fixture.js';

describe('p2p misbehaviour', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  /** a node with an honest peer connected to it */
  async function nodeWithHonestPeer(options: Parameters<Fixture['node']>[1] = {}): Promise<{ node: TestNode; honest: TestNode }> {
    const node = await fx.node(regtest, options);
    const honest = await fx.node(regtest);
    await honest.manager.connect(node.url);
    return { node, honest };
  }

  function banned(node: TestNode): string[] {
    return node.manager.bans().map((b) => b.reason);
  }

  it('scores garbage bytes (bad-magic +20) and bans after five, still relaying to an honest peer', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    const garbage = new Uint8Array(40).fill(0xde);
    raw.sendBytes(garbage);
    await waitFor('the offence to be logged', () => node.logs.has(/peer misbehaved: bad-magic/));
    expect(raw.closed).to.equal(undefined);
    for (let i = 0; i < 4; i++) raw.sendBytes(garbage);
    await waitFor('the raw peer to be dropped', () => raw.closed !== undefined);
    expect(raw.closed!.code).to.equal(CLOSE_MISBEHAVING);
    expect(node.manager.bannedCount()).to.equal(1);
    await relaysTo(regtest, node, honest);
  });

  it('bans at once a peer that sends a block with bad proof of work (high-hash)', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const bans: string[] = [];
    node.manager.on('banned', (address, reason) => bans.push(`${address} ${reason}`));
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const bad = mineBlock(regtest, genesisOf(regtest), { unmined: true });
    raw.send(regtest, { type: 'block', block: bad.block });
    await waitFor('the raw peer to be banned', () => raw.closed !== undefined);
    expect(raw.closed!.code).to.equal(CLOSE_MISBEHAVING);
    expect(bans).to.have.length(1);
    expect(bans[0]).to.match(/^127\.0\.0\.1:\d+ invalid-block: block [0-9a-f]{64}: high-hash/);
    expect(node.chain.height).to.equal(0);
    await relaysTo(regtest, node, honest);
  });

  it('bans the sender of a mutated block (mutated-block: bad-txnmrklroot) but does not record its hash invalid', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const good = mineBlock(regtest, genesisOf(regtest));
    const coinbase = good.block.txs[0]!;
    const mutated = { header: good.block.header, txs: [{ ...coinbase, outputs: [{ ...coinbase.outputs[0]!, value: 1n }] }] };
    raw.send(regtest, { type: 'block', block: mutated });
    await waitFor('the sender to be banned', () => raw.closed !== undefined);
    expect(raw.closed!.reason).to.equal('banned: mutated-block');
    expect(node.logs.has(/bad-txnmrklroot/)).to.equal(true);
    // The real block with the same hash is still accepted afterwards, from another peer.
    const other = await fx.raw(node.url);
    await other.handshake(regtest);
    other.send(regtest, { type: 'block', block: good.block });
    await waitFor('the real block to connect', () => node.chain.tip.id === good.id);
    await waitFor('the honest peer to get it', () => honest.chain.tip.id === good.id);
  });

  it('bans a peer whose headers do not connect to any block we know (headers-not-connecting)', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const [, b2, b3] = mineChain(regtest, genesisOf(regtest), 3);
    raw.send(regtest, { type: 'headers', headers: [b2!.block.header, b3!.block.header] });
    await waitFor('the raw peer to be banned', () => raw.closed !== undefined);
    expect(banned(node)[0]).to.match(/^headers-not-connecting/);
    expect(node.chain.getEntry(b2!.id)).to.equal(undefined);
    await relaysTo(regtest, node, honest);
  });

  it('bans a peer whose headers carry bad proof of work (invalid-header: high-hash)', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const bad = mineBlock(regtest, genesisOf(regtest), { unmined: true });
    raw.send(regtest, { type: 'headers', headers: [bad.block.header] });
    await waitFor('the raw peer to be banned', () => raw.closed !== undefined);
    expect(banned(node)[0]).to.match(/^invalid-header: .*high-hash/);
    await relaysTo(regtest, node, honest);
  });

  it('bans a peer whose headers do not build on each other (headers-non-continuous)', async () => {
    const { node } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const [b1] = mineChain(regtest, genesisOf(regtest), 1);
    const other = mineBlock(regtest, genesisOf(regtest), { extraNonce: 7 });
    raw.send(regtest, { type: 'headers', headers: [b1!.block.header, other.block.header] });
    await waitFor('the raw peer to be banned', () => raw.closed !== undefined);
    expect(banned(node)[0]).to.match(/^headers-non-continuous/);
  });

  it('scores a flood of messages (+50 per second over the limit) and bans a sustained one', async () => {
    const { node, honest } = await nodeWithHonestPeer({ messageRate: { capacity: 20, perSecond: 5 } });
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    const ping = { type: 'ping' as const, nonce: new Uint8Array(8) };
    for (let i = 0; i < 50; i++) raw.send(regtest, ping);
    await waitFor('the flood to be scored', () => node.logs.has(/peer misbehaved: flood \(\+50\)/));
    expect(node.manager.peers().find((p) => p.userAgent === '/raw-test/')?.banScore).to.equal(50);
    await waitFor(
      'a sustained flood to be banned',
      () => {
        for (let i = 0; i < 10; i++) raw.send(regtest, ping);
        return raw.closed !== undefined;
      },
      5_000,
    );
    expect(banned(node)[0]).to.match(/^flood/);
    await relaysTo(regtest, node, honest);
  });

  it('drops and bans a peer that sends a frame over the maximum message size (oversize)', async () => {
    const { node, honest } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    raw.sendBytes(new Uint8Array(MAX_MESSAGE_SIZE + 1));
    await waitFor('the raw peer to be dropped', () => raw.closed !== undefined);
    expect(banned(node)[0]).to.match(/^oversize/);
    await relaysTo(regtest, node, honest);
  });

  it('scores malformed payloads and unknown commands without dropping at once', async () => {
    const { node } = await nodeWithHonestPeer();
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    raw.sendBytes(new Uint8Array([...new Uint8Array(new Uint32Array([regtest.magic]).buffer), 0x7f, 0, 0, 0, 0, 0x5d, 0xf6, 0xe0, 0xe2]));
    await waitFor('unknown-command to be scored', () => node.logs.has(/peer misbehaved: unknown-command/));
    raw.ws.send('a text frame');
    await waitFor('the text frame to be scored', () => node.logs.has(/peer misbehaved: malformed/));
    expect(raw.closed).to.equal(undefined);
    expect(node.manager.peers().find((p) => p.userAgent === '/raw-test/')?.banScore).to.equal(30);
  });
});
