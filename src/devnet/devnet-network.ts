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
import { encodeNetworkFile, NetworkFileError, readNetworkFile } from '../node/network-file.js';

export const DEVNET_NETWORK_FILE = 'network.json';
export const DEFAULT_BLOCK_TIME_SEC = 10;

export interface DevnetPace {
  /** hashes a second the kernel did in the measurement, over `measuredThreads` threads */
  measuredHashrate: number;
  measuredThreads: number;
  nodes: number;
  /** mining threads per node */
  workers: number;
  /** cores the nodes share */
  cores: number;
  blockTimeSec: number;
}

/**
 * devnetHashrate is what the devnet's miners do together: the measured rate per thread
 * times the threads that can run at once (nodes × workers, at most the cores).
 */
export function devnetHashrate(p: DevnetPace): number {
  const perThread = p.measuredHashrate / p.measuredThreads;
  return perThread * Math.min(p.nodes * p.workers, p.cores);
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
  ask: { nodes: number; workers: number; blockTimeSec: number; fresh: boolean },
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
  const params = await withNoncePool(async (pool) => {
    const measuredHashrate = await measureHashrate(pool);
    const pace: DevnetPace = { measuredHashrate, measuredThreads: pool.workers, nodes: ask.nodes, workers: ask.workers, cores, blockTimeSec: ask.blockTimeSec };
    const spec = deriveDevnetSpec(pace, Math.floor(Date.now() / 1000), randomMagic());
    say(`measured this machine: ${rate(measuredHashrate)} on ${pool.workers} threads; ${ask.nodes} nodes × ${ask.workers} threads mine about ${rate(devnetHashrate(pace))}`);
    say(`making the devnet's network: a block every ${ask.blockTimeSec} s from the first (${Math.round(expectedHashesOf(spec.bits)).toLocaleString('en')} hashes a block); mining its genesis block …`);
    return mineGenesis(spec, poolSearch(pool));
  });
  // Chains of another genesis cannot be opened on the new network.
  for (const entry of existsSync(dir) ? await readdir(dir) : []) if (/^node-\d+$/.test(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  await writeFile(file, encodeNetworkFile(params));
  return { params, file, created: true };
}

function rate(h: number): string {
  return h >= 1e6 ? `${(h / 1e6).toFixed(2)} MH/s` : `${(h / 1e3).toFixed(1)} kH/s`;
}
