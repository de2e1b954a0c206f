/**
 * Lab blocks: real blocks (an 80-byte header with a valid proof of work over a coinbase
 * that commits to its height) built on any branch the lab keeps, so a simulated miner
 * can mine on a branch no Chain has seen yet (the attacker's private branch). The bits
 * come from the retarget rule and the time from the miner's clock, at least the median
 * time past + 1, as Core's miner sets them; the Chain the block is sent to checks all
 * of it again.
 */
import type { Block } from '../consensus/block.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import { genesisBlock } from '../consensus/genesis.js';
import { headerHash, type BlockHeader } from '../consensus/header.js';
import { MEDIAN_TIME_SPAN, medianTimePast } from '../consensus/median-time.js';
import type { NetworkParams } from '../consensus/params.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { getNextWorkRequired } from '../consensus/retarget.js';
import { timewarpFloor } from '../consensus/timewarp.js';
import { blockSubsidy } from '../consensus/subsidy.js';
import { txHash } from '../consensus/tx.js';
import { BLOCK_VERSION, coinbaseTx } from '../mining/template.js';

/** A block the lab made, with what it takes to build on it. */
export interface LabBlock {
  /** display hex, as the Chain names it */
  id: DisplayHex;
  hash: Hash32;
  height: number;
  header: BlockHeader;
  block: Block;
  /** which simulated miner found it (−1: genesis) */
  miner: number;
  parent: LabBlock | undefined;
}

/** Nonces tried before giving up: at the lab's difficulty a nonce is found in a few tries. */
const MAX_NONCE_TRIES = 2 ** 32;

export interface BuildOptions {
  /** the miner's clock in whole seconds; the block's time is at least the median time past + 1 */
  now: number;
  miner: number;
  /** set the header's time exactly (a miner lying about time); still checked by the Chain */
  time?: number;
}

export class BlockBuilder {
  /** counts every block built, written as the coinbase extra nonce so no two lab blocks are alike */
  private built = 0n;
  /** hashes computed in nonce searches, so the lab can report the work it did */
  hashes = 0;

  constructor(readonly params: NetworkParams) {}

  genesis(): LabBlock {
    const block = genesisBlock(this.params);
    const hash = headerHash(block.header);
    return { id: toDisplayHex(hash), hash, height: 0, header: block.header, block, miner: -1, parent: undefined };
  }

  /** medianTimePast of `tip` over its branch: a block on it must have a later time. */
  medianTimeOf(tip: LabBlock): number {
    const times: number[] = [];
    for (let b: LabBlock | undefined = tip; b !== undefined && times.length < MEDIAN_TIME_SPAN; b = b.parent) times.push(b.header.time);
    return medianTimePast(times);
  }

  /** nextBits is the bits the retarget rule requires of a block on `parent`. */
  nextBits(parent: LabBlock): number {
    return getNextWorkRequired({ height: parent.height, bits: parent.header.bits, time: parent.header.time }, (height) => ancestorOf(parent, height).header.time, this.params);
  }

  /** minTime is the time an honest miner stamps: its clock, but past the median time past and BIP94's floor. */
  minTime(parent: LabBlock, now: number): number {
    return Math.max(now, this.medianTimeOf(parent) + 1, timewarpFloor(parent.height + 1, parent.header.time, this.params) ?? 0);
  }

  /** buildOn mines a block on `parent` for `miner`: coinbase-only, the subsidy paid to the miner's key. */
  buildOn(parent: LabBlock, opts: BuildOptions): LabBlock {
    const height = parent.height + 1;
    const coinbase = coinbaseTx(height, minerKey(opts.miner), blockSubsidy(height, this.params), this.built++);
    const header: BlockHeader = {
      version: BLOCK_VERSION,
      prevHash: parent.hash,
      merkleRoot: txHash(coinbase), // the merkle root of one transaction is its hash
      time: opts.time ?? this.minTime(parent, opts.now),
      bits: this.nextBits(parent),
      nonce: 0,
    };
    let hash = headerHash(header);
    this.hashes++;
    while (!checkProofOfWork(hash, header.bits, this.params).ok) {
      if (header.nonce === MAX_NONCE_TRIES - 1) throw new Error(`BlockBuilder: no nonce meets bits 0x${header.bits.toString(16)}`);
      header.nonce++;
      hash = headerHash(header);
      this.hashes++;
    }
    return { id: toDisplayHex(hash), hash, height, header, block: { header, txs: [coinbase] }, miner: opts.miner, parent };
  }
}

/** ancestorOf walks back from `tip` to the block at `height` on its branch. */
export function ancestorOf(tip: LabBlock, height: number): LabBlock {
  let b: LabBlock | undefined = tip;
  while (b !== undefined && b.height > height) b = b.parent;
  if (b === undefined || b.height !== height) throw new RangeError(`ancestorOf: no block at height ${height} below ${tip.id}`);
  return b;
}

/** minerKey is a fixed 32-byte key per simulated miner: the coinbase pays it, nothing spends it. */
function minerKey(miner: number): Uint8Array {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, miner + 1, true);
  key[31] = 0x6c; // 'l': a lab key
  return key;
}
