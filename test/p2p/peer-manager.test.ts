import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { regtest } from '../../src/consensus/params.js';
import { HandshakeError, InvalidPeerAddressError, NetworkInactiveError, PeerConnectError, PortInUseError, TooManyPeersError, AlreadyConnectedError } from '../../src/p2p/errors.js';
import type { PeerInfo } from '../../src/p2p/peer-control.js';
import { genesisOf, mineBlock } from '../helpers/blocks.js';
import { Fixture, relaysTo, waitFor } from './fixture.js';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('resolved, expected a rejection');
}

describe('PeerManager', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('rejects a busy port with PortInUseError naming the port and --p2p-port', async () => {
    const a = await fx.node(regtest);
    const e = await rejection(fx.node(regtest, { port: a.port }));
    expect(e).to.be.instanceOf(PortInUseError);
    expect(e.message).to.contain(String(a.port)).and.to.contain('--p2p-port');
  });

  it('rejects addresses that are not ws://HOST:PORT (InvalidPeerAddressError)', async () => {
    const a = await fx.node(regtest);
    for (const bad of ['garbage', 'http://127.0.0.1:1', 'ws://127.0.0.1', 'ws://127.0.0.1:99999', 'ws://127.0.0.1:1/path', 'ws://u:p@127.0.0.1:1']) {
      expect(await rejection(a.manager.connect(bad)), bad).to.be.instanceOf(InvalidPeerAddressError);
      expect(() => a.manager.addPersistentPeer(bad), bad).to.throw(InvalidPeerAddressError);
    }
  });

  it('emits peerJoined and peerLeft, and disconnect(id) drops the peer', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    const joined: PeerInfo[] = [];
    const left: string[] = [];
    a.manager.on('peerJoined', (p) => joined.push(p));
    a.manager.on('peerLeft', (_p, reason) => left.push(reason));
    await b.manager.connect(a.url);
    await waitFor('peerJoined', () => joined.length === 1);
    expect(await rejection(b.manager.connect(a.url))).to.be.instanceOf(AlreadyConnectedError);
    expect(a.manager.disconnect(joined[0]!.id)).to.equal(true);
    expect(a.manager.disconnect(9999)).to.equal(false);
    await waitFor('peerLeft', () => left.length === 1);
    expect(left[0]).to.equal('disconnected by request');
    await waitFor('b to see it leave', () => b.manager.peers().length === 0);
  });

  it('keeps the inbound and outbound limits', async () => {
    const a = await fx.node(regtest, { maxInbound: 1 });
    const b = await fx.node(regtest, { maxOutbound: 1 });
    const c = await fx.node(regtest);
    await b.manager.connect(a.url);
    const full = await rejection(c.manager.connect(a.url));
    expect(full).to.be.instanceOf(HandshakeError);
    expect(full.message).to.match(/too many inbound peers/);
    expect(await rejection(b.manager.connect(c.url))).to.be.instanceOf(TooManyPeersError);
  });

  it('setNetworkActive(false) drops every peer and refuses new ones; true reconnects persistent peers', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest, { reconnectBaseMs: 20, reconnectMaxMs: 200 });
    const c = await fx.node(regtest);
    b.manager.addPersistentPeer(a.url);
    await waitFor('b to connect to a', () => b.manager.peers().length === 1);
    await c.manager.connect(b.url);
    await waitFor('b to have two peers', () => b.manager.peers().length === 2);

    b.manager.setNetworkActive(false);
    expect(b.manager.networkActive).to.equal(false);
    expect(b.manager.peers()).to.deep.equal([]);
    await waitFor('a and c to see b leave', () => a.manager.peers().length === 0 && c.manager.peers().length === 0);
    expect(await rejection(b.manager.connect(a.url))).to.be.instanceOf(NetworkInactiveError);
    const refused = await rejection(c.manager.connect(b.url));
    expect(refused.message).to.match(/network inactive/);
    expect(b.logs.has(/persistent peer unreachable/)).to.equal(false);

    b.manager.setNetworkActive(true);
    await waitFor('b to reconnect to a', () => b.manager.peers().some((p) => p.address === a.url));
    await relaysTo(regtest, a, b);
  });

  it('reconnects a persistent peer with backoff after the connection drops or fails', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest, { reconnectBaseMs: 20, reconnectMaxMs: 100 });
    b.manager.addPersistentPeer(a.url);
    await waitFor('the first connection', () => a.manager.peers().length === 1);
    a.manager.disconnect(a.manager.peers()[0]!.id);
    await waitFor('the drop', () => b.manager.peers().length === 0);
    await waitFor('the reconnection', () => b.manager.peers().length === 1 && a.manager.peers().length === 1);
    // An address where nothing listens: attempts are retried and logged, never thrown.
    const gone = await fx.node(regtest);
    const goneUrl = gone.url;
    await gone.manager.stop();
    b.manager.addPersistentPeer(goneUrl);
    await waitFor('two failed attempts', () => b.logs.lines.filter((l) => l.msg === 'persistent peer unreachable: will retry' && l.address === goneUrl).length >= 2);
  });

  it('keeps bans across a restart, keyed by the connecting socket, never by the port a peer claims', async () => {
    const datadir = await fx.tempDir();
    const first = await fx.node(regtest, { datadir });
    const raw = await fx.raw(first.url);
    await raw.handshake(regtest, { listenPort: 5555 });
    await waitFor('the raw peer to be listed', () => first.manager.peers().length === 1);
    const connecting = first.manager.peers()[0]!.address;
    raw.send(regtest, { type: 'block', block: mineBlock(regtest, genesisOf(regtest), { unmined: true }).block });
    await waitFor('the ban', () => raw.closed !== undefined);
    expect(first.manager.bans().map((b) => b.address)).to.deep.equal([connecting]);
    expect(connecting).to.not.equal('127.0.0.1:5555');
    await first.manager.stop();
    expect((await readdir(datadir)).filter((f) => f.includes('.tmp'))).to.deep.equal([]);

    const second = await fx.node(regtest, { datadir });
    expect(second.manager.bannedCount()).to.equal(1);
    // The operator may dial any address: nothing listens at 5555, so the socket fails, no ban refuses it.
    expect(await rejection(second.manager.connect('ws://127.0.0.1:5555'))).to.be.instanceOf(PeerConnectError);
    // A peer claiming the claimed port again is not refused: a claim frames no one.
    const again = await fx.raw(second.url);
    await again.handshake(regtest, { listenPort: 5555 });
    await waitFor('the peer claiming 5555 to be listed', () => second.manager.peers().length === 1);
    expect(again.closed).to.equal(undefined);
  });

  it('expires bans after banTimeSec', async () => {
    let now = Date.now();
    const a = await fx.node(regtest, { banTimeSec: 60, clock: () => now });
    const raw = await fx.raw(a.url);
    await raw.handshake(regtest, { listenPort: 6666 });
    raw.send(regtest, { type: 'block', block: mineBlock(regtest, genesisOf(regtest), { unmined: true }).block });
    await waitFor('the ban', () => a.manager.bannedCount() === 1);
    now += 61_000;
    expect(a.manager.bannedCount()).to.equal(0);
  });
});
