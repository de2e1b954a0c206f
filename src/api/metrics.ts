/**
 * Prometheus metrics on the API's own registry (never prom-client's global one, so
 * two nodes in one process, as in tests, do not mix). Gauges read the node when
 * scraped; counters count events from the moment the API was created.
 *
 * prom-client is loaded on the first scrape, not at start: it and what it brings
 * (OpenTelemetry's API, its process metrics' timers) are memory and wake-ups an idle node
 * nobody scrapes does not need (`npm run bench -- memory`: 1.4 MB). So the events are
 * counted here in plain numbers from the start, and the counters made on the first
 * scrape read those numbers whenever they are scraped: one count, whenever the scrape.
 * The process metrics (CPU, heap, event loop) start with that first scrape: their
 * counters are process-wide (CPU seconds since the process started), the event-loop
 * delays cover the time since (see eventLoopLag).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import type { ApiDeps } from './services.js';

/** log2 of a positive bigint as a float: chainwork outgrows a float's integer range. */
export function log2(n: bigint): number {
  if (n <= 0n) return 0;
  const bits = n.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(n >> BigInt(shift))) + shift;
}

/** The node's metrics: the text exposition, made on demand. */
export interface NodeMetrics {
  scrape(): Promise<{ contentType: string; text: string }>;
}

/** What the counters count, from the moment the API was created. */
interface EventCounts {
  /** reorganisations by depth (bounded by the distinct depths) */
  reorgDepths: Map<number, number>;
  bans: number;
  blocks: number;
}

export function createMetrics(deps: ApiDeps): NodeMetrics {
  const { chain, peers } = deps;
  const counts: EventCounts = { reorgDepths: new Map(), bans: 0, blocks: 0 };
  chain.on('reorg', (r) => void counts.reorgDepths.set(r.depth, (counts.reorgDepths.get(r.depth) ?? 0) + 1));
  chain.on('blockConnected', () => void counts.blocks++);
  peers.on('banned', () => void counts.bans++);

  let made: Promise<{ registry: Registry; sampleLag: () => Promise<void> }> | undefined;
  return {
    async scrape() {
      made ??= import('prom-client').then((prom) => buildRegistry(prom, deps, counts)).catch((e: unknown) => {
        made = undefined; // not kept: the next scrape tries again
        throw e;
      });
      const { registry, sampleLag } = await made;
      await sampleLag();
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

function buildRegistry(prom: typeof import('prom-client'), { chain, peers, mining, mempool }: ApiDeps, counts: EventCounts): { registry: Registry; sampleLag: () => Promise<void> } {
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = prom;
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers, collect() { this.set(read()); } });
  };
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
  };

  gauge('toychain_height', 'height of the active tip', () => chain.height);
  gauge('toychain_chainwork', 'chainwork of the active tip (expected hashes, as a float)', () => Number(chain.tip.chainwork));
  gauge('toychain_chainwork_log2', 'log2 of the chainwork of the active tip', () => log2(chain.tip.chainwork));
  gauge('toychain_orphans', 'blocks waiting in the orphan pool for their parent', () => chain.orphanCount);
  gauge('toychain_peers', 'connected peers', () => peers.peers().length);
  gauge('toychain_network_active', '1 when the node is plugged into the network, 0 when not', () => (peers.networkActive ? 1 : 0));
  gauge('toychain_banned_addresses', 'addresses banned right now', () => peers.bannedCount());
  gauge('toychain_hashrate', 'hashes per second of this node\'s miner (moving average)', () => mining.status().hashrate);
  gauge('toychain_mining_active', '1 while this node mines', () => (mining.status().active ? 1 : 0));
  new Gauge({ name: 'toychain_mining_kernel', help: 'the nonce kernel the miner runs, by label (wasm-simd or ts): always 1', labelNames: ['kernel'], registers, collect() { this.reset(); this.set({ kernel: mining.status().kernel ?? 'unknown' }, 1); } });
  gauge('toychain_mempool_transactions', 'transactions in the mempool', () => mempool.info().count);
  gauge('toychain_mempool_bytes', 'serialized bytes of the mempool\'s transactions', () => mempool.info().bytes);
  gauge('toychain_mempool_min_fee_rate', 'the lowest fee rate the mempool takes in, base units per byte', () => mempool.info().minFeeRate);

  counter('toychain_reorgs_total', 'reorganisations of the active chain', () => [...counts.reorgDepths.values()].reduce((a, n) => a + n, 0));
  new Histogram({
    name: 'toychain_reorg_depth', help: 'blocks disconnected per reorganisation', buckets: [1, 2, 3, 5, 8, 13, 21], registers,
    collect() {
      this.reset();
      for (const [depth, n] of counts.reorgDepths) for (let i = 0; i < n; i++) this.observe(depth);
    },
  });
  counter('toychain_bans_total', 'peers banned for misbehaviour', () => counts.bans);
  counter('toychain_blocks_connected_total', 'blocks connected to the active chain', () => counts.blocks);

  // prom-client's own event-loop gauges are replaced (eventLoopLag): its delay histogram, which
  // cannot be left out, gets the longest interval a timer takes, so it never wakes the node.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 2 ** 31 - 1 });
  return { registry, sampleLag: eventLoopLag(prom, registry) };
}

