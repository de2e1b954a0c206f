/**
 * Node configuration: what `toychain node` was asked for, checked, with the embedded
 * defaults filled in. Bad values throw a UsageError that names the option and what to
 * pass instead; the CLI prints it and exits with code 2.
 */
import { homedir, availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressError, decodeAddress } from '../consensus/address.js';
import { networks, type NetworkParams } from '../consensus/params.js';
import { parsePeerAddress } from '../p2p/address.js';
import { InvalidPeerAddressError } from '../p2p/errors.js';
import { UsageError } from '../cli/usage-error.js';
import { ApiUrlError, parseApiUrl } from '../api/contract/api-url.js';

// Kept exported from here as well, for modules written before it moved to src/cli/usage-error.ts.
export { UsageError };

/** Default ports per network, so a regtest and a demo node can run side by side. */
export const DEFAULT_PORTS: Readonly<Record<string, { p2p: number; api: number }>> = {
  regtest: { p2p: 18444, api: 18443 },
  demo: { p2p: 28444, api: 28443 },
  'regtest-retarget': { p2p: 38444, api: 38443 },
};

export interface NodeConfig {
  params: NetworkParams;
  datadir: string;
  p2pHost: string;
  p2pPort: number;
  apiHost: string;
  apiPort: number;
  /** Host-header names the API answers to besides loopback ones (--api-allow-host) */
  apiAllowHosts: string[];
  /** the API URL this node tells its peers in the handshake (--announce-api), origin only */
  announceApi: string | undefined;
  /** the API token read from --api-token-file (else the node makes one per start) */
  apiToken: string | undefined;
  peers: string[];
  mine: boolean;
  minerAddress: string | undefined;
  workers: number;
  logLevel: string;
  /**
   * mean seconds between the blocks continuous mining makes on a network that does not
   * retarget (regtest: a block costs a few hashes, so nothing else would pace it)
   */
  miningPaceSec: number;
}

/** What the CLI parsed, as strings, before checking. */
export interface NodeOptions {
  network?: string;
  networkFile?: string;
  datadir?: string;
  p2pHost?: string;
  p2pPort?: string;
  apiHost?: string;
  apiPort?: string;
  apiAllowHost?: string[];
  announceApi?: string;
  apiTokenFile?: string;
  peer?: string[];
  mine?: boolean;
  minerAddress?: string;
  workers?: string;
  logLevel?: string;
  blockTime?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * resolveNodeConfig checks the options; `fileParams` is the network read from
 * --network-file (the CLI reads it first: reading a file is asynchronous).
 */
export function resolveNodeConfig(options: NodeOptions, fileParams?: NetworkParams): NodeConfig {
  if (options.network !== undefined && options.networkFile !== undefined) throw new UsageError('pass --network or --network-file, not both', 'a network file names its own network');
  const name = fileParams?.name ?? options.network ?? 'demo';
  const params = fileParams ?? networks[name];
  if (params === undefined) throw new UsageError(`--network: unknown network '${name}'`, `use one of: ${Object.keys(networks).join(', ')}, or --network-file FILE (toychain network create makes one)`);
  const ports = DEFAULT_PORTS[name] ?? { p2p: 28444, api: 28443 };
  const peers = (options.peer ?? []).map((p) => checkPeerUrl(p));
  const minerAddress = options.minerAddress;
  if (minerAddress !== undefined) minerAddressOption(minerAddress, params);
  const logLevel = options.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level: unknown level '${logLevel}'`, `use one of: ${LOG_LEVELS.join(', ')}`);
  return {
    params,
    datadir: options.datadir ?? join(homedir(), '.toychain', name),
    p2pHost: options.p2pHost ?? '127.0.0.1',
    p2pPort: parsePort('--p2p-port', options.p2pPort, ports.p2p),
    apiHost: options.apiHost ?? '127.0.0.1',
    apiPort: parsePort('--api-port', options.apiPort, ports.api),
    apiAllowHosts: (options.apiAllowHost ?? []).map(checkAllowHost),
    announceApi: options.announceApi === undefined ? undefined : checkAnnounceApi(options.announceApi),
    apiToken: options.apiTokenFile === undefined ? undefined : readApiToken(options.apiTokenFile),
    peers,
    mine: options.mine === true,
    minerAddress,
    workers: parseCount('--workers', options.workers, availableParallelism()),
    logLevel,
    miningPaceSec: options.blockTime === undefined ? params.targetSpacing : paceSeconds(options.blockTime),
  };
}

function paceSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  const seconds = m === null ? Number.NaN : Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  if (!(seconds >= 0.1 && seconds <= 86_400)) throw new UsageError(`--block-time: '${text}' is not a block time`, 'write it like 10s or 2m');
  return seconds;
}

function parsePort(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${option}: '${value}' is not a port number`, 'use a number from 0 to 65535 (0 picks a free port)');
  return n;
}

function parseCount(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) throw new UsageError(`${option}: '${value}' is not a worker count`, 'use a whole number from 1 to 256');
  return n;
}

/** checkPeerUrl reads --peer with the p2p layer's own parser, so the node accepts exactly what it can dial. */
function checkPeerUrl(value: string): string {
  try {
    return parsePeerAddress(value).url;
  } catch (e) {
    if (e instanceof InvalidPeerAddressError) throw new UsageError(`--peer: ${e.message}`, 'for example ws://127.0.0.1:28444');
    throw e;
  }
}

/** A Host-header name: letters, digits, dots, dashes (or a bracketed IPv6 address), no port. */
function checkAllowHost(value: string): string {
  if (!/^([a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])$/i.test(value)) {
    throw new UsageError(`--api-allow-host: '${value}' is not a host name`, 'give the name clients use in the URL, without a port, e.g. --api-allow-host node-0.toychain');
  }
  return value.toLowerCase();
}

/** readApiToken reads a shared API token: one line of 16 to 256 printable characters. */
export function readApiToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`--api-token-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'make one with: openssl rand -hex 32 > FILE');
  }
  if (!/^[\x21-\x7e]{16,256}$/.test(text)) throw new UsageError(`--api-token-file: ${file} does not hold a token of 16 to 256 printable characters without spaces`, 'make one with: openssl rand -hex 32 > FILE');
  return text;
}

/** MAX_ANNOUNCED_API_URL: the handshake carries at most this many characters (p2p/messages.ts). */
const MAX_ANNOUNCED_API_URL = 255;

/** checkAnnounceApi keeps the origin of an http(s) URL (a trailing /api/v1 is allowed and dropped). */
export function checkAnnounceApi(value: string): string {
  let url: { origin: string };
  try {
    url = parseApiUrl(value);
  } catch (e) {
    if (e instanceof ApiUrlError) throw new UsageError(`--announce-api: ${e.message}`, "the URL others reach this node's API at, e.g. http://192.0.2.10:28443");
    throw e;
  }
  if (url.origin.length > MAX_ANNOUNCED_API_URL) throw new UsageError(`--announce-api: longer than ${MAX_ANNOUNCED_API_URL} characters`, 'use a shorter host name');
  return url.origin;
}

/** minerAddressOption reads --miner-address with the one address parser, as a usage error naming the option. */
function minerAddressOption(address: string, params: NetworkParams): void {
  try {
    decodeAddress(address, params);
  } catch (e) {
    if (e instanceof AddressError) throw new UsageError(`--miner-address: ${e.message}`, `a ${params.name} address starts with ${params.addressPrefix}1`);
    throw e;
  }
}
