/**
 * The rolling minimum fee rate: after the pool evicts, the fee rate a newcomer must pay
 * rises to what was evicted plus the incremental relay fee, then decays with a half-life
 * of 12 hours (faster while the pool is far below its limit), but only once a block has
 * arrived since the last rise. Without it a full pool admits a stream of transactions
 * that each evict the last one for a sliver more fee, each costing a full validation;
 * with it they are refused cheaply ("mempool min fee not met").
 * @see Core CTxMemPool::GetMinFee, trackPackageRemoved, ROLLING_FEE_HALFLIFE.
 */

/** Core's ROLLING_FEE_HALFLIFE: 12 hours. */
export const ROLLING_FEE_HALFLIFE_SECONDS = 12 * 60 * 60;
/** Core decays at most every 10 seconds. */
const DECAY_STEP_SECONDS = 10;

export class RollingMinimumFee {
  /** units per byte; 0 when no eviction is remembered */
  private rate = 0;
  private lastUpdate = 0;
  private blockSinceBump = false;

  /** incrementalFeeRate: units per byte a replacement of evicted bytes must add (Core: -incrementalrelayfee). */
  constructor(private readonly incrementalFeeRate: number) {}

  /** evicted records that transactions with this descendant score left the pool for room (Core trackPackageRemoved). */
  evicted(score: number, now: number): void {
    const floor = score + this.incrementalFeeRate;
    if (floor > this.rate) {
      this.rate = floor;
      this.blockSinceBump = false;
    }
    this.lastUpdate = now;
  }

  /** blockConnected lets the rate decay again (Core sets blockSinceLastRollingFeeBump in removeForBlock). */
  blockConnected(): void {
    this.blockSinceBump = true;
  }

  /** current is the rolling minimum in units per byte at `now`, for a pool of `bytes` out of `maxBytes`. */
  current(now: number, bytes: number, maxBytes: number): number {
    if (!this.blockSinceBump || this.rate === 0) return this.rate;
    if (now > this.lastUpdate + DECAY_STEP_SECONDS) {
      let halfLife = ROLLING_FEE_HALFLIFE_SECONDS;
      if (bytes < maxBytes / 4) halfLife /= 4;
      else if (bytes < maxBytes / 2) halfLife /= 2;
      this.rate /= 2 ** ((now - this.lastUpdate) / halfLife);
      this.lastUpdate = now;
      if (this.rate < this.incrementalFeeRate / 2) this.rate = 0;
    }
    return this.rate;
  }
}
