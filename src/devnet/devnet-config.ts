/**
 * `toychain devnet` options, checked, with defaults filled in. Bad values throw a
 * UsageError naming the option and what to pass instead (the CLI exits with 2).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { networks, type NetworkParams } from '../consensus/params.js';
import { UsageError } from '../cli/usage-error.js';
import { MAX_LINK_DELAY_MS, type LinkShape } from '../p2p/link-shaping.js';
import { defaultDevnetDir } from './devnet-file.js';
import { DEFAULT_BLOCK_TIME_SEC } from './devnet-network.js';

/** blockTimeSeconds reads "5s", "30s", "2m" or a bare number of seconds (1 s to 60 min). */
export function blockTimeSeconds(option: string, text: string): number {
  const m = /^(\d+)(s|m)?$/.exec(text.trim());
  const seconds = m === null ? Number.NaN : Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  if (!(seconds >= 1 && seconds <= 3600)) throw new UsageError(`${option}: '${text}' is not a block time from 1s to 60m`, 'write it like 5s, 30s or 2m');
  return seconds;
}

export const DEFAULT_NODES = 3;
/** 50 nodes fit a 2-core, 24 GB machine when few of them mine (--miners): an idle node starts no nonce threads. */
export const MAX_NODES = 64;
export const DEFAULT_DASHBOARD_PORT = 8080;

export interface DevnetOptionsText {
  nodes?: string;
  network?: string;
  datadir?: string;
  dashboardPort?: string;
  workers?: string;
  delay?: string;
  jitter?: string;
  mine?: boolean;
  miners?: string;
  fresh?: boolean;
  logLevel?: string;
  nodeLogLevel?: string;
  blockTime?: string;
}

export interface DevnetConfig {
  nodes: number;
  params: NetworkParams;
  datadir: string;
  dashboardPort: number;
  workers: number;
  link: LinkShape;
  mine: boolean;
  /** how many nodes mine (nodes 0 … miners-1); the others only relay and validate */
  miners: number;
  fresh: boolean;
  logLevel: string;
  nodeLogLevel: string;
  /** seconds a block should take: the devnet's own network's spacing, or regtest's mining pace */
  blockTimeSec: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function resolveDevnetConfig(o: DevnetOptionsText): DevnetConfig {
  const params = networkOf(o.network);
  const nodes = wholeNumber('--nodes', o.nodes, DEFAULT_NODES, 1, MAX_NODES);
  const miners = wholeNumber('--miners', o.miners, nodes, 0, nodes);
  // Share the cores among the nodes that mine: with 2 cores and 3 miners, one thread each.
  const workers = wholeNumber('--workers', o.workers, Math.max(1, Math.floor(availableParallelism() / Math.max(1, miners))), 1, 64);
  const dashboardPort = wholeNumber('--dashboard-port', o.dashboardPort, DEFAULT_DASHBOARD_PORT, 0, 65535);
  const delayMs = o.delay === undefined ? 0 : duration('--delay', o.delay);
  const jitterMs = o.jitter === undefined ? 0 : duration('--jitter', o.jitter);
  if (delayMs + jitterMs > MAX_LINK_DELAY_MS) throw new UsageError(`--delay + --jitter must be at most ${MAX_LINK_DELAY_MS} ms`, 'a handshake must still complete within its 10 s timeout');
  for (const [option, level] of [['--log-level', o.logLevel], ['--node-log-level', o.nodeLogLevel]] as const) {
    if (level !== undefined && !LOG_LEVELS.includes(level)) throw new UsageError(`${option}: unknown level '${level}'`, `use one of: ${LOG_LEVELS.join(', ')}`);
  }
  return {
    nodes,
    params,
    datadir: resolve(o.datadir ?? defaultDevnetDir(params.name)),
    dashboardPort,
    workers,
    link: { delayMs, jitterMs, dropRate: 0 },
    // regtest and regtest-retarget make blocks on demand (a mockable chain): mine continuously only on demo unless told.
    mine: o.mine ?? (params.noRetargeting === false && params.mockableChain !== true),
    miners,
    fresh: o.fresh === true,
    logLevel: o.logLevel ?? 'info',
    nodeLogLevel: o.nodeLogLevel ?? 'info',
    blockTimeSec: o.blockTime === undefined ? DEFAULT_BLOCK_TIME_SEC : blockTimeSeconds('--block-time', o.blockTime),
  };
}

export function networkOf(name: string | undefined): NetworkParams {
  const params = networks[name ?? 'demo'];
  if (params === undefined) throw new UsageError(`--network: unknown network '${name}'`, `use one of: ${Object.keys(networks).join(', ')}`);
  return params;
}

/** duration reads "200ms", "1.5s" or a bare number of milliseconds. */
export function duration(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${option}: '${text}' is not a duration`, 'write it like 200ms or 1.5s');
  const ms = Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  if (ms > MAX_LINK_DELAY_MS) throw new UsageError(`${option}: ${ms} ms is more than ${MAX_LINK_DELAY_MS} ms`, 'a handshake must still complete within its 10 s timeout');
  return ms;
}

function wholeNumber(option: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${option}: '${value}' is not a whole number from ${min} to ${max}`, `for example ${option} ${fallback}`);
  return n;
}
