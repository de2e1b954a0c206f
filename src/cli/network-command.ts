/**
 * `toychain network create --name N --block-time 5s [--out FILE] …`: a new network as a
 * JSON file a class can share (`toychain node --network-file FILE`). Its genesis block is
 * made now and mined at the starting difficulty, which comes from --hashrate (the whole
 * class's) or, by default, from this machine's measured hash rate: one machine like this
 * one makes a block about every --block-time.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { encodeNetworkFile, NetworkFileError, parseNetworkFile } from '../node/network-file.js';
import { isNetworkFileUrl, readNetworkFileFrom } from '../node/network-file-url.js';
import { createNetwork, DEFAULT_COINBASE_MATURITY, DEFAULT_RETARGET_INTERVAL, defaultAddressPrefix, describeNetwork } from '../node/network-create.js';
import { networks, type NetworkParams } from '../consensus/params.js';

interface CreateOptions {
  name?: string;
  blockTime?: string;
  out?: string;
  retargetInterval?: string;
  maturity?: string;
  addressPrefix?: string;
  hashrate?: string;
  force?: boolean;
}

export function registerNetworkCommand(program: Command): void {
  const network = program.command('network').description('make a custom network a class can share: toychain network create --name class --block-time 5s');
  network
    .command('create')
    .description('create a network file: magic, genesis made now, block time, retarget interval, maturity, address prefix, starting difficulty')
    .option('--name <name>', 'the network\'s name (lowercase letters, digits, dashes), shown in /status and on the dashboard')
    .option('--block-time <time>', 'how often a block should come, e.g. 5s, 30s or 2m')
    .option('--out <file>', 'where to write it (default ./NAME.network.json)')
    .option('--retarget-interval <blocks>', `blocks between difficulty retargets (default ${DEFAULT_RETARGET_INTERVAL})`)
    .option('--maturity <blocks>', `blocks before a block reward can be spent (default ${DEFAULT_COINBASE_MATURITY})`)
    .option('--address-prefix <prefix>', 'the bech32m prefix of its addresses (default tc + the name\'s letters)')
    .option('--hashrate <rate>', 'the whole network\'s hash rate, e.g. 3M or 500k (default: this machine\'s, measured now)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (options: CreateOptions) => {
      await createNetworkFile(options);
    });
}

async function createNetworkFile(o: CreateOptions): Promise<void> {
  if (o.name === undefined) throw new UsageError('network create needs --name NAME', 'for example: toychain network create --name class --block-time 5s');
  if (o.blockTime === undefined) throw new UsageError('network create needs --block-time TIME', 'for example --block-time 5s (a block about every 5 seconds)');
  // Loaded here: every `toychain node` registers this command, and the devnet's modules are no part of a node.
  const { blockTimeSeconds } = await import('../devnet/devnet-config.js');
  const targetSpacing = blockTimeSeconds('--block-time', o.blockTime);
  const retargetInterval = whole('--retarget-interval', o.retargetInterval, DEFAULT_RETARGET_INTERVAL, 3, 10_000);
  const coinbaseMaturity = whole('--maturity', o.maturity, DEFAULT_COINBASE_MATURITY, 1, 1_000);
  const out = resolve(o.out ?? `${o.name}.network.json`);
  if (existsSync(out) && o.force !== true) throw new UsageError(`${out} already exists`, 'pass another --out, or --force to overwrite it');
  const hashrateAsked = o.hashrate === undefined ? undefined : hashrateOf(o.hashrate);
  const spec = { name: o.name, targetSpacing, retargetInterval, coinbaseMaturity, addressPrefix: o.addressPrefix ?? defaultAddressPrefix(o.name) };
  // Check the names before spending time on the genesis: the parser is the one judge.
  checkNames(spec.name, spec.addressPrefix);
  const params = await createNetwork(spec, hashrateAsked, (line) => console.log(line));
  const text = encodeNetworkFile(params);
  parseNetworkFile(text, out); // what we write must read back
  await writeFile(out, text);
  console.log(`wrote ${out}: network ${params.name}, genesis ${params.genesis.hash}`);
  console.log(`  ${describeNetwork(params)}`);
  console.log(`run a node on it with: toychain node --network-file ${out}`);
}

/** loadNetworkFile reads --network-file (a path, or an http(s) URL) for the node and devnet commands; a bad file becomes a UsageError with its named code. */
export async function loadNetworkFile(path: string): Promise<NetworkParams> {
  try {
    return await readNetworkFileFrom(path);
  } catch (e) {
    if (e instanceof NetworkFileError) {
      const fromUrl = isNetworkFileUrl(path);
      throw new UsageError(`--network-file: ${e.message}`, fromUrl ? 'copy the URL exactly as toychain classroom printed it, or download the file and pass its path' : 'make one with: toychain network create --name NAME --block-time 5s');
    }
    throw e;
  }
}

export function checkNames(name: string, prefix: string): void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new UsageError(`--name: '${name}' is not a network name`, 'use 1-32 lowercase letters, digits or dashes, starting with a letter');
  if (!/^[a-z]{1,16}$/.test(prefix)) throw new UsageError(`--address-prefix: '${prefix}' is not an address prefix`, 'use 1-16 lowercase letters');
  const builtIn = Object.values(networks);
  if (builtIn.some((p) => p.name === name || p.addressPrefix === prefix)) throw new UsageError(`network-name-reserved: the name and prefix must differ from the built-in networks' (${builtIn.map((p) => `${p.name}/${p.addressPrefix}`).join(', ')})`, 'pick another --name or --address-prefix');
}

export function hashrateOf(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)(?:H\/s)?$/.exec(text.trim());
  const unit = m === null ? 0 : { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase()]!;
  const rate = m === null ? Number.NaN : Number(m[1]) * unit;
  if (!(rate >= 1 && rate <= 1e12)) throw new UsageError(`--hashrate: '${text}' is not a hash rate`, 'write it like 500k or 3M (hashes a second)');
  return rate;
}

function whole(option: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${option}: '${value}' is not a whole number from ${min} to ${max}`, `for example ${option} ${fallback}`);
  return n;
}
