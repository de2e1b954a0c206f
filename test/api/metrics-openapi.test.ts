import { expect } from 'chai';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineBlock, mineChain, spendTx } from '../helpers/blocks.js';
import { peerInfo, servedRoutes, startApi, type TestApi } from './api-fixture.js';
import { waitFor } from '../helpers/node-process.js';

/** regtest with coinbases spendable two blocks later, so a test needs only a few blocks. */
const quick: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };
const SUBSIDY = 50n * 100_000_000n;


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

  it('exposes height, chainwork, peers, hashrate, orphans, bans and reorgs', async () => {
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
    expect(text).to.contain('# TYPE toychain_reorgs_total counter');
    expect(text).to.contain('process_cpu_user_seconds_total');
  });

  it('counts the events before the first scrape and after it alike (prom-client loads on the first scrape)', async () => {
    const genesis = genesisOf(api.params);
    for (const b of mineChain(api.params, genesis, 1)) await api.chain.processBlock(b.block);
    for (const b of mineChain(api.params, genesis, 2, () => ({ extraNonce: 1 }))) await api.chain.processBlock(b.block);
    api.peers.emit('banned', '10.0.0.9', 'high-hash');
    const first = await (await api.get('/metrics')).text();
    expect(metricValue(first, 'toychain_reorgs_total')).to.equal(1);
    expect(metricValue(first, 'toychain_bans_total')).to.equal(1);
    expect(metricValue(first, 'toychain_blocks_connected_total')).to.equal(3);
    expect(metricValue(first, 'toychain_reorg_depth_count')).to.equal(1);

    // A third branch, longer again: a second reorg, after prom-client's counters were made.
    const tip = api.chain.tip;
    expect(tip.height).to.equal(2);
    for (const b of mineChain(api.params, genesis, 3, () => ({ extraNonce: 2 }))) await api.chain.processBlock(b.block);
    api.peers.emit('banned', '10.0.0.10', 'high-hash');
    const second = await (await api.get('/metrics')).text();
    expect(metricValue(second, 'toychain_reorgs_total')).to.equal(2);
    expect(metricValue(second, 'toychain_bans_total')).to.equal(2);
    expect(metricValue(second, 'toychain_blocks_connected_total')).to.equal(6);
    expect(metricValue(second, 'toychain_reorg_depth_count')).to.equal(2);
    expect(metricValue(second, 'toychain_reorg_depth_sum')).to.equal(1 + 2);
  });

  it('shows only measured event-loop values: the lag from the first scrape, the delays once they have a sample, never NaN', async () => {
    const samples = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const first = await (await api.get('/metrics')).text();
    expect(samples(first).filter((l) => /\b(NaN|Nan)$/.test(l))).to.deep.equal([]);
    // Measured during the scrape (a wait for setImmediate), so never the 0 of a gauge not yet set.
    expect(metricValue(first, 'nodejs_eventloop_lag_seconds')).to.be.above(0);
    // Any delay written must be a sample: with none, prom-client wrote min 2^63 ns (9.2e9 s) and max 0.
    const delays = (text: string): Record<string, number> | undefined => {
      if (!text.includes('\nnodejs_eventloop_lag_mean_seconds ')) return undefined;
      return Object.fromEntries(['min', 'max', 'mean', 'stddev', 'p50', 'p99'].map((s) => [s, metricValue(text, `nodejs_eventloop_lag_${s}_seconds`)]));
    };
    const sampled = await waitFor('a scrape with the event-loop delays', async () => delays(await (await api.get('/metrics')).text()));
    for (const d of [sampled, delays(await (await api.get('/metrics')).text())]) {
      expect(d, 'kept once sampled, also by a scrape right after another').to.not.equal(undefined);
      expect(Object.values(d!).every(Number.isFinite)).to.equal(true);
      expect(d!.min).to.be.above(0).and.at.most(d!.mean!);
      expect(d!.mean).to.be.at.most(d!.max!);
      expect(d!.max).to.be.below(60); // seconds: a real delay of this test's event loop
    }
  });

  it('follows the mempool: every gauge reads what /status and /mempool read, as transactions come and go', async () => {
    await api.close();
    api = await startApi({ params: quick });
    const blocks = mineChain(quick, genesisOf(quick), 3);
    for (const b of blocks) await api.chain.processBlock(b.block);
    const key = KEYS[0]!;
    const payments = blocks.slice(0, 2).map((b, i) =>
      spendTx([{ outpoint: coinbaseOutpoint(b), coin: { value: SUBSIDY, pubkey: key.pubkey }, privateKey: key.privateKey }], [{ value: SUBSIDY - 1000n * BigInt(i + 1), pubkey: KEYS[1]!.pubkey }]),
    );
    const gauges = async () => {
      const text = await (await api.get('/metrics')).text();
      return { count: metricValue(text, 'toychain_mempool_transactions'), bytes: metricValue(text, 'toychain_mempool_bytes'), height: metricValue(text, 'toychain_height') };
    };
    const truth = async () => {
      const status = await api.getJson('/status');
      return { count: status.mempool.count, bytes: status.mempool.bytes, height: status.height };
    };
    const seen: number[] = [];
    for (const tx of payments) {
      expect((await api.mempool.accept(tx)).ok).to.equal(true);
      const g = await gauges();
      expect(g).to.deep.equal(await truth());
      seen.push(g.count);
    }
    expect(seen).to.deep.equal([1, 2]);
    // A block confirming both empties the pool, and the gauges follow it down.
    const last = blocks[blocks.length - 1]!;
    await api.chain.processBlock(mineBlock(quick, last, { txs: payments }).block);
    expect(await gauges()).to.deep.equal({ count: 0, bytes: 0, height: 4 });
  });

  it('follows peers, bans, mining and the network switch as they change', async () => {
    const read = async (name: string) => metricValue(await (await api.get('/metrics')).text(), name);
    for (const n of [1, 3]) {
      api.peers.list = Array.from({ length: n }, (_, i) => peerInfo(i + 1));
      api.peers.banned = n + 1;
      api.peers.networkActive = n === 1;
      api.mining.state = { active: n === 3, hashrate: 100 * n, workers: 2 };
      expect(await read('toychain_peers')).to.equal(n);
      expect(await read('toychain_banned_addresses')).to.equal(n + 1);
      expect(await read('toychain_network_active')).to.equal(n === 1 ? 1 : 0);
      expect(await read('toychain_mining_active')).to.equal(n === 3 ? 1 : 0);
      expect(await read('toychain_hashrate')).to.equal(100 * n);
    }
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

  it('marks every mutating route but POST /tx as needing the bearer token, and says of every read that it needs none', async () => {
    const doc = await api.getJson('/openapi.json');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const needsToken = method !== 'get' && `${method} ${path}` !== 'post /tx';
        expect(op.security, `${method} ${path}`).to.deep.equal(needsToken ? [{ bearer: [] }] : []);
      }
    }
  });

  it('names every operation (operationId), uniquely', async () => {
    const doc = await api.getJson('/openapi.json');
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('describes request bodies from the validation schemas', async () => {
    const doc = await api.getJson('/openapi.json');
    const generate = doc.paths['/mining/generate'].post.requestBody.content['application/json'].schema;
    expect(generate.properties.blocks).to.include({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(generate.required).to.deep.equal(['blocks']);
  });
});
