/**
 * Mining as the API sees it (MiningControl): continuous mining to an address, stop,
 * and regtest-style generate. The worker pool is created on first use (its module too:
 * Piscina and the kernels are memory an idle node does not need) and kept warm while
 * mining: stopping and starting never restarts threads; after poolIdleMs without use
 * its threads end.
 */
import type { Logger } from 'pino';
import { decodeAddress } from '../consensus/address.js';
import { DecodeError } from '../consensus/byte-reader.js';
import type { Block } from '../consensus/block.js';
import type { NetworkParams } from '../consensus/params.js';
import type { Chain } from '../chain/chain.js';
import { viewOf } from '../chain/chain-view.js';
import { Miner } from '../mining/miner.js';
import { miningChainOf, type MempoolSource } from '../mining/mining-chain.js';
import type { NoncePool } from '../mining/nonce-pool.js';
import { fastestKernel } from '../../workers/kernel-choice.js';
import { ServiceRefusal, type MiningControl, type MiningShareControl } from '../api/services.js';
import type { MiningStatus } from '../api/contract/responses.js';

export interface MiningServiceOptions {
  chain: Chain;
  params: NetworkParams;
  workers: number;
  /** --miner-address, used when a call names no address */
  defaultAddress: string | undefined;
  /** the node's own key (DATADIR/miner.key): what generate pays when neither the call nor --miner-address names an address */
  ownKey?: () => Promise<Uint8Array>;
  logger: Logger;
  mempool?: MempoolSource;
  /** the nonce pool's threads end after this long without mining or generating (default 10 s) */
  poolIdleMs?: number;
  /** continuous mining waits this long on average before each block (a network without retarget) */
  paceMs?: number;
  /** the node's clock in Unix seconds, stamped into templates (default: the system clock) */
  clock?: () => number;
  /**
   * called with each block found, right before the chain connects it: the p2p layer
   * sends it on to its peers first (PeerManager.relayOwnBlock), so the first hop does
   * not wait for our connect
   */
  relayAhead?: (block: Block) => void;
}

/** Default idle time before the nonce pool's threads end: an idle node holds no mining threads. */
export const DEFAULT_POOL_IDLE_MS = 10_000;

export class MiningService implements MiningControl, MiningShareControl {
  private pool: NoncePool | undefined;
  private miner: Miner | undefined;
  private generating = false;
  private duty = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MiningServiceOptions) {}

  status(): MiningStatus {
    const active = this.miner?.mining === true || this.generating;
    return {
      active,
      // A stopped miner hashes nothing: 0 at once, not the fading tail of the moving average.
      hashrate: active ? Math.round(this.pool?.hashrate().total ?? 0) : 0,
      workers: this.options.workers,
      // Before the pool exists, the kernel it will choose (a WebAssembly.validate, no thread started).
      kernel: this.pool?.kernel ?? fastestKernel(),
    };
  }

  async start(address?: string): Promise<void> {
    const pubkey = this.pubkeyFor(address);
    if (this.generating) throw new ServiceRefusal('mining-busy', 'a generate call is running; start mining after it returns', 409);
    await this.stop();
    const miner = this.newMiner(pubkey, await this.readyPool());
    miner.on('block', (m) => this.options.logger.info({ height: m.height, hash: m.blockId, accepted: m.accepted, reason: m.reason }, 'mined a block'));
    miner.on('error', (err) => this.options.logger.error({ err }, 'mining failed; retrying'));
    this.miner = miner;
    miner.start();
    this.options.logger.info({ workers: this.options.workers }, 'mining started');
  }

  async stop(): Promise<void> {
    const miner = this.miner;
    this.miner = undefined;
    if (miner === undefined) return;
    await miner.stop();
    this.options.logger.info('mining stopped');
    this.releasePoolWhenIdle();
  }

  /** poolRunning says whether the nonce pool's threads exist (started on first use, ended when idle). */
  get poolRunning(): boolean {
    return this.pool !== undefined;
  }

  async generate(blocks: number, address?: string): Promise<string[]> {
    const { ownKey, defaultAddress } = this.options;
    const pubkey = address === undefined && defaultAddress === undefined && ownKey !== undefined ? await ownKey() : this.pubkeyFor(address);
    if (this.miner !== undefined) throw new ServiceRefusal('mining-active', 'continuous mining is running: stop it (POST /mining/stop) before generate', 409);
    if (this.generating) throw new ServiceRefusal('mining-busy', 'another generate call is running', 409);
    this.generating = true;
    try {
      const mined = await this.newMiner(pubkey, await this.readyPool()).generate(blocks);
      return mined.filter((m) => m.accepted).map((m) => m.blockId);
    } finally {
      this.generating = false;
      this.releasePoolWhenIdle();
    }
  }

  share(): number {
    return this.duty;
  }

  setShare(share: number): void {
    if (!(typeof share === 'number' && share > 0 && share <= 1)) throw new RangeError('MiningService: share must be above 0 and at most 1');
    this.duty = share;
    this.pool?.setDuty(share);
    this.options.logger.info({ share }, 'hash-power share set');
  }

  /** close stops mining and ends the worker threads (node shutdown only). */
  async close(): Promise<void> {
    await this.stop();
    clearTimeout(this.idleTimer);
    await this.pool?.destroy();
    this.pool = undefined;
  }

  private newMiner(minerPubkey: Uint8Array, pool: NoncePool): Miner {
    const { chain, params, mempool, paceMs, clock, relayAhead } = this.options;
    const submit = (block: Block): ReturnType<Chain['processBlock']> => {
      relayAhead?.(block);
      return chain.processBlock(block);
    };
    return new Miner({ chain: miningChainOf(viewOf(chain), submit), pool, params, minerPubkey, ...(mempool ? { mempool } : {}), ...(paceMs === undefined ? {} : { paceMs }), ...(clock === undefined ? {} : { clock }) });
  }

  /**
   * releasePoolWhenIdle ends the pool's threads after poolIdleMs with no mining: each
   * holds a V8 isolate (~10 MB), and the next use starts them again in about 0.3 s.
   */
  private releasePoolWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.miner !== undefined || this.generating || this.pool === undefined) return;
      const pool = this.pool;
      this.pool = undefined;
      pool.destroy().catch((err: unknown) => this.options.logger.error({ err }, 'ending the idle nonce pool failed'));
    }, this.options.poolIdleMs ?? DEFAULT_POOL_IDLE_MS);
    this.idleTimer.unref();
  }

  private async readyPool(): Promise<NoncePool> {
    clearTimeout(this.idleTimer);
    if (this.pool === undefined) {
      const { NoncePool } = await import('../mining/nonce-pool.js');
      // Another call may have made the pool while the module loaded.
      this.pool ??= new NoncePool({ workers: this.options.workers });
      this.pool.setDuty(this.duty);
    }
    await this.pool.ready();
    return this.pool;
  }

  private pubkeyFor(address: string | undefined): Uint8Array {
    const chosen = address ?? this.options.defaultAddress;
    if (chosen === undefined) {
      throw new ServiceRefusal('no-miner-address', 'no address to pay: pass "address" or start the node with --miner-address', 400);
    }
    try {
      return decodeAddress(chosen, this.options.params);
    } catch (e) {
      if (e instanceof DecodeError) throw new ServiceRefusal('invalid-address', e.message, 400);
      throw e;
    }
  }
}
