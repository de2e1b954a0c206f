/**
 * What the node API answers, as zod schemas; the TypeScript types are inferred from
 * them, so the routes that build an answer, the OpenAPI document, the devnet, the
 * dashboard and the wallet all read one definition. Objects are open (extra fields
 * are stripped when parsed), so a field may be added without breaking a client;
 * renaming one fails to compile everywhere it is used.
 */
import { z } from 'zod';
import { bits, chainwork, coins, count, hash, height, unixSeconds, units } from './primitives.js';

export const Difficulty = z.object({
  bits,
  expectedHashes: z.string().regex(/^\d+$/).meta({ description: 'hashes one block takes on average, decimal: floor(2^256 / (target + 1))' }),
  relative: z.number().meta({ description: 'powLimit / target, Bitcoin-style difficulty (1 at the easiest target)' }),
});
export type Difficulty = z.infer<typeof Difficulty>;

export const MiningStatus = z.object({
  active: z.boolean(),
  hashrate: z.number().min(0).meta({ description: 'nonces per second, moving average (0 when idle)' }),
  workers: count,
  kernel: z.string().optional().meta({ description: "the nonce kernel the miner's threads run: 'wasm-simd' (WebAssembly SIMD) or 'ts' (the fallback)" }),
});
export type MiningStatus = z.infer<typeof MiningStatus>;

export const Status = z.object({
  network: z.string(),
  genesis: hash.meta({ description: 'genesis block hash: with the name, what tells networks apart (a custom network file is known by them)' }),
  addressPrefix: z.string().meta({ description: "bech32m prefix of this network's addresses" }),
  coinbaseMaturity: z.number().int().meta({ description: 'blocks a block reward waits before it can be spent' }),
  version: z.string(),
  height,
  tip: hash.meta({ description: "the active tip's hash" }),
  chainwork,
  difficulty: Difficulty.meta({ description: 'difficulty of the next block on the tip' }),
  medianTimePast: unixSeconds,
  mempool: z.object({ count, bytes: count }),
  peers: count,
  networkActive: z.boolean(),
  bannedPeers: count,
  orphans: count,
  mining: MiningStatus,
  p2pPort: z.number().int().min(0).optional().meta({ description: 'the port this node listens on for peers (0: not listening); a watcher matches peer addresses with it' }),
});
export type Status = z.infer<typeof Status>;

export const BlockSummary = z.object({
  hash,
  height,
  time: unixSeconds,
  bits,
  chainwork,
  txCount: count,
  size: count.meta({ description: 'serialized bytes' }),
});
export type BlockSummary = z.infer<typeof BlockSummary>;

export const BlockPage = z.object({
  tip: hash,
  height,
  order: z.enum(['desc', 'asc']),
  blocks: z.array(BlockSummary),
  next: height.nullable().meta({ description: 'the `from` of the next page, null at the end' }),
});
export type BlockPage = z.infer<typeof BlockPage>;

export const CoinbaseInput = z.object({ coinbase: z.string().regex(/^[0-9a-f]*$/).meta({ description: 'coinbase data, hex' }) });
export const SpendInput = z.object({
  prevout: z.object({ txid: hash, index: count }),
  signature: z.string().regex(/^[0-9a-f]*$/).meta({ description: 'BIP340 signature, hex' }),
});
export const TxInput = z.union([CoinbaseInput, SpendInput]);
export type TxInput = z.infer<typeof TxInput>;

export const TxOutput = z.object({ index: count, value: coins, units, address: z.string() });
export type TxOutput = z.infer<typeof TxOutput>;

export const Tx = z.object({
  txid: hash,
  coinbase: z.boolean(),
  version: z.number().int(),
  lockTime: z.number().int(),
  inputs: z.array(TxInput),
  outputs: z.array(TxOutput),
});
export type Tx = z.infer<typeof Tx>;

export const Block = BlockSummary.extend({
  version: z.number().int(),
  prevHash: hash,
  merkleRoot: hash,
  nonce: z.number().int().min(0),
  difficulty: Difficulty,
  confirmations: z.number().int().min(-1).meta({ description: 'tip height - height + 1 on the active chain; -1 off it, as Core' }),
  inActiveChain: z.boolean(),
  nextHash: hash.nullable(),
  txs: z.array(Tx),
});
export type Block = z.infer<typeof Block>;

export const ChainTip = z.object({
  hash,
  height,
  branchLength: count,
  status: z.enum(['active', 'valid-fork', 'valid-headers', 'headers-only', 'invalid']),
});
export type ChainTip = z.infer<typeof ChainTip>;
export const ChainTips = z.array(ChainTip);

