/**
 * A devnet's own network (`toychain devnet --block-time 10s`): made when the devnet
 * first starts in its folder, so blocks come at the asked pace from block 1 instead of
 * after a few retargets. The devnet measures this machine's hash rate with the mining
 * kernel, sets the starting difficulty to what its miners find in one block time, and
 * makes a genesis block now. The network is written to DEVNET_FOLDER/network.json and
 * every node runs it with --network-file; retargeting stays Bitcoin's rule from there.
 *
 * The same folder keeps its network across restarts; another --block-time (or --fresh)
 * makes a new one, and the nodes' chains of the old one are removed.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { NetworkParams } from '../consensus/params.js';
import { bitsForHashes, expectedHashesOf, measureHashrate, mineGenesis, poolSearch, randomMagic, withNoncePool, type NetworkSpec } from '../node/network-create.js';
import type { NoncePool } from '../mining/nonce-pool.js';
import { encodeNetworkFile, NetworkFileError, readNetworkFile } from '../node/network-file.js';

export const DEVNET_NETWORK_FILE = 'network.json';
export const DEFAULT_BLOCK_TIME_SEC = 10;

export interface DevnetPace {
  /** hashes a second the kernel did in the measurement, over `measuredThreads` threads together */
  measuredHashrate: number;
  measuredThreads: number;
  /** the nodes that mine (--miners; all of them by default) */
  nodes: number;
  /** mining threads per node */
  workers: number;
  /** cores the nodes share */
  cores: number;
  blockTimeSec: number;
}

/**
 * devnetHashrate is what the devnet's miners do together: the measured rate per busy core
 * (the measuring threads share min(threads, cores) cores) times the cores the miners'
 * threads can keep busy (nodes × workers, at most the cores).
 */
export function devnetHashrate(p: DevnetPace): number {
  const perCore = p.measuredHashrate / Math.min(p.measuredThreads, p.cores);
  return perCore * Math.min(p.nodes * p.workers, p.cores);
}

/** Samples of the kernel's rate at start; their median sets the starting difficulty. */
export const MEASURE_SAMPLES = 5;
export const MEASURE_SAMPLE_MS = 600;
/** More measuring threads than this tell nothing new on a small machine: they only share the cores. */
const MAX_MEASURE_THREADS = 16;

/** median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * measureMinersHashrate measures the kernel the way the devnet's miners will run it: as
 * many threads as they have (nodes × workers, sharing the cores), in MEASURE_SAMPLES short
 * samples, and takes the median, so a moment when other programs take the cores (or
 * leave them idle) does not set the devnet's difficulty. Measured: on a 2-core machine
 * shared with other builds, single 2-s samples of the same kernel ranged 2.6–6.3 MH/s
 * within a minute (npm run bench -- pace).
 */
export async function measureMinersHashrate(pool: NoncePool, samples = MEASURE_SAMPLES, sampleMs = MEASURE_SAMPLE_MS): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < samples; i++) rates.push(await measureHashrate(pool, sampleMs));
  return median(rates);
}

/** measuringThreads is how many threads the measurement runs: the miners' threads, bounded. */
export function measuringThreads(miners: number, workers: number): number {
  return Math.max(1, Math.min(miners * workers, MAX_MEASURE_THREADS));
}

/** deriveDevnetSpec makes the devnet's network: the asked block time, and starting bits for devnetHashrate × block time hashes a block. */
export function deriveDevnetSpec(p: DevnetPace, now: number, magic: number): NetworkSpec {
  return {
    name: `devnet-${p.blockTimeSec}s`,
    targetSpacing: p.blockTimeSec,
    retargetInterval: 20,
    coinbaseMaturity: 10,
    addressPrefix: 'tcdev',
    bits: bitsForHashes(Math.max(1, devnetHashrate(p) * p.blockTimeSec)),
    time: now,
    magic,
  };
}

export interface DevnetNetwork {
  params: NetworkParams;
  file: string;
  /** made now (false: the folder's network was kept) */
  created: boolean;
}

/**
 * devnetNetwork returns the folder's network if it has the asked block time (and
 * `fresh` is false), or makes a new one and removes the node folders of the old one.
 */
export async function devnetNetwork(
  dir: string,
  ask: { nodes: number; miners?: number; workers: number; blockTimeSec: number; fresh: boolean },
  say: (line: string) => void,
): Promise<DevnetNetwork> {
  const file = join(dir, DEVNET_NETWORK_FILE);
  if (existsSync(file) && !ask.fresh) {
    try {
      const params = await readNetworkFile(file);
      if (params.targetSpacing === ask.blockTimeSec) return { params, file, created: false };
      say(`the devnet's network had ${params.targetSpacing} s blocks: making a new one with ${ask.blockTimeSec} s blocks (the nodes start from its genesis)`);
    } catch (e) {
      if (!(e instanceof NetworkFileError)) throw e;
      say(`${file} is not usable (${e.message}): making a new network`);
    }
  }
  const cores = availableParallelism();
  const miners = Math.max(1, ask.miners ?? ask.nodes);
  const params = await withNoncePool(async (pool) => {
    const measuredHashrate = await measureMinersHashrate(pool);
    const pace: DevnetPace = { measuredHashrate, measuredThreads: pool.workers, nodes: miners, workers: ask.workers, cores, blockTimeSec: ask.blockTimeSec };
    const spec = deriveDevnetSpec(pace, Math.floor(Date.now() / 1000), randomMagic());
    say(`measured this machine: ${rate(measuredHashrate)} on ${pool.workers} threads (the median of ${MEASURE_SAMPLES} samples); ${miners} mining nodes × ${ask.workers} threads on ${cores} cores mine about ${rate(devnetHashrate(pace))}`);
    say(`making the devnet's network: a block every ${ask.blockTimeSec} s from the first (${Math.round(expectedHashesOf(spec.bits)).toLocaleString('en')} hashes a block); mining its genesis block …`);
    return mineGenesis(spec, poolSearch(pool));
  }, measuringThreads(miners, ask.workers));
  // Chains of another genesis cannot be opened on the new network.
  for (const entry of existsSync(dir) ? await readdir(dir) : []) if (/^node-\d+$/.test(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  await writeFile(file, encodeNetworkFile(params));
  return { params, file, created: true };
}

function rate(h: number): string {
  return h >= 1e6 ? `${(h / 1e6).toFixed(2)} MH/s` : `${(h / 1e3).toFixed(1)} kH/s`;
}
