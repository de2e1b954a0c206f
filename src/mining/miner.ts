/**
 * The miner: builds a template on the chain's tip, has the nonce pool search it, and
 * hands a found block to the chain.
 *
 *  - Exhausted nonce range: roll the extra nonce (new coinbase, new merkle root, fresh
 *    2^32 nonces) and refresh the time. Bitcoin: Core's IncrementExtraNonce.
 *  - New tip (ours or a peer's): the pool's stop flag ends the search within about a
 *    millisecond, the threads stay warm, and the next template builds on the new tip.
 *  - Every `timeRefreshMs` the search restarts on a fresh template (current time, new
 *    mempool transactions), as Core's miner updates nTime.
 */
import { EventEmitter } from 'node:events';
import type { Block } from '../consensus/block.js';
import type { DisplayHex } from '../consensus/bytes.js';
import { blockId } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { EMPTY_MEMPOOL, type MempoolSource, type MiningChain } from './mining-chain.js';
import type { NoncePool } from './nonce-pool.js';
import { NONCE_SPACE } from './nonce-space.js';
import type { Hashrate } from './hashrate.js';
import { blockFromTemplate, buildTemplate, headerBytes, withExtraNonce, withTime, type BlockTemplate } from './template.js';

export interface MinerOptions {
  chain: MiningChain;
  pool: NoncePool;
  params: NetworkParams;
  /** x-only public key the coinbases pay */
  minerPubkey: Uint8Array;
  mempool?: MempoolSource;
  /** the node's clock in Unix seconds */
  clock?: () => number;
  /** search only nonces [start, end) of each header: a tiny range forces extra-nonce rolls in tests */
  nonceRange?: { start: number; end: number };
  /** restart the search on a fresh template this often (default 30 s) */
  timeRefreshMs?: number;
  /**
   * continuous mining waits this long on average before each block, drawn from an
   * exponential distribution (the waiting time of real proof of work), scaled by the
   * pool's duty: for a network whose blocks cost next to nothing (regtest)
   */
  paceMs?: number;
  /** uniform [0, 1) for the pace draws (default Math.random) */
  random?: () => number;
}

/** A block the miner found and what the chain said about it. */
export interface MinedBlock {
  block: Block;
  blockId: DisplayHex;
  height: number;
  accepted: boolean;
  reason?: string;
}

export interface MinerEvents {
  /** a block was found and submitted */
  block: [mined: MinedBlock];
  /** the nonce range of a header was exhausted; the coinbase's extra nonce was rolled */
  extraNonce: [template: BlockTemplate];
  /** the search was abandoned for a new tip */
  newTip: [height: number];
  /** mining failed (a worker crashed); the miner keeps trying after a pause */
  error: [err: unknown];
}

const ERROR_PAUSE_MS = 1_000;

export class Miner extends EventEmitter<MinerEvents> {
  private readonly chain: MiningChain;
  private readonly pool: NoncePool;
  private readonly params: NetworkParams;
  private readonly minerPubkey: Uint8Array;
  private readonly mempool: MempoolSource;
  private readonly clock: () => number;
  private readonly nonceStart: number;
  private readonly nonceEnd: number;
  private readonly timeRefreshMs: number;
  private readonly paceMs: number | undefined;
  private readonly random: () => number;
  /** ends a pace wait early (stop) */
  private wakePace: (() => void) | undefined;
  /** never reused, so no header is searched twice */
  private nextExtraNonce = 0n;
  /** bumped by every tip change */
  private tipVersion = 0;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private busy = false;

