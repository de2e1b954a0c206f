/**
 * Making a new network: its parameters from what a teacher asks for (name, block time,
 * retarget interval, maturity, prefix, starting difficulty), a fresh magic, and a
 * genesis block made now and mined at the starting difficulty, so it meets its own
 * proof of work like every other block. Used by `toychain network create` and by a
 * devnet, which derives its starting difficulty from this machine's measured hash rate.
 *
 * The arithmetic is pure (clock, randomness and the nonce search are passed in).
 */
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { encodeBlockHeader } from '../consensus/header.js';
import { genesisBlock } from '../consensus/genesis.js';
import { blockId } from '../consensus/header.js';
import { networks, type NetworkParams } from '../consensus/params.js';
import { COIN } from '../consensus/subsidy.js';
import { compactToTarget, targetToCompact } from '../consensus/pow.js';
import type { NoncePool } from '../mining/nonce-pool.js';

/**
 * The easiest target a created network allows: bits 0x2000ffff, about 256 hashes a
 * block, so a slow class still finds blocks and the retarget has room to ease.
 */
export const CREATED_POW_LIMIT = 0xffffn << BigInt(8 * (0x20 - 3));

export interface NetworkSpec {
  name: string;
  /** seconds a block should take */
  targetSpacing: number;
  /** blocks between retargets */
  retargetInterval: number;
  coinbaseMaturity: number;
  addressPrefix: string;
  /** the genesis block's bits: the difficulty block 1 starts at */
  bits: number;
  /** genesis time, Unix seconds: when the network is made */
  time: number;
  magic: number;
}

/** Defaults of `toychain network create` besides the block time. */
export const DEFAULT_RETARGET_INTERVAL = 20;
export const DEFAULT_COINBASE_MATURITY = 10;

/**
 * bitsForHashes gives the compact bits whose target takes `expectedHashes` hashes a
 * block on average (work = 2^256 / (target + 1)), never easier than powLimit.
 */
export function bitsForHashes(expectedHashes: number, powLimit: bigint = CREATED_POW_LIMIT): number {
  if (!(expectedHashes >= 1) || !Number.isFinite(expectedHashes)) throw new RangeError(`bitsForHashes: expectedHashes must be a finite number >= 1, got ${expectedHashes}`);
  const target = (1n << 256n) / BigInt(Math.round(expectedHashes)) - 1n;
  return targetToCompact(target > powLimit ? powLimit : target);
}

/** expectedHashesOf is the average number of hashes a block at `bits` takes. */
export function expectedHashesOf(bits: number): number {
  return Number((1n << 256n) / (compactToTarget(bits).target + 1n));
}

/** defaultAddressPrefix: "tc" and the name's letters (at most 16 letters), e.g. class-5s → tcclasss. */
export function defaultAddressPrefix(name: string): string {
  return `tc${name.replace(/[^a-z]/g, '')}`.slice(0, 16);
}

/** randomMagic picks 4 random bytes that are no built-in network's magic. */
export function randomMagic(random: () => number = () => randomBytes(4).readUInt32LE(0)): number {
  for (;;) {
    const magic = random() >>> 0;
    if (!Object.values(networks).some((n) => n.magic === magic)) return magic;
  }
}

/** networkFromSpec builds the parameters of a new network; its genesis nonce and hash are filled in by mineGenesis. */
export function networkFromSpec(spec: NetworkSpec, nonce = 0): NetworkParams {
  const params: NetworkParams = {
    name: spec.name,
    magic: spec.magic,
    addressPrefix: spec.addressPrefix,
    powLimit: CREATED_POW_LIMIT,
    targetSpacing: spec.targetSpacing,
    targetTimespan: spec.targetSpacing * spec.retargetInterval,
    noRetargeting: false,
    // The genesis is made before anyone mines: leave its time out of the first window.
    firstWindowStartHeight: 1,
    // BIP94 on, with one block spacing as its allowance, as demo (src/consensus/timewarp.ts).
    maxTimewarp: spec.targetSpacing,
    maxFutureDrift: Math.max(120, 12 * spec.targetSpacing),
    coinbaseMaturity: spec.coinbaseMaturity,
    initialSubsidy: 50n * COIN,
    subsidyHalvingInterval: 210_000,
    maxBlockSize: 1_000_000,
    genesis: {
      version: 1,
      time: spec.time,
      bits: spec.bits,
      nonce,
      message: `toychain ${spec.name} genesis, made ${new Date(spec.time * 1000).toISOString()}`,
      hash: '',
    },
  };
  params.genesis.hash = blockId(genesisBlock(params).header);
  return params;
}

