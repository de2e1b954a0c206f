/**
 * Prometheus metrics on the API's own registry (never prom-client's global one, so
 * two nodes in one process, as in tests, do not mix). Gauges read the node when
 * scraped; counters count events from the moment the API was created.
 *
 * prom-client is loaded on the first scrape, not at start: it and what it brings
 * (OpenTelemetry's API, its process metrics' timers) are memory and wake-ups an idle node
 * nobody scrapes does not need (`npm run bench -- memory`). Until then the events are
 * counted here in plain numbers and handed to the counters when they are made, so the
 * first scrape reports every event since start. The process metrics (CPU, heap, event
 * loop lag) start with that first scrape: their counters are process-wide (CPU seconds
 * since the process started), the lag histogram covers the time since.
 */
import type { Counter, Histogram, Registry } from 'prom-client';
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

interface EventCounters {
  reorgs: Counter;
  depth: Histogram;
  bans: Counter;
  blocks: Counter;
}

export function createMetrics(deps: ApiDeps): NodeMetrics {
  const { chain, peers } = deps;
  // Before the first scrape: reorgs by depth (bounded by the distinct depths), bans, blocks.
  const before = { reorgDepths: new Map<number, number>(), bans: 0, blocks: 0 };
  let counters: EventCounters | undefined;
  chain.on('reorg', (r) => {
    if (counters === undefined) return void before.reorgDepths.set(r.depth, (before.reorgDepths.get(r.depth) ?? 0) + 1);
    counters.reorgs.inc();
    counters.depth.observe(r.depth);
  });
  chain.on('blockConnected', () => (counters === undefined ? before.blocks++ : counters.blocks.inc()));
  peers.on('banned', () => (counters === undefined ? before.bans++ : counters.bans.inc()));

  let registry: Promise<Registry> | undefined;
  const load = async (): Promise<Registry> => {
    const prom = await import('prom-client');
    const { registry, counters: made } = buildRegistry(prom, deps);
    // One synchronous step from here to `counters = made`: no event falls between the hand-over and the switch.
    for (const [depth, n] of before.reorgDepths) {
      made.reorgs.inc(n);
      for (let i = 0; i < n; i++) made.depth.observe(depth);
    }
    made.bans.inc(before.bans);
    made.blocks.inc(before.blocks);
    counters = made;
    return registry;
  };
  return {
    async scrape() {
      registry ??= load().catch((e: unknown) => {
        registry = undefined; // not kept: the next scrape tries again
        throw e;
      });
      const r = await registry;
      return { contentType: r.contentType, text: await r.metrics() };
    },
  };
}

function buildRegistry(prom: typeof import('prom-client'), { chain, peers, mining, mempool }: ApiDeps): { registry: Registry; counters: EventCounters } {
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = prom;
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers, collect() { this.set(read()); } });
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

  const reorgs = new Counter({ name: 'toychain_reorgs_total', help: 'reorganisations of the active chain', registers });
  const depth = new Histogram({ name: 'toychain_reorg_depth', help: 'blocks disconnected per reorganisation', buckets: [1, 2, 3, 5, 8, 13, 21], registers });
  const bans = new Counter({ name: 'toychain_bans_total', help: 'peers banned for misbehaviour', registers });
  const blocks = new Counter({ name: 'toychain_blocks_connected_total', help: 'blocks connected to the active chain', registers });

  collectDefaultMetrics({ register: registry });
  return { registry, counters: { reorgs, depth, bans, blocks } };
}
