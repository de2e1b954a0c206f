import { expect } from 'chai';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { peerInfo, servedRoutes, startApi, type TestApi } from './api-fixture.js';


function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no metric ${name}`);
  return Number(line.slice(name.length + 1));
}

describe('api: GET /metrics', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('exposes height, chainwork, peers, hashrate, orphans, bans, reorgs and mempool size', async () => {
    const genesis = genesisOf(api.params);
    for (const b of mineChain(api.params, genesis, 2)) await api.chain.processBlock(b.block);
    for (const b of mineChain(api.params, genesis, 3, () => ({ extraNonce: 1 }))) await api.chain.processBlock(b.block);
    api.peers.list.push(peerInfo(1), peerInfo(2));
    api.peers.emit('banned', '10.0.0.9', 'high-hash');
    api.peers.banned = 1;
    api.mining.state = { active: true, hashrate: 777, workers: 2 };

    const res = await api.get('/metrics');
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await res.text();
    expect(metricValue(text, 'toychain_height')).to.equal(3);
    expect(metricValue(text, 'toychain_chainwork')).to.equal(Number(api.chain.tip.chainwork));
    expect(metricValue(text, 'toychain_chainwork_log2')).to.be.closeTo(Math.log2(Number(api.chain.tip.chainwork)), 1e-9);
    expect(metricValue(text, 'toychain_peers')).to.equal(2);
    expect(metricValue(text, 'toychain_hashrate')).to.equal(777);
    expect(metricValue(text, 'toychain_orphans')).to.equal(0);
    expect(metricValue(text, 'toychain_reorgs_total')).to.equal(1);
    expect(metricValue(text, 'toychain_bans_total')).to.equal(1);
    expect(metricValue(text, 'toychain_banned_addresses')).to.equal(1);
    expect(metricValue(text, 'toychain_mempool_transactions')).to.equal(0);
    expect(metricValue(text, 'toychain_mempool_bytes')).to.equal(0);
    expect(text).to.contain('# TYPE toychain_reorgs_total counter');
    expect(text).to.contain('process_cpu_user_seconds_total');
  });

  it('keeps each API on its own registry', async () => {
    const other = await startApi();
    try {
      for (const b of mineChain(api.params, genesisOf(api.params), 2)) await api.chain.processBlock(b.block);
      expect(metricValue(await (await other.get('/metrics')).text(), 'toychain_height')).to.equal(0);
      expect(metricValue(await (await api.get('/metrics')).text(), 'toychain_height')).to.equal(2);
    } finally {
      await other.close();
    }
  });
});

describe('api: GET /openapi.json', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('is an OpenAPI 3.1 document that describes every route express serves, and only those', async () => {
    const doc = await api.getJson('/openapi.json');
    expect(doc.openapi).to.equal('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const served = servedRoutes(api.app);
    expect(served.length).to.be.greaterThan(10);
    expect(documented.sort()).to.deep.equal(served.sort());
  });

  it('marks every mutating route but POST /tx as needing the bearer token, and no read', async () => {
    const doc = await api.getJson('/openapi.json');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.security !== undefined, `${method} ${path}`).to.equal(method !== 'get' && `${method} ${path}` !== 'post /tx');
      }
    }
  });

  it('describes request bodies from the validation schemas', async () => {
    const doc = await api.getJson('/openapi.json');
    const generate = doc.paths['/mining/generate'].post.requestBody.content['application/json'].schema;
    expect(generate.properties.blocks).to.include({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(generate.required).to.deep.equal(['blocks']);
  });
});
