/**
 * Network parameters. Networks are data: every rule takes `params` and none branches
 * on a network's name (btcd checks PoWNoRetargeting, not "is this regtest").
 */
import type { SubsidyParams } from './subsidy.js';
import { COIN } from './subsidy.js';

/** What the retarget rule needs: the bound and the schedule. */
export interface PowParams {
  /** the easiest allowed target */
  powLimit: bigint;
  /** seconds one retarget interval should take (Bitcoin: two weeks) */
  targetTimespan: number;
  /** seconds one block should take (Bitcoin: 600) */
  targetSpacing: number;
  /** never retarget: every block keeps the previous bits (Bitcoin regtest's fPowNoRetargeting) */
  noRetargeting: boolean;
  /**
   * BIP94: seconds the first block of a retarget period may be earlier than its parent
   * (checkTimewarp, src/consensus/timewarp.ts); absent: no such rule. Bitcoin: 600
   * (MAX_TIMEWARP, one block spacing), enforced on testnet4.
   */
  maxTimewarp?: number;
  /**
   * height the first retarget window starts at (default 0, Bitcoin: the genesis time
   * counts). toychain's own networks use 1: their genesis is made long before block 1
   * (demo's is a fixed date), so its age says nothing about the miners' pace.
   */
  firstWindowStartHeight?: number;
}

/** The fields that make a network's genesis block (mined once, hash checked by a test). */
export interface GenesisParams {
  version: number;
  time: number;
  bits: number;
  nonce: number;
  /** put in the genesis coinbase's witness after the height, as Bitcoin's "The Times 03/Jan/2009 …" */
  message: string;
  /** the display hex hash the fields above must give */
  hash: string;
}

export interface NetworkParams extends PowParams, SubsidyParams {
  name: string;
  /** 4 bytes that start every p2p message, so nodes of different networks never mix */
  magic: number;
  /** bech32m human-readable part of this network's addresses */
  addressPrefix: string;
  /** seconds a block's time may be ahead of the node's clock (Bitcoin: 2 hours) */
  maxFutureDrift: number;
  /** blocks a coinbase output must wait before it can be spent (Bitcoin: 100) */
  coinbaseMaturity: number;
  /** largest serialized block in bytes; differs from Bitcoin: size, not weight */
  maxBlockSize: number;
  genesis: GenesisParams;
  /**
   * a network for tests and lessons whose clock may be set through the API (PUT /clock:
   * Core's setmocktime, allowed only where CChainParams::IsMockableChain(), regtest);
   * absent: the node's clock is the system's and refuses to be set
   */
  mockableChain?: boolean;
}

/** retargetInterval is the number of blocks between retargets: timespan / spacing. */
export function retargetInterval(params: PowParams): number {
  return Math.floor(params.targetTimespan / params.targetSpacing);
}

/**
 * Bitcoin mainnet's proof-of-work parameters (chainparams.cpp), so the retarget and
 * proof-of-work rules can be run on Bitcoin's own numbers and headers.
 */
export const bitcoinMainnetPow: PowParams = {
  powLimit: 0x00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
  targetTimespan: 14 * 24 * 60 * 60,
  targetSpacing: 10 * 60,
  noRetargeting: false,
};

/**
 * regtest: minimal difficulty (about one hash in two meets the target), no retarget,
 * blocks on demand. Used by the tests. Maturity, subsidy and halving follow Bitcoin's regtest.
 */
export const regtest: NetworkParams = {
  name: 'regtest',
  magic: 0x74637274,
  addressPrefix: 'tcrt',
  powLimit: 0x7fffff0000000000000000000000000000000000000000000000000000000000n,
  targetTimespan: 14 * 24 * 60 * 60,
  targetSpacing: 10 * 60,
  noRetargeting: true,
  maxFutureDrift: 2 * 60 * 60,
  coinbaseMaturity: 100,
  initialSubsidy: 50n * COIN,
  subsidyHalvingInterval: 150,
  maxBlockSize: 1_000_000,
  mockableChain: true,
  genesis: {
    version: 1,
    time: 1793491200,
    bits: 0x207fffff,
    nonce: 0,
    message: 'toychain regtest genesis: chains are compared by work, not by length',
    hash: '730563f34de192f557ca1fd011222b6c07d301ec9d251d6aca856a1d02f859e2',
  },
};

/**
 * demo: the default network. ~10 s blocks for a laptop, retarget every 20 blocks (so a
 * class sees difficulty follow the miners), coinbases spendable after 10 blocks, and
 * BIP94's time-warp rule (a majority miner cannot collapse the difficulty).
 */
export const demo: NetworkParams = {
  name: 'demo',
  magic: 0x7463646d,
  addressPrefix: 'tc',
  powLimit: 0x0000ffff00000000000000000000000000000000000000000000000000000000n,
  targetTimespan: 20 * 10,
  targetSpacing: 10,
  noRetargeting: false,
  // One block spacing, as Bitcoin's 600 s is one spacing: 600 s here would be three whole
  // 200 s periods, enough to fake a 4x slow period every time (see test/consensus/timewarp).
  maxTimewarp: 10,
  firstWindowStartHeight: 1,
  maxFutureDrift: 2 * 60,
  coinbaseMaturity: 10,
  initialSubsidy: 50n * COIN,
  subsidyHalvingInterval: 210_000,
  maxBlockSize: 1_000_000,
  genesis: {
    version: 1,
    time: 1793491200,
    bits: 0x1e00ffff,
    nonce: 2519722,
    message: 'toychain demo genesis: the most work wins, watch it happen',
    hash: '000000f12c4d6c25459423d36ca77c57fb29487a63a53ad899a91c9dbae02ec1',
  },
};

/**
 * regtest-retarget: regtest's blocks on demand and settable clock, with Bitcoin's retarget
 * every 4 blocks. It exists for the lesson that a chain with fewer blocks can carry more
 * work (scenarios/heavier-beats-longer.yaml): on regtest every block has the same bits, so
 * the longer branch always has more work. Here a side whose blocks come slowly (its clock
 * set ahead) gets a lower difficulty at the retarget and can then mine many cheap blocks.
 * Its genesis is harder than powLimit (bits 0x1f00ffff: about 65 537 hashes a block, a
 * moment's work) so the difficulty can fall as well as rise; powLimit is regtest's. No
 * BIP94 rule: the lesson's light side stamps its blocks late, never early.
 */
export const regtestRetarget: NetworkParams = {
  name: 'regtest-retarget',
  magic: 0x74637272,
  addressPrefix: 'tcrr',
  powLimit: regtest.powLimit,
  targetTimespan: 4 * 10,
  targetSpacing: 10,
  noRetargeting: false,
  // Bitcoin's first window (from genesis): blocks made on demand are stamped from their parent's
  // time (the devnet sets the clock before each), so block 1 follows genesis by one spacing.
  maxFutureDrift: 2 * 60 * 60,
  coinbaseMaturity: 10,
  initialSubsidy: 50n * COIN,
  subsidyHalvingInterval: 150,
  maxBlockSize: 1_000_000,
  mockableChain: true,
  genesis: {
    version: 1,
    time: 1793491200,
    bits: 0x1f00ffff,
    nonce: 37430,
    message: 'toychain regtest-retarget genesis: fewer blocks can carry more work',
    hash: '00001f350a9142d7371803dbbc0aa881f2e556995a85432cd57d006a2c0ed7b4',
  },
};

/** The networks a node can run, by name. */
export const networks: Readonly<Record<string, NetworkParams>> = { regtest, demo, 'regtest-retarget': regtestRetarget };