  constructor(options: MinerOptions) {
    super();
    this.chain = options.chain;
    this.pool = options.pool;
    this.params = options.params;
    if (options.minerPubkey.length !== 32) throw new TypeError('Miner: minerPubkey must be 32 bytes');
    this.minerPubkey = options.minerPubkey.slice();
    this.mempool = options.mempool ?? EMPTY_MEMPOOL;
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    const range = options.nonceRange ?? { start: 0, end: NONCE_SPACE };
    if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end > NONCE_SPACE || range.start >= range.end) {
      throw new RangeError(`Miner: bad nonce range [${range.start}, ${range.end})`);
    }
    this.nonceStart = range.start;
    this.nonceEnd = range.end;
    this.timeRefreshMs = options.timeRefreshMs ?? 30_000;
    if (options.paceMs !== undefined && !(options.paceMs > 0)) throw new RangeError('Miner: paceMs must be positive');
    this.paceMs = options.paceMs;
    this.random = options.random ?? Math.random;
  }

  /** mining says whether the continuous loop runs. */
  get mining(): boolean {
    return this.loop !== null;
  }

  hashrate(): Hashrate {
    return this.pool.hashrate();
  }

  /** start mines block after block until stop(). */
  start(): void {
    if (this.loop !== null) return;
    if (this.busy) throw new Error('Miner: already mining');
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          if (this.paceMs !== undefined && !(await this.paceWait(this.paceMs))) continue;
          await this.mineOne();
        } catch (err) {
          if (this.stopping) break;
          this.emit('error', err);
          await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
        }
      }
    })();
  }

  /** stop ends the search and the loop; resolves once every worker is idle. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakePace?.();
    await this.pool.stop();
    const loop = this.loop;
    this.loop = null;
    await loop;
  }

  /**
   * paceWait waits an exponentially distributed time with mean paceMs / duty, as if
   * hashing at that pace. Resolves true once waited, false if the tip changed or stop()
   * came first (a new tip draws a new wait: the wait is memoryless, as mining is).
   */
  private paceWait(paceMs: number): Promise<boolean> {
    const meanMs = paceMs / this.pool.duty;
    const waitMs = -Math.log(1 - this.random()) * meanMs;
    return new Promise((resolve) => {
      const finish = (waited: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        this.wakePace = undefined;
        resolve(waited);
      };
      const timer = setTimeout(() => finish(true), waitMs);
      const unsubscribe = this.chain.onTipChanged(() => finish(false));
      this.wakePace = () => finish(false);
    });
  }

  /** generate mines `count` blocks one after the other (regtest's generatetoaddress) and returns them. */
  async generate(count: number): Promise<MinedBlock[]> {
    if (this.loop !== null) throw new Error('Miner: stop continuous mining before generating');
    this.stopping = false;
    const out: MinedBlock[] = [];
    while (out.length < count) {
      const mined = await this.mineOne();
      if (mined === null) break;
      out.push(mined);
    }
    return out;
  }

  /**
   * mineBlock searches until one block is found and submitted, starting over on every
   * tip change. Resolves null if stop() is called first.
   */
  private async mineOne(): Promise<MinedBlock | null> {
    if (this.busy) throw new Error('Miner: already mining');
    this.busy = true;
    const unsubscribe = this.chain.onTipChanged((tip) => {
      this.tipVersion++;
      if (this.pool.searching) this.emit('newTip', tip.height);
      void this.pool.stop();
    });
    try {
      return await this.searchUntilFound();
    } finally {
      unsubscribe();
      this.busy = false;
    }
  }

  private async searchUntilFound(): Promise<MinedBlock | null> {
    let template: BlockTemplate | null = null;
    let templateTipVersion = -1;
    while (!this.stopping) {
      if (template === null || templateTipVersion !== this.tipVersion) {
        templateTipVersion = this.tipVersion;
        template = buildTemplate(this.chain, this.mempool, { params: this.params, minerPubkey: this.minerPubkey, now: this.clock(), extraNonce: this.nextExtraNonce++ });
      }
      let refreshed = false;
      const timer = setTimeout(() => {
        refreshed = true;
        void this.pool.stop();
      }, this.timeRefreshMs);
      let result;
      try {
        result = await this.pool.search({ header: headerBytes(template), target: template.target, startNonce: this.nonceStart, endNonce: this.nonceEnd });
      } finally {
        clearTimeout(timer);
      }
      if (result.nonce !== null) return this.submit(blockFromTemplate(template, result.nonce), template.height);
      if (this.stopping) break;
      if (refreshed) {
        // A fresh template: the current time and what the mempool holds now.
        template = null;
      } else if (!result.stopped) {
        // Exhausted this header's nonces: roll the extra nonce, which changes the merkle root.
        template = withTime(withExtraNonce(template, this.nextExtraNonce++), this.clock());
        this.emit('extraNonce', template);
      }
      // Otherwise the tip changed: the check at the top of the loop builds on the new tip.
    }
    return null;
  }

  private async submit(block: Block, height: number): Promise<MinedBlock> {
    const verdict = await this.chain.submitBlock(block);
    const mined: MinedBlock = { block, blockId: blockId(block.header), height, accepted: verdict.accepted };
    if (verdict.reason !== undefined) mined.reason = verdict.reason;
    this.emit('block', mined);
    return mined;
  }
}