/** The event-loop gauges, by the names and help texts of prom-client's default ones, and what each reads of the delay histogram. */
const LAG = 'nodejs_eventloop_lag';
const DELAY_STATS: [string, string, (h: IntervalHistogram) => number][] = [
  ['min', 'The minimum recorded event loop delay.', (h) => h.min],
  ['max', 'The maximum recorded event loop delay.', (h) => h.max],
  ['mean', 'The mean of the recorded event loop delays.', (h) => h.mean],
  ['stddev', 'The standard deviation of the recorded event loop delays.', (h) => h.stddev],
  ['p50', 'The 50th percentile of the recorded event loop delays.', (h) => h.percentile(50)],
  ['p90', 'The 90th percentile of the recorded event loop delays.', (h) => h.percentile(90)],
  ['p99', 'The 99th percentile of the recorded event loop delays.', (h) => h.percentile(99)],
];

/**
 * eventLoopLag puts in place of prom-client's event-loop gauges ones that show only what
 * was measured. prom-client's read an empty delay histogram on the first scrape (and on
 * any scrape within its 10 ms resolution of the last): the mean and deviation NaN
 * (written `Nan`), the minimum 2^63 ns, and the lag itself 0, set only after the scrape
 * it belongs to. Here the lag is measured during the scrape (the wait for setImmediate),
 * and the histogram's gauges are left out of every scrape until the histogram has a
 * sample; a scrape that finds no new sample keeps the last values.
 * Gives what each scrape calls before the registry is read.
 */
function eventLoopLag(prom: typeof import('prom-client'), registry: Registry): () => Promise<void> {
  for (const { name } of registry.getMetricsAsArray()) if (name.startsWith(`${LAG}_`)) registry.removeSingleMetric(name);
  const delay = monitorEventLoopDelay();
  delay.enable();
  const lag = new prom.Gauge({ name: `${LAG}_seconds`, help: 'Lag of event loop in seconds.', registers: [registry] });
  let stats: InstanceType<typeof prom.Gauge>[] | undefined;
  return async () => {
    const start = process.hrtime.bigint();
    await new Promise((resolve) => setImmediate(resolve));
    lag.set(Number(process.hrtime.bigint() - start) / 1e9);
    if (delay.count === 0) return;
    stats ??= DELAY_STATS.map(([stat, help]) => new prom.Gauge({ name: `${LAG}_${stat}_seconds`, help, registers: [registry] }));
    DELAY_STATS.forEach(([, , read], i) => stats![i]!.set(read(delay) / 1e9));
    delay.reset();
  };
}
