/**
 * Prometheus metrics on the API's own registry (never prom-client's global one, so
 * two nodes in one process, as in tests, do not mix). Gauges read the node when
 * scraped; counters count events from the moment the API was created.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiDeps } from './services.js';

/** log2 of a positive bigint as a float: chainwork outgrows a float's integer range. */
export function log2(n: bigint): number {
  if (n <= 0n) return 0;
  const bits = n.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(n >> BigInt(shift))) + shift;
}

export function createMetrics({ chain, peers, mining }: ApiDeps): Registry {
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
  // The mempool does not exist yet (a later issue): it reads as empty until it does.
  gauge('toychain_mempool_transactions', 'transactions in the mempool', () => 0);
  gauge('toychain_mempool_bytes', 'serialized bytes of the mempool\'s transactions', () => 0);

  const reorgs = new Counter({ name: 'toychain_reorgs_total', help: 'reorganisations of the active chain', registers });
  const depth = new Histogram({ name: 'toychain_reorg_depth', help: 'blocks disconnected per reorganisation', buckets: [1, 2, 3, 5, 8, 13, 21], registers });
  const bans = new Counter({ name: 'toychain_bans_total', help: 'peers banned for misbehaviour', registers });
  const blocks = new Counter({ name: 'toychain_blocks_connected_total', help: 'blocks connected to the active chain', registers });
  chain.on('reorg', (r) => {
    reorgs.inc();
    depth.observe(r.depth);
  });
  chain.on('blockConnected', () => blocks.inc());
  peers.on('banned', () => bans.inc());

  collectDefaultMetrics({ register: registry });
  return registry;
}
