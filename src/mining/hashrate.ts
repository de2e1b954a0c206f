/**
 * Hashrate as a moving average over a time window, per worker thread and in total,
 * for the API (`/status` mining.hashrate) and the logs. Idle time counts as zero, so
 * the figure falls to 0 within one window after mining stops.
 */

/** One worker's hashrate in hashes per second. */
export interface WorkerHashrate {
  threadId: number;
  hashrate: number;
}

export interface Hashrate {
  /** hashes per second over the window, all workers */
  total: number;
  workers: WorkerHashrate[];
}

interface Sample {
  startMs: number;
  endMs: number;
  hashes: number;
}

/**
 * HashrateMeter averages completed work over the last `windowMs`: a task that ran
 * partly inside the window counts with the part of its hashes that fell inside. The
 * clock is the caller's (performance.now() in the pool).
 */
export class HashrateMeter {
  private readonly samples = new Map<number, Sample[]>();
  private firstStartMs = Number.POSITIVE_INFINITY;

  constructor(readonly windowMs = 5_000) {
    if (!(windowMs > 0)) throw new RangeError('HashrateMeter: windowMs must be positive');
  }

  /** record adds `hashes` done by thread `threadId` between startMs and endMs. */
  record(threadId: number, hashes: number, startMs: number, endMs: number): void {
    if (hashes <= 0) return;
    let list = this.samples.get(threadId);
    if (list === undefined) {
      list = [];
      this.samples.set(threadId, list);
    }
    list.push({ startMs, endMs: Math.max(endMs, startMs), hashes });
    this.firstStartMs = Math.min(this.firstStartMs, startMs);
  }

  /** rates returns each worker's and the total hashrate over the window that ends at nowMs. */
  rates(nowMs: number): Hashrate {
    const from = nowMs - this.windowMs;
    // Before a full window has passed, average over the time since the first task started.
    const spanMs = Math.max(1, Math.min(this.windowMs, nowMs - this.firstStartMs));
    const workers: WorkerHashrate[] = [];
    let total = 0;
    for (const [threadId, list] of this.samples) {
      while (list.length > 0 && list[0]!.endMs <= from) list.shift();
      let hashes = 0;
      for (const s of list) {
        const duration = s.endMs - s.startMs;
        const inside = Math.min(s.endMs, nowMs) - Math.max(s.startMs, from);
        hashes += duration <= 0 ? s.hashes : (s.hashes * Math.max(0, inside)) / duration;
      }
      const hashrate = (hashes * 1000) / spanMs;
      workers.push({ threadId, hashrate });
      total += hashrate;
    }
    workers.sort((a, b) => a.threadId - b.threadId);
    return { total, workers };
  }
}
