/**
 * Network bench (issue 5): real `toychain node --network regtest` processes on
 * 127.0.0.1, each figure beside a baseline measured in this run without the network.
 *
 *   (a) block propagation over a line of LINE nodes (node i peers with node i-1): WARMUP
 *       blocks, then BLOCKS blocks generated one at a time on node 0; each node's SSE
 *       `block-connected` is timestamped on arrival in this process. Per hop: arrival at
 *       node k minus arrival at node k-1 (each node, node 0 included, relays a new block
 *       before its own connect, so a hop can be negative: the quartiles are printed). End to end: arrival at the last node minus
 *       generate's answer. Baseline: Chain.processBlock of the same blocks on a memory
 *       store (validate + connect, no network).
 *   (b) initial sync: SYNC_BLOCKS generated on a source node via the API; the source is
 *       stopped, its blocks read from its datadir, and it is started again on it. Then
 *       SYNC_RUNS rounds, each a fresh node with `--peer` to the source, timed until
 *       /status reaches the height, then the local baseline: the same blocks connected
 *       into a fresh Chain on classic-level in a temp dir with Chain.processBlock, one
 *       by one (validate + connect). Interleaved, so a burst of load on the machine
 *       falls on both figures alike; each figure is the median of its runs. For
 *       information only, each round also connects them batched, as sync does
 *       (processHeaders, then processBlocks in runs of MAX_RUN_BLOCKS).
 *
 * Every process started is stopped in a finally; every wait has a timeout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../src/chain/chain.js';
import { MAX_RUN_BLOCKS } from '../src/p2p/block-queue.js';
import { encodeBlock } from '../src/consensus/block.js';
import { blocksFileBytes, connectBlocks, mainThreadCpuMs } from './local-connect-child.js';
import type { Block } from '../src/consensus/block.js';
import { toDisplayHex } from '../src/consensus/bytes.js';
import { regtest } from '../src/consensus/params.js';
import { openLevelStore, openMemoryStore } from '../src/storage/level-store.js';
import type { ChainStore } from '../src/storage/store.js';
import { EventStream, NodeCluster, waitFor, type NodeProcess } from '../test/helpers/node-process.js';
import type { BenchSection, BenchSummary } from './run.js';
import { median } from './stats.js';
import { table } from './table.js';

const LINE = 5;
const WARMUP = 3;
const BLOCKS = 20;
const SYNC_BLOCKS = 2_000;
/** rounds of (b), each a fresh node synced then fresh local chains: each figure is the median of its runs */
const SYNC_RUNS = 5;
const GENERATE_BATCH = 500;
const ARRIVAL_TIMEOUT_MS = 10_000;
const SYNC_TIMEOUT_MS = 60_000;
/** pause between measured blocks so each one propagates on a quiet line */
const GAP_MS = 50;

// ---- reading and connecting blocks locally ---------------------------------

/** activeBlocks reads the active chain's blocks (heights 1..tip) from a stopped node's datadir. */
async function activeBlocks(datadir: string): Promise<Block[]> {
  const store = await openLevelStore(datadir);
  try {
    const records = new Map((await store.loadRecords()).map((r) => [toDisplayHex(r.hash), r]));
    const tip = await store.getTip();
    if (tip === undefined) throw new Error(`no tip in ${datadir}`);
    const blocks: Block[] = [];
    for (let r = records.get(toDisplayHex(tip)); r !== undefined && r.height > 0; r = records.get(toDisplayHex(r.header.prevHash))) {
      const block = await store.getBlock(r.hash);
      if (block === undefined) throw new Error(`block ${toDisplayHex(r.hash)} missing from ${datadir}`);
      blocks.push(block);
    }
    return blocks.reverse();
  } finally {
    await store.close();
  }
}

/** connectAll feeds `blocks` to a fresh Chain on `store` and returns each processBlock's time in ms. */
async function connectAll(store: ChainStore, blocks: readonly Block[]): Promise<number[]> {
  const chain = await Chain.open(store, regtest);
  const times: number[] = [];
  for (const block of blocks) {
    const t0 = performance.now();
    const outcome = await chain.processBlock(block);
    times.push(performance.now() - t0);
    if (outcome.status !== 'connected') throw new Error(`local connect: block ${outcome.blockId} ${outcome.status}`);
  }
  return times;
}

