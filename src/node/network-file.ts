/**
 * A custom network as a JSON file a class can share (`toychain network create`,
 * `toychain node --network-file FILE`, a devnet's own network). The file is data:
 * every rule reads the NetworkParams it becomes, none checks the name.
 *
 * The parser is strict: unknown or missing fields, numbers out of range, a genesis
 * block that does not hash to the stated hash or does not meet its own proof of work
 * are refused with a NetworkFileError whose `code` names what is wrong, and a message
 * that names the field. Nothing is guessed or filled in.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MAX_MONEY } from '../consensus/subsidy.js';
import { blockId } from '../consensus/header.js';
import { genesisBlock } from '../consensus/genesis.js';
import { networks, type NetworkParams } from '../consensus/params.js';
import { checkProofOfWork, compactToTarget } from '../consensus/pow.js';

export const NETWORK_FILE_FORMAT = 'toychain-network/1';

/** The codes a network file can be refused with. */
export type NetworkFileErrorCode =
  | 'network-file-unreadable'
  | 'network-file-not-json'
  | 'network-file-invalid'
  | 'network-name-reserved'
  | 'network-genesis-mismatch'
  | 'network-genesis-high-hash'
  | 'network-file-bad-url'
  | 'network-file-unreachable'
  | 'network-file-http-status'
  | 'network-file-too-large';

export class NetworkFileError extends Error {
  constructor(
    readonly code: NetworkFileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'NetworkFileError';
  }
}

const hex32 = z.string().regex(/^0x[0-9a-f]{8}$/, 'must be 0x and 8 lowercase hex digits');
const whole = (min: number, max: number) => z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const fileSchema = z.strictObject({
  format: z.literal(NETWORK_FILE_FORMAT, `must be "${NETWORK_FILE_FORMAT}"`),
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be 1-32 lowercase letters, digits or dashes, starting with a letter'),
  magic: hex32,
  // bech32m's human-readable part: lowercase letters only here, so it cannot contain the separator "1".
  addressPrefix: z.string().regex(/^[a-z]{1,16}$/, 'must be 1-16 lowercase letters'),
  targetSpacing: whole(1, 3600),
  // At least 3: the first window measures interval - 2 gaps (it leaves genesis out).
  retargetInterval: whole(3, 10_000),
  noRetargeting: z.boolean(),
  firstWindowStartHeight: whole(0, 1),
  // BIP94's time-warp allowance in seconds (src/consensus/timewarp.ts); absent: no such rule.
  maxTimewarp: whole(0, 86_400).optional(),
  powLimit: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  maxFutureDrift: whole(1, 86_400),
  coinbaseMaturity: whole(1, 1_000),
  initialSubsidy: z.string().regex(/^\d{1,16}$/, 'must be a whole number of base units, written as a string'),
  subsidyHalvingInterval: whole(1, 100_000_000),
  maxBlockSize: whole(1_000, 4_000_000),
  genesis: z.strictObject({
    version: whole(1, 0xffffffff),
    time: whole(0, 0xffffffff),
    bits: hex32,
    nonce: whole(0, 0xffffffff),
    // The genesis coinbase's witness is 4 bytes of height + the message, at most 100 bytes (bad-cb-length).
    message: z.string().regex(/^[\x20-\x7e]{1,96}$/, 'must be 1-96 printable ASCII characters'),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  }),
});

export type NetworkFile = z.infer<typeof fileSchema>;

