/**
 * Who finds the next block, and when. Proof of work is a Poisson process: a miner with
 * share s of the hash power finds blocks at rate s / T (T the block interval), so its
 * waiting time is exponential. The lab draws each miner's next find from that
 * distribution instead of hashing for it; the earliest find wins. Draws are memoryless,
 * so a miner that did not win keeps its drawn time, and only the winner draws again.
 */
import type { Random } from './prng.js';

export interface BlockFind {
  /** index of the miner in the shares array */
  miner: number;
  /** simulated seconds since the start of these finds */
  time: number;
}

export class BlockFinds {
  private readonly next: number[];
  private readonly rates: number[];

  /** shares: each miner's fraction of the hash power (they need not add up to 1); intervalSeconds: T. */
  constructor(
    private readonly random: Random,
    shares: readonly number[],
    intervalSeconds: number,
  ) {
    if (!(intervalSeconds > 0)) throw new RangeError(`BlockFinds: the block interval must be > 0 seconds, got ${intervalSeconds}`);
    if (shares.length === 0 || shares.some((s) => !(s >= 0))) throw new RangeError('BlockFinds: every share must be ≥ 0, and there must be at least one miner');
    const total = shares.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new RangeError('BlockFinds: the shares add up to zero hash power');
    this.rates = shares.map((s) => s / total / intervalSeconds);
    this.next = this.rates.map((rate) => (rate > 0 ? random.exponential(rate) : Infinity));
  }

  /** take returns the next find and draws that miner's following one. */
  take(): BlockFind {
    let miner = 0;
    for (let i = 1; i < this.next.length; i++) if (this.next[i]! < this.next[miner]!) miner = i;
    const time = this.next[miner]!;
    this.next[miner] = time + this.random.exponential(this.rates[miner]!);
    return { miner, time };
  }
}
