import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { HandshakeError } from '../../src/p2p/errors.js';
import { CLOSE_REFUSED } from '../../src/p2p/peer.js';
import { testNetwork } from '../helpers/blocks.js';
import { Fixture, versionOf, waitFor } from './fixture.js';
import { hash32 } from '../../src/consensus/bytes.js';

describe('p2p handshake', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('refuses a node of another network (magic and genesis) with a logged reason', async () => {
    const other = testNetwork(regtest, { name: 'other', magic: 0x0a0b0c0d }, regtest.genesis.bits);
    const a = await fx.node(regtest);
    const b = await fx.node(other);
    let error: unknown;
    await b.manager.connect(a.url).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(HandshakeError);
    expect((error as Error).message).to.match(/another network/);
    expect(a.logs.has(/peer refused: peer is on another network \(magic 0x0a0b0c0d, ours 0x74637274\)/)).to.equal(true);
    expect(a.manager.bannedCount()).to.equal(0);
    expect(a.logs.has(/peer misbehaved/)).to.equal(false);
  });

  it('refuses a peer with the same magic but another genesis block', async () => {
    const a = await fx.node(regtest);
    const raw = await fx.raw(a.url);
    raw.send(regtest, { ...versionOf(regtest), genesis: hash32(new Uint8Array(32).fill(9)) });
    await waitFor('the refusal', () => raw.closed !== undefined);
    expect(raw.closed!.code).to.equal(CLOSE_REFUSED);
    expect(raw.closed!.reason).to.match(/another genesis block 0909/);
    expect(a.logs.has(/peer refused: peer has another genesis block/)).to.equal(true);
  });

  it('refuses a connection to itself (the version nonce is its own)', async () => {
    const a = await fx.node(regtest);
    let error: unknown;
    await a.manager.connect(a.url).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(HandshakeError);
    expect((error as Error).message).to.match(/connected to self/);
    expect(a.logs.has(/peer refused: connected to self/)).to.equal(true);
    await waitFor('no peers left', () => a.manager.peers().length === 0);
  });

  it('drops a peer that does not complete the handshake in time', async () => {
    const a = await fx.node(regtest, { handshakeTimeoutMs: 100 });
    const raw = await fx.raw(a.url);
    await waitFor('the timeout', () => raw.closed !== undefined);
    expect(raw.closed!.reason).to.equal('handshake timed out');
  });

  it('scores messages sent before the handshake (unexpected-handshake)', async () => {
    const a = await fx.node(regtest);
    const raw = await fx.raw(a.url);
    raw.send(regtest, { type: 'ping', nonce: new Uint8Array(8) });
    await waitFor('the offence', () => a.logs.has(/peer misbehaved: unexpected-handshake/));
  });

  it('answers pings with pongs once ready', async () => {
    const a = await fx.node(regtest);
    const raw = await fx.raw(a.url);
    await raw.handshake(regtest);
    raw.send(regtest, { type: 'ping', nonce: new Uint8Array(8).fill(5) });
    await waitFor('the pong', () => raw.messages(regtest).some((m) => m.type === 'pong' && m.nonce[0] === 5));
  });

  it('sends keepalive pings and drops a peer that never answers', async () => {
    const a = await fx.node(regtest, { pingIntervalMs: 50, pingTimeoutMs: 120 });
    const raw = await fx.raw(a.url);
    await raw.handshake(regtest);
    await waitFor('a ping', () => raw.messages(regtest).some((m) => m.type === 'ping'));
    await waitFor('the drop', () => raw.closed !== undefined);
    expect(raw.closed!.reason).to.equal('ping timed out');
  });
});