async function withMemoryStore<T>(fn: (store: ChainStore) => Promise<T>): Promise<T> {
  const store = await openMemoryStore();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

// ---- (a) propagation --------------------------------------------------------

interface Propagation {
  /** per hop k (node k-1 → node k), one delay per block, ms */
  hops: number[][];
  /** generate's answer → arrival at the last node, ms */
  endToEnd: number[];
  /** generate's answer → arrival at node 0 (negative: the event beat the answer) */
  origin: number[];
  /** the warm-up blocks (heights 1..WARMUP), then the measured ones */
  warmupBlocks: Block[];
  blocks: Block[];
}

async function propagation(cluster: NodeCluster): Promise<Propagation> {
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < LINE; i++) {
    const peers = i === 0 ? [] : [nodes[i - 1]!.p2pUrl];
    nodes.push(await cluster.start(`line${i}`, { peers }));
  }
  await waitFor('the line to connect', async () => {
    const statuses = await Promise.all(nodes.map((n) => n.status()));
    return statuses.every((s, i) => s.peers >= (i === 0 || i === LINE - 1 ? 1 : 2));
  }, 20_000);
  const streams = nodes.map((n) => new EventStream(`${n.apiUrl}/events`));
  try {
    await Promise.all(streams.map((s) => s.ready));
    const hops: number[][] = Array.from({ length: LINE - 1 }, () => []);
    const endToEnd: number[] = [];
    const origin: number[] = [];
    for (let i = 0; i < WARMUP + BLOCKS; i++) {
      const [hash] = await nodes[0]!.generate(1);
      const answered = performance.now();
      if (hash === undefined) throw new Error('generate returned no hash');
      const at = await waitFor(`block ${i + 1} at every node`, () => {
        const times = streams.map((s) => s.arrivalOf(hash));
        return times.every((t) => t !== undefined) ? (times as number[]) : undefined;
      }, ARRIVAL_TIMEOUT_MS, 2);
      if (i >= WARMUP) {
        for (let k = 1; k < LINE; k++) hops[k - 1]!.push(at[k]! - at[k - 1]!);
        endToEnd.push(at[LINE - 1]! - answered);
        origin.push(at[0]! - answered);
      }
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    const source = nodes[0]!;
    await cluster.stopAll();
    const all = await activeBlocks(source.datadir);
    if (all.length !== WARMUP + BLOCKS) throw new Error(`expected ${WARMUP + BLOCKS} blocks, read ${all.length}`);
    return { hops, endToEnd, origin, warmupBlocks: all.slice(0, WARMUP), blocks: all.slice(WARMUP) };
  } finally {
    await Promise.all(streams.map((s) => s.close()));
  }
}

/** localConnect: median ms of processBlock for `blocks` (after `warmup`) on a memory store, after a warm-up pass. */
async function localConnect(warmup: readonly Block[], blocks: readonly Block[]): Promise<number> {
  const all = [...warmup, ...blocks];
  await withMemoryStore((store) => connectAll(store, all));
  const times = await withMemoryStore((store) => connectAll(store, all));
  return median(times.slice(warmup.length));
}

// ---- (b) initial sync -------------------------------------------------------

interface SyncRun {
  /** from spawning the fresh node to /status at the height */
  fromSpawnBlocksPerSec: number;
  /** from the fresh node's API being up (node.json written) to /status at the height */
  fromUpBlocksPerSec: number;
  /** height the fresh node reported right after its API came up */
  heightWhenUp: number;
  startupMs: number;
  /** main-thread CPU of the fresh node per block synced, µs (undefined without /proc) */
  cpuUsPerBlock: number | undefined;
}

interface SyncResult {
  /** one per fresh node, in order */
  runs: SyncRun[];
  /** one per fresh process and classic-level chain, in order: processBlock one by one (the baseline) */
  localBlocksPerSec: number[];
  /** the same, batched as sync connects (information only) */
  localBatchedBlocksPerSec: number[];
  /** main-thread CPU per block of the fresh-process one-by-one runs, µs (empty without /proc) */
  localCpuUsPerBlock: number[];
  /** processBlock one by one inside this (warmed) process, the baseline before: kept for comparison */
  inProcessBlocksPerSec: number[];
  inProcessBatchedBlocksPerSec: number[];
  /** load average (1 min) before each round */
  loads: number[];
  generateMs: number;
}

/**
 * syncOnce starts a fresh node peered to `source` and times it to the source's height.
 * The node dials its peers before it writes node.json, so a few blocks may land before
 * "up": both figures are kept, with the height seen when up.
 */
async function syncOnce(cluster: NodeCluster, source: NodeProcess, name: string): Promise<SyncRun> {
  const spawned = performance.now();
  const fresh = await cluster.start(name, { peers: [source.p2pUrl] });
  try {
    const up = performance.now();
    const cpu0 = mainThreadCpuMs(fresh.child.pid!);
    const heightWhenUp = (await fresh.status()).height;
    await waitFor(`${name} to reach height ${SYNC_BLOCKS}`, async () => (await fresh.status()).height >= SYNC_BLOCKS, SYNC_TIMEOUT_MS, 20);
    const synced = performance.now();
    const cpu1 = mainThreadCpuMs(fresh.child.pid!);
    return {
      cpuUsPerBlock: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / (SYNC_BLOCKS - heightWhenUp),
      fromSpawnBlocksPerSec: (SYNC_BLOCKS * 1000) / (synced - spawned),
      fromUpBlocksPerSec: ((SYNC_BLOCKS - heightWhenUp) * 1000) / (synced - up),
      heightWhenUp,
      startupMs: up - spawned,
    };
  } finally {
    await fresh.stop();
  }
}

/** localSyncOnce connects `blocks` into a fresh Chain on classic-level in a temp dir and returns blocks/s. */
async function localSyncOnce(blocks: readonly Block[], batched = false): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'toychain-bench-sync-'));
  try {
    const store = await openLevelStore(dir);
    try {
      const ms = batched ? await connectBlocks(store, blocks, 'batched') : (await connectAll(store, blocks)).reduce((a, b) => a + b, 0);
      return (blocks.length * 1000) / ms;
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function initialSync(cluster: NodeCluster): Promise<SyncResult> {
  const first = await cluster.start('sync-source');
  const g0 = performance.now();
  for (let done = 0; done < SYNC_BLOCKS; done += GENERATE_BATCH) await first.generate(Math.min(GENERATE_BATCH, SYNC_BLOCKS - done));
  const generateMs = performance.now() - g0;
  if ((await first.status()).height !== SYNC_BLOCKS) throw new Error('source node did not reach the sync height');
  // The blocks for the local runs, read while the source is stopped (LevelDB allows one process).
  await first.stop();
  const blocks = await activeBlocks(first.datadir);
  if (blocks.length !== SYNC_BLOCKS) throw new Error(`expected ${SYNC_BLOCKS} blocks, read ${blocks.length}`);
  const source = await cluster.start('sync-source', { datadir: first.datadir });
  if ((await source.status()).height !== SYNC_BLOCKS) throw new Error('restarted source node is not at the sync height');
  // Warm-up for the in-process runs: a slice of the chain on a memory store, so they meet a warmed JIT.
  await withMemoryStore((store) => connectAll(store, blocks.slice(0, 200)));
  await withMemoryStore((store) => connectBlocks(store, blocks.slice(0, 200), 'batched'));
  const file = join(cluster.tempDir('sync-blocks'), 'blocks.bin');
  writeFileSync(file, blocksFileBytes(blocks.map((b) => encodeBlock(b))));
  const result: SyncResult = { runs: [], localBlocksPerSec: [], localBatchedBlocksPerSec: [], localCpuUsPerBlock: [], inProcessBlocksPerSec: [], inProcessBatchedBlocksPerSec: [], loads: [], generateMs };
  for (let run = 0; run < SYNC_RUNS; run++) {
    result.loads.push(loadavg()[0]!);
    result.runs.push(await syncOnce(cluster, source, `sync-fresh${run}`));
    const one = await freshProcessConnect(file, 'one');
    result.localBlocksPerSec.push(one.blocksPerSec);
    if (one.cpuUsPerBlock !== null) result.localCpuUsPerBlock.push(one.cpuUsPerBlock);
    result.localBatchedBlocksPerSec.push((await freshProcessConnect(file, 'batched')).blocksPerSec);
    result.inProcessBlocksPerSec.push(await localSyncOnce(blocks));
    result.inProcessBatchedBlocksPerSec.push(await localSyncOnce(blocks, true));
  }
  await cluster.stopAll();
  return result;
}

/** freshProcessConnect runs local-connect-child.ts on `file` in a new node process and returns its blocks/s and main-thread CPU per block. */
async function freshProcessConnect(file: string, mode: 'one' | 'batched'): Promise<{ blocksPerSec: number; cpuUsPerBlock: number | null }> {
  const child = new URL('./local-connect-child.js', import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, [child.pathname, file, mode], { timeout: SYNC_TIMEOUT_MS });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { blocksPerSec: number; cpuUsPerBlock: number | null };
}

// ---- report -----------------------------------------------------------------

/** quantile: the q-quantile of xs, linear between the two nearest ranks. */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

const ms = (x: number): string => `${x.toFixed(2)} ms`;
const ratio = (x: number, base: number): string => `${(x / base).toFixed(1)}x`;
const share = (x: number, base: number): string => `${(x / base).toFixed(2)}x`;
const bps = (x: number): string => `${x.toFixed(0)} blocks/s`;

export const networkBench: BenchSection = {
  name: 'network',
  async run(): Promise<Partial<BenchSummary>> {
    const cluster = new NodeCluster();
    try {
      const prop = await propagation(cluster);
      const sync = await initialSync(cluster);
      // Local baselines run with every node stopped. (a)'s warm-up blocks come first in
      // its chain, so its baseline connects them too, untimed.
      const local = await localConnect(prop.warmupBlocks, prop.blocks);
      const allHops = prop.hops.flat();
      const hop = median(allHops);
      const e2e = median(prop.endToEnd);
      const fromUp = median(sync.runs.map((r) => r.fromUpBlocksPerSec));
      const fromSpawn = median(sync.runs.map((r) => r.fromSpawnBlocksPerSec));
      const localSync = median(sync.localBlocksPerSec);

      console.log(table([
        ['measure', 'network', 'local baseline', 'network / local'],
        [`(a) propagation, median per hop (${BLOCKS} blocks x ${LINE - 1} hops)`, ms(hop), `${ms(local)} connect`, ratio(hop, local)],
        ...prop.hops.map((h, k) => [`    hop node ${k} -> node ${k + 1}, median`, ms(median(h)), '', ratio(median(h), local)]),
        [`(a) end to end, generate answered -> node ${LINE - 1}, median`, ms(e2e), `${ms(local * (LINE - 1))} (${LINE - 1} connects)`, ratio(e2e, local * (LINE - 1))],
        [`(b) initial sync, ${SYNC_BLOCKS} blocks from one peer, from API up`, bps(fromUp), bps(localSync), share(fromUp, localSync)],
        ['    the same, from process spawn (includes node start)', bps(fromSpawn), '', share(fromSpawn, localSync)],
      ]));
      console.log('');
      console.log(`(a) per-hop spread: min ${ms(Math.min(...allHops))}, max ${ms(Math.max(...allHops))}; node 0's own event vs generate's answer: median ${ms(median(prop.origin))}`);
      // Every node relays a new block before its own connect, so the next one's connect overlaps it and may end first.
      console.log(`(a) per-hop quartiles: ${ms(quantile(allHops, 0.25))} / ${ms(hop)} / ${ms(quantile(allHops, 0.75))}; ${allHops.filter((h) => h < 0).length} of ${allHops.length} hops negative (node k's event came before node k-1's: it had the block ahead and ended its connect first)`);
      const each = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
      console.log(`(b) medians of ${SYNC_RUNS} interleaved rounds (network, then local); load average before each: ${sync.loads.map((l) => l.toFixed(2)).join(', ')}`);
      const inProcess = median(sync.inProcessBlocksPerSec);
      const perRound = (xs: number[]): string => sync.runs.map((r, i) => share(r.fromUpBlocksPerSec, xs[i]!)).join(', ');
      console.log(`(b) network from API up: ${each(sync.runs.map((r) => r.fromUpBlocksPerSec))} blocks/s`);
      console.log(`(b) local one by one in a fresh process (the baseline): ${each(sync.localBlocksPerSec)} blocks/s; network / it per round: ${perRound(sync.localBlocksPerSec)}`);
      console.log(`(b) local one by one inside the warmed bench process (the baseline before): ${each(sync.inProcessBlocksPerSec)} blocks/s, median ${bps(inProcess)}; network / it: ${share(fromUp, inProcess)} (per round: ${perRound(sync.inProcessBlocksPerSec)})`);
      const netCpu = sync.runs.flatMap((r) => (r.cpuUsPerBlock === undefined ? [] : [r.cpuUsPerBlock]));
      if (netCpu.length > 0 && sync.localCpuUsPerBlock.length > 0) {
        const [n, l] = [median(netCpu), median(sync.localCpuUsPerBlock)];
        console.log(`(b) main-thread CPU per block (less swayed by the machine's load than wall time): network ${each(netCpu)} µs, median ${n.toFixed(0)}; local one by one ${each(sync.localCpuUsPerBlock)} µs, median ${l.toFixed(0)}; local / network ${share(l, n)}`);
      }
      console.log(`(b) for information, local batched as sync connects (headers, then runs of ${MAX_RUN_BLOCKS}): fresh process ${each(sync.localBatchedBlocksPerSec)}, median ${bps(median(sync.localBatchedBlocksPerSec))}; in process ${each(sync.inProcessBatchedBlocksPerSec)}, median ${bps(median(sync.inProcessBatchedBlocksPerSec))}`);
      console.log(`(b) fresh node start (spawn -> node.json): ${sync.runs.map((r) => r.startupMs.toFixed(0)).join(', ')} ms; height when up: ${sync.runs.map((r) => r.heightWhenUp).join(', ')}`);
      console.log(`(b) generating the ${SYNC_BLOCKS}-block source chain took ${(sync.generateMs / 1000).toFixed(1)} s (not timed in the figure)`);
      console.log('local baselines: Chain.processBlock (validate + connect), (a) on a memory store, (b) on classic-level in a temp dir, in a fresh process as the synced node is one');
      return { hopMedianMs: hop, syncBlocksPerSec: fromUp, localConnectBlocksPerSec: localSync, localConnectInProcessBlocksPerSec: inProcess };
    } finally {
      await cluster.cleanup();
    }
  },
};