/** A nonce search over one 80-byte header: a nonce whose hash meets the target, or null when the range is exhausted. */
export type HeaderSearch = (header: Uint8Array, target: bigint) => Promise<number | null>;

/** mineGenesis finds a genesis nonce at the spec's bits; an exhausted nonce range moves the time on a second. */
export async function mineGenesis(spec: NetworkSpec, search: HeaderSearch): Promise<NetworkParams> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const draft = networkFromSpec({ ...spec, time: spec.time + attempt });
    const nonce = await search(encodeBlockHeader(genesisBlock(draft).header), compactToTarget(spec.bits).target);
    if (nonce !== null) return networkFromSpec({ ...spec, time: spec.time + attempt }, nonce);
  }
  throw new Error(`mineGenesis: no genesis nonce in 64 × 2^32 tries at bits 0x${spec.bits.toString(16)}`);
}

/** withNoncePool runs `work` with a pool of worker threads (every core by default) and destroys it after. */
export async function withNoncePool<T>(work: (pool: NoncePool) => Promise<T>, workers = availableParallelism()): Promise<T> {
  // Loaded here: `toychain node` reads network files through this module and never mines a genesis.
  const { NoncePool } = await import('../mining/nonce-pool.js');
  const pool = new NoncePool({ workers });
  try {
    await pool.ready();
    return await work(pool);
  } finally {
    await pool.destroy();
  }
}

/** poolSearch searches a header on the pool's threads (the miner's kernel). */
export function poolSearch(pool: NoncePool): HeaderSearch {
  return async (header, target) => (await pool.search({ header, target })).nonce;
}

/**
 * measureHashrate runs the mining kernel on the pool's threads for about `ms` against
 * a target no hash meets and returns hashes per second over all of them.
 */
export async function measureHashrate(pool: NoncePool, ms = 2_000): Promise<number> {
  const run = async (forMs: number): Promise<number> => {
    const search = pool.search({ header: new Uint8Array(80), target: 0n });
    const timer = setTimeout(() => void pool.stop(), forMs);
    try {
      const result = await search;
      return (result.hashesDone * 1000) / Math.max(1, result.elapsedMs);
    } finally {
      clearTimeout(timer);
    }
  };
  await run(300); // warm-up: the JIT settles on the kernel first
  return run(ms);
}

/** What a teacher asks of a new network; the starting difficulty comes from a hash rate. */
export type NetworkRequest = Pick<NetworkSpec, 'name' | 'targetSpacing' | 'retargetInterval' | 'coinbaseMaturity' | 'addressPrefix'>;

/**
 * createNetwork makes a new network now: a fresh magic, and a genesis mined at the
 * difficulty where `hashrate` hashes a second (the whole class's; default this machine's,
 * measured) make a block about every targetSpacing. Progress goes to `log`.
 */
export async function createNetwork(request: NetworkRequest, hashrate: number | undefined, log: (line: string) => void): Promise<NetworkParams> {
  const spec: NetworkSpec = { ...request, bits: 0, time: Math.floor(Date.now() / 1000), magic: randomMagic() };
  return withNoncePool(async (pool) => {
    const rate = hashrate ?? (await measureHashrate(pool));
    if (hashrate === undefined) log(`measured this machine: ${formatRate(rate)} with ${pool.workers} threads`);
    spec.bits = bitsForHashes(Math.max(1, rate * spec.targetSpacing));
    log(`mining the genesis block at ${formatHashes(expectedHashesOf(spec.bits))} hashes a block (about ${spec.targetSpacing} s at ${formatRate(rate)}) …`);
    return mineGenesis(spec, poolSearch(pool));
  });
}

/** describeNetwork is one line a teacher reads: magic, spacing, retarget, maturity, address prefix. */
export function describeNetwork(params: NetworkParams): string {
  const interval = Math.floor(params.targetTimespan / params.targetSpacing);
  return `magic 0x${params.magic.toString(16).padStart(8, '0')}, a block every ${params.targetSpacing} s, retarget every ${interval} blocks, rewards spendable after ${params.coinbaseMaturity}, addresses ${params.addressPrefix}1…`;
}

export function formatRate(h: number): string {
  return h >= 1e6 ? `${(h / 1e6).toFixed(2)} MH/s` : h >= 1e3 ? `${(h / 1e3).toFixed(1)} kH/s` : `${Math.round(h)} H/s`;
}

function formatHashes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(Math.round(n));
}
