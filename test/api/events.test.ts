import { expect } from 'chai';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { peerInfo, startApi, until, type TestApi } from './api-fixture.js';
import { SseClient } from './sse-client.js';

describe('api: GET /events (server-sent events)', () => {
  let api: TestApi;
  const clients: SseClient[] = [];
  const open = async (): Promise<SseClient> => {
    const client = await SseClient.open(`${api.url}/events`);
    clients.push(client);
    await client.ready();
    return client;
  };
  beforeEach(async () => {
    api = await startApi({ heartbeatMs: 20 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await api.close();
  });

  it('answers with an event stream', async () => {
    const client = await open();
    expect(client.response.statusCode).to.equal(200);
    expect(client.response.headers['content-type']).to.match(/^text\/event-stream/);
  });

  it('delivers block-connected and tip when a block connects', async () => {
    const client = await open();
    const [block] = mineChain(api.params, genesisOf(api.params), 1);
    await api.chain.processBlock(block!.block);
    const connected = await client.waitForEvent('block-connected');
    expect(connected.data).to.include({ hash: block!.id, height: 1, txCount: 1 });
    const tip = await client.waitForEvent('tip');
    expect(tip.data).to.include({ hash: block!.id, height: 1 });
  });

  it('delivers a reorg with its depth, fork and both chainworks', async () => {
    const genesis = genesisOf(api.params);
    const a = mineChain(api.params, genesis, 3);
    for (const b of a) await api.chain.processBlock(b.block);
    const client = await open();
    const b = mineChain(api.params, genesis, 4, () => ({ extraNonce: 1 }));
    for (const x of b) await api.chain.processBlock(x.block);

    const reorg = await client.waitForEvent('reorg');
    const oldWork = api.chain.getEntry(a[2]!.id)!.chainwork.toString(16).padStart(64, '0');
    const newWork = api.chain.tip.chainwork.toString(16).padStart(64, '0');
    expect(reorg.data).to.deep.equal({ oldTip: a[2]!.id, newTip: b[3]!.id, fork: genesis.id, depth: 3, connected: 4, oldChainwork: oldWork, newChainwork: newWork });
    const order = client.events.map((e) => e.event);
    expect(order).to.deep.equal([...Array(3).fill('block-disconnected'), ...Array(4).fill('block-connected'), 'tip', 'reorg']);
    expect(client.events.filter((e) => e.event === 'block-disconnected').map((e) => (e.data as { hash: string }).hash)).to.deep.equal([a[2]!.id, a[1]!.id, a[0]!.id]);
  });

  it('delivers peer-joined, peer-left and ban', async () => {
    const client = await open();
    api.peers.emit('peerJoined', peerInfo(4));
    api.peers.emit('peerLeft', peerInfo(4), 'closed by peer');
    api.peers.emit('banned', '10.0.0.1', 'high-hash');
    expect((await client.waitForEvent('peer-joined')).data).to.deep.equal(peerInfo(4));
    expect((await client.waitForEvent('peer-left')).data).to.deep.equal({ ...peerInfo(4), reason: 'closed by peer' });
    expect((await client.waitForEvent('ban')).data).to.deep.equal({ address: '10.0.0.1', reason: 'high-hash' });
  });

  it('sends heartbeat comments', async () => {
    const client = await open();
    await client.waitFor(() => client.comments.includes('heartbeat'), 'a heartbeat');
  });

  it('listens once however many clients, and removes its listeners when the clients go', async () => {
    const chainEvents = ['blockConnected', 'blockDisconnected', 'reorg', 'tip'] as const;
    const peerEvents = ['peerJoined', 'peerLeft', 'banned'] as const;
    const counts = (): number[] => [...chainEvents.map((e) => api.chain.listenerCount(e)), ...peerEvents.map((e) => api.peers.listenerCount(e))];
    const baseline = counts();

    const first = await open();
    const second = await open();
    expect(counts()).to.deep.equal(baseline.map((n) => n + 1));

    first.close();
    await until(() => (first.response.destroyed ?? false), 'the first client to hang up');
    // The second client still gets events.
    const [block] = mineChain(api.params, genesisOf(api.params), 1);
    await api.chain.processBlock(block!.block);
    await second.waitForEvent('block-connected');
    expect(counts()).to.deep.equal(baseline.map((n) => n + 1));

    second.close();
    await until(() => counts().every((n, i) => n === baseline[i]), 'the listeners to be removed');
  });
});