export const MempoolEntry = z.object({
  txid: hash,
  fee: coins,
  feeUnits: units,
  size: count,
  feeRate: z.number().min(0).meta({ description: 'base units per byte' }),
  time: unixSeconds,
  ancestors: count,
});
export type MempoolEntry = z.infer<typeof MempoolEntry>;

export const Mempool = z.object({
  count,
  bytes: count,
  minFeeRate: z.number().min(0),
  histogram: z.array(z.object({ feeRate: z.number().min(0).meta({ description: 'bucket lower bound, base units per byte' }), count, bytes: count })),
  from: count,
  limit: count,
  next: count.nullable(),
  entries: z.array(MempoolEntry),
});
export type Mempool = z.infer<typeof Mempool>;

export const TxLookup = Tx.extend({
  hex: z.string().regex(/^[0-9a-f]*$/),
  size: count,
  status: z.enum(['mempool', 'confirmed']),
  confirmations: count,
  height: height.nullable(),
  blockHash: hash.nullable(),
  fee: coins.nullable().meta({ description: 'null for a coinbase' }),
});
export type TxLookup = z.infer<typeof TxLookup>;

export const TxAccepted = z.object({ txid: hash });

export const AddressCoin = z.object({
  txid: hash,
  index: count,
  value: coins,
  units,
  height,
  coinbase: z.boolean(),
  confirmations: count,
  mature: z.boolean().meta({ description: 'spendable in the next block: coinbase maturity reached (or not a coinbase)' }),
  spentBy: hash.nullable().meta({ description: 'the mempool transaction spending it, if any' }),
});
export type AddressCoin = z.infer<typeof AddressCoin>;

export const PendingOutput = z.object({ txid: hash, index: count, value: coins, units });
export type PendingOutput = z.infer<typeof PendingOutput>;

export const HistoryItem = z.object({ txid: hash, height: height.nullable(), blockHash: hash.nullable(), confirmations: count });
export type HistoryItem = z.infer<typeof HistoryItem>;

export const AddressInfo = z.object({
  address: z.string(),
  height: height.meta({ description: 'the tip height the answer was read at' }),
  balance: z.object({ confirmed: coins, immature: coins, spendable: coins, unconfirmed: coins }),
  coins: z.array(AddressCoin).meta({ description: 'a page of the confirmed coins, oldest first (coinsFrom, coinsLimit)' }),
  coinsPage: z.object({ total: count, from: count, limit: count }),
  pending: z.array(PendingOutput),
  history: z.object({ total: count, from: count, limit: count, items: z.array(HistoryItem) }),
});
export type AddressInfo = z.infer<typeof AddressInfo>;

export const Peer = z.object({
  id: count,
  address: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  userAgent: z.string(),
  bestHeight: z.number().int(),
  chainwork: z.string(),
  banScore: z.number().int(),
  apiUrl: z.string().optional().meta({ description: 'the REST API origin the peer announced (toychain node --announce-api), when it did' }),
  connectedAt: z.number().int().meta({ description: 'Unix milliseconds' }),
});
export type Peer = z.infer<typeof Peer>;
export const Peers = z.array(Peer);

export const PeerDisconnected = z.object({ id: count, disconnected: z.literal(true) });

export const Hashes = z.object({ hashes: z.array(hash) });
export const Share = z.object({ share: z.number().gt(0).max(1) });
export const ClockState = z.object({
  time: z.number().int().meta({ description: "the node's time now, Unix seconds: what a new block template is stamped with and what time-too-new compares with" }),
  mocktime: z.number().int().min(0).meta({ description: 'the time the clock is fixed at, or 0: it follows the system clock' }),
  mockable: z.boolean().meta({ description: "this network's clock may be set (regtest, regtest-retarget)" }),
});
export type ClockState = z.infer<typeof ClockState>;
export const NetworkState = z.object({ networkActive: z.boolean(), peers: count });
export const DenyList = z.object({ addresses: z.array(z.string()) });
export const DenyListSet = DenyList.extend({ dropped: count.meta({ description: 'peers dropped now' }) });

export const LinkShape = z.object({
  delayMs: count.meta({ description: 'milliseconds every message waits' }),
  jitterMs: count.meta({ description: 'up to this many milliseconds more, at random' }),
  dropRate: z.number().min(0).max(1).meta({ description: 'probability a message is dropped' }),
});
export type LinkShape = z.infer<typeof LinkShape>;

/** Any JSON object: the OpenAPI document itself. */
export const OpenApiDocument = z.record(z.string(), z.unknown());
