import { expect } from 'chai';
import { errorOf, peerInfo, startApi, type TestApi } from './api-fixture.js';

describe('api: /network/deny and /network/link', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('replaces the deny list, drops the named peers and reports how many', async () => {
    api.peers.list.push(peerInfo(1, 'ws://127.0.0.1:9001'), peerInfo(2, 'ws://127.0.0.1:9002'));
    const res = await api.send('PUT', '/network/deny', { addresses: ['ws://127.0.0.1:9002'] });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ addresses: ['ws://127.0.0.1:9002'], dropped: 1 });
    expect(await api.getJson('/network/deny')).to.deep.equal({ addresses: ['ws://127.0.0.1:9002'] });
    expect(api.peers.list.map((p) => p.id)).to.deep.equal([1]);
  });

  it('refuses a malformed address (400 bad-request) and keeps the old list', async () => {
    api.peers.denied = ['ws://127.0.0.1:9009'];
    const e = await errorOf(await api.send('PUT', '/network/deny', { addresses: ['http://example.com'] }));
    expect([e.status, e.code]).to.deep.equal([400, 'bad-request']);
    expect(e.message).to.match(/addresses\.0/);
    expect(api.peers.denied).to.deep.equal(['ws://127.0.0.1:9009']);
  });

  it('sets link shaping with defaults for jitter and drop rate', async () => {
    const res = await api.send('PUT', '/network/link', { delayMs: 250 });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ delayMs: 250, jitterMs: 0, dropRate: 0 });
    expect(await api.getJson('/network/link')).to.deep.equal({ delayMs: 250, jitterMs: 0, dropRate: 0 });
  });

  for (const [body, field] of [
    [{ delayMs: -1 }, 'delayMs'],
    [{ delayMs: 1.5 }, 'delayMs'],
    [{ delayMs: 4000, jitterMs: 2000 }, 'delayMs + jitterMs'],
    [{ delayMs: 0, dropRate: 2 }, 'dropRate'],
    [{ delay: 100 }, 'delay'],
  ] as const) {
    it(`refuses link shaping ${JSON.stringify(body)} (400 bad-request naming ${field}), changing nothing`, async () => {
      const e = await errorOf(await api.send('PUT', '/network/link', body));
      expect([e.status, e.code]).to.deep.equal([400, 'bad-request']);
      expect(e.message).to.include(field);
      expect(api.peers.calls.filter((c) => c.startsWith('link'))).to.deep.equal([]);
    });
  }
});

describe('api: /mining/share', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('sets and reads the share of the hash power', async () => {
    const res = await api.send('PUT', '/mining/share', { share: 0.25 });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ share: 0.25 });
    expect(await api.getJson('/mining/share')).to.deep.equal({ share: 0.25 });
  });

  for (const share of [0, -1, 1.5, '1']) {
    it(`refuses share ${JSON.stringify(share)} (400 bad-request), changing nothing`, async () => {
      const e = await errorOf(await api.send('PUT', '/mining/share', { share }));
      expect([e.status, e.code]).to.deep.equal([400, 'bad-request']);
      expect(e.message).to.include('share');
      expect(api.mining.shareValue).to.equal(1);
    });
  }
});