/** parseNetworkFile turns a network file's text into NetworkParams, or throws a NetworkFileError naming what is wrong. */
export function parseNetworkFile(text: string, where = 'the network file'): NetworkParams {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NetworkFileError('network-file-not-json', `${where} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the file'}: ${i.message}`);
    throw new NetworkFileError('network-file-invalid', `${where}: ${problems.join('; ')}`, { cause: result.error });
  }
  const f = result.data;
  for (const builtIn of Object.values(networks)) {
    if (f.name === builtIn.name || Number(f.magic) === builtIn.magic || f.addressPrefix === builtIn.addressPrefix) {
      throw new NetworkFileError('network-name-reserved', `${where}: name, magic and address prefix must differ from the built-in ${builtIn.name} network's (${builtIn.name}, 0x${builtIn.magic.toString(16)}, ${builtIn.addressPrefix})`);
    }
  }
  const powLimit = BigInt(`0x${f.powLimit}`);
  if (powLimit === 0n) throw new NetworkFileError('network-file-invalid', `${where}: powLimit: must be above zero`);
  const subsidy = BigInt(f.initialSubsidy);
  if (subsidy > MAX_MONEY) throw new NetworkFileError('network-file-invalid', `${where}: initialSubsidy: must be at most ${MAX_MONEY} base units`);
  const bits = Number(f.genesis.bits);
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow || target === 0n || target > powLimit) {
    throw new NetworkFileError('network-file-invalid', `${where}: genesis.bits: ${f.genesis.bits} is not a target from 1 to powLimit`);
  }
  const params: NetworkParams = {
    name: f.name,
    magic: Number(f.magic),
    addressPrefix: f.addressPrefix,
    powLimit,
    targetSpacing: f.targetSpacing,
    targetTimespan: f.targetSpacing * f.retargetInterval,
    noRetargeting: f.noRetargeting,
    firstWindowStartHeight: f.firstWindowStartHeight,
    ...(f.maxTimewarp === undefined ? {} : { maxTimewarp: f.maxTimewarp }),
    maxFutureDrift: f.maxFutureDrift,
    coinbaseMaturity: f.coinbaseMaturity,
    initialSubsidy: subsidy,
    subsidyHalvingInterval: f.subsidyHalvingInterval,
    maxBlockSize: f.maxBlockSize,
    genesis: { version: f.genesis.version, time: f.genesis.time, bits, nonce: f.genesis.nonce, message: f.genesis.message, hash: f.genesis.hash },
  };
  // The genesis block is rebuilt from the fields: it must be the block the file names, and meet its own proof of work.
  const built = blockId(genesisBlock(params).header);
  if (built !== f.genesis.hash) throw new NetworkFileError('network-genesis-mismatch', `${where}: genesis.hash says ${f.genesis.hash}, but the genesis fields build ${built}`);
  if (!checkProofOfWork(built, bits, params).ok) throw new NetworkFileError('network-genesis-high-hash', `${where}: the genesis block ${built} does not meet its own bits ${f.genesis.bits} (nonce ${f.genesis.nonce})`);
  return params;
}

/** encodeNetworkFile writes NetworkParams as a network file (the inverse of parseNetworkFile). */
export function encodeNetworkFile(params: NetworkParams): string {
  const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  const file: NetworkFile = {
    format: NETWORK_FILE_FORMAT,
    name: params.name,
    magic: hex8(params.magic),
    addressPrefix: params.addressPrefix,
    targetSpacing: params.targetSpacing,
    retargetInterval: Math.floor(params.targetTimespan / params.targetSpacing),
    noRetargeting: params.noRetargeting,
    firstWindowStartHeight: params.firstWindowStartHeight ?? 0,
    ...(params.maxTimewarp === undefined ? {} : { maxTimewarp: params.maxTimewarp }),
    powLimit: params.powLimit.toString(16).padStart(64, '0'),
    maxFutureDrift: params.maxFutureDrift,
    coinbaseMaturity: params.coinbaseMaturity,
    initialSubsidy: params.initialSubsidy.toString(),
    subsidyHalvingInterval: params.subsidyHalvingInterval,
    maxBlockSize: params.maxBlockSize,
    genesis: { ...params.genesis, bits: hex8(params.genesis.bits) },
  };
  return JSON.stringify(file, null, 2) + '\n';
}

/** readNetworkFile reads and parses a network file; an unreadable file is a NetworkFileError too. */
export async function readNetworkFile(path: string): Promise<NetworkParams> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new NetworkFileError('network-file-unreadable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return parseNetworkFile(text, path);
}
