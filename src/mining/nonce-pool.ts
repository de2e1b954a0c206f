/**
 * The nonce pool: N warm worker threads (Piscina, workers/nonce-worker.ts) that search
 * one header's nonce space together. The range is handed out in slices, in order, to
 * whichever worker is free (so hashrate is measured as work completes, and a worker on a
 * busier core simply takes fewer slices).
 *
 * Stopping (new tip, mining stopped) sets one SharedArrayBuffer flag that every worker
 * reads each 1024 nonces, so every worker is idle within about a millisecond and the
 * threads stay warm. Piscina's AbortSignal would terminate the thread instead, and a
 * replacement needs ~250 ms of boot and warm-up before it hashes again (measured in
 * docs/mining-kernel.md; the stop latency is in `npm run bench`).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
// Type only: the task shapes are defined next to the worker that runs them.
import type { NonceTask, NonceTaskResult, NonceWorkerData } from '../../workers/nonce-worker.js';
import { fastestKernel, type KernelName } from '../../workers/kernel-choice.js';
import { HEADER_SIZE } from '../consensus/header.js';
import { HashrateMeter, type Hashrate } from './hashrate.js';
import { NONCE_SPACE } from './nonce-space.js';

/** Default nonces per task: ~0.7 s of one thread at 1.5 M/s, so hashrate updates often and tasks cost ~0.1 %. */
export const DEFAULT_SLICE_NONCES = 1 << 20;

/** The smallest slice the end of a range shrinks to: a few milliseconds of one thread, against a task's ~0.1 ms. */
const MIN_SLICE_NONCES = 1 << 14;

export interface NoncePoolOptions {
  /** worker threads (`--workers N`); default: os.availableParallelism() */
  workers?: number;
  /** nonces per task handed to a worker */
  sliceNonces?: number;
  /** window of the hashrate moving average */
  hashrateWindowMs?: number;
  /** the kernel every thread runs; default: the fastest this machine supports (fastestKernel) */
  kernel?: KernelName;
}

/** A search: find a nonce in [startNonce, endNonce) so that sha256d(header with nonce) <= target. */
export interface NonceSearch {
  /** the 80-byte header template (its nonce field is ignored) */
  header: Uint8Array;
  target: bigint;
  /** default 0 */
  startNonce?: number;
  /** exclusive, default 2^32 */
  endNonce?: number;
}

export interface NonceSearchResult {
  /** a nonce whose hash meets the target (checked with the reference sha256d), or null */
  nonce: number | null;
  /** nonces hashed by all workers */
  hashesDone: number;
  elapsedMs: number;
  /** true when stop() ended the search; false when it found a nonce or exhausted the range */
  stopped: boolean;
}

interface ActiveSearch {
  stop: Int32Array;
  stopRequested: boolean;
  /** lanes resting between slices (a duty below 1): each ends its rest when called */
  resting: Set<() => void>;
  done: Promise<NonceSearchResult>;
}

const WORKER_FILE = fileURLToPath(new URL('../../workers/nonce-worker.js', import.meta.url));

export class NoncePool {
  readonly workers: number;
  readonly sliceNonces: number;
  /** the kernel the threads run: 'wasm-simd' where WebAssembly SIMD validates, else 'ts' */
  readonly kernel: KernelName;
  private readonly piscina: Piscina<NonceTask, NonceTaskResult>;
  private readonly meter: HashrateMeter;
  private active: ActiveSearch | null = null;
  private readyPromise: Promise<void> | null = null;
  private destroyed = false;
  private dutyCycle = 1;

  constructor(options: NoncePoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`NoncePool: workers must be a positive integer, got ${workers}`);
    const sliceNonces = options.sliceNonces ?? DEFAULT_SLICE_NONCES;
    if (!Number.isInteger(sliceNonces) || sliceNonces < 1) throw new RangeError(`NoncePool: sliceNonces must be a positive integer`);
    this.workers = workers;
    this.sliceNonces = sliceNonces;
    this.meter = new HashrateMeter(options.hashrateWindowMs);
    this.kernel = options.kernel ?? fastestKernel();
    const workerData: NonceWorkerData = { kernel: this.kernel };
    // min = max threads: every thread starts now and none is ever retired for idling.
    this.piscina = new Piscina({ filename: WORKER_FILE, workerData, minThreads: workers, maxThreads: workers, idleTimeout: 2 ** 31 - 1 });
  }

  /**
   * ready resolves once every thread has loaded the worker and warmed up its kernel:
   * one task per thread must be running at the same moment (a rendezvous).
   */
  ready(): Promise<void> {
    this.readyPromise ??= (async () => {
      const arrived = new Int32Array(new SharedArrayBuffer(4));
      const task: NonceTask = { kind: 'rendezvous', arrived, parties: this.workers, timeoutMs: 30_000 };
      await Promise.all(Array.from({ length: this.workers }, () => this.piscina.run(task)));
    })();
    return this.readyPromise;
  }

  /** searching says whether a search is running. */
  get searching(): boolean {
    return this.active !== null;
  }

  /**
   * search splits [startNonce, endNonce) over the workers and resolves when a nonce is
   * found, the range is exhausted or stop() is called, always after every worker is idle.
   * One search at a time.
   */
  search(s: NonceSearch): Promise<NonceSearchResult> {
    if (this.destroyed) throw new Error('NoncePool: destroyed');
    if (this.active !== null) throw new Error('NoncePool: a search is already running');
    if (!(s.header instanceof Uint8Array) || s.header.length !== HEADER_SIZE) throw new TypeError(`NoncePool: header must be ${HEADER_SIZE} bytes`);
    const startNonce = s.startNonce ?? 0;
    const endNonce = s.endNonce ?? NONCE_SPACE;
    if (!Number.isInteger(startNonce) || !Number.isInteger(endNonce) || startNonce < 0 || endNonce > NONCE_SPACE || startNonce > endNonce) {
      throw new RangeError(`NoncePool: bad nonce range [${startNonce}, ${endNonce})`);
    }
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const active: ActiveSearch = { stop, stopRequested: false, resting: new Set(), done: Promise.resolve(null as never) };
    active.done = this.runLanes(s.header, s.target, startNonce, endNonce, active).finally(() => {
      this.active = null;
    });
    this.active = active;
    return active.done;
  }

  /** stop ends the running search, if any, and resolves when every worker is idle. */
  async stop(): Promise<void> {
    const active = this.active;
    if (active === null) return;
    active.stopRequested = true;
    Atomics.store(active.stop, 0, 1);
    wake(active);
    await active.done.catch(() => undefined);
  }

  get duty(): number {
    return this.dutyCycle;
  }

  /**
   * setDuty makes the threads hash only this fraction of the time (0 < duty <= 1), by
   * resting after each slice in proportion to the time it took: a devnet node's share
   * of the hash power on a machine whose cores all nodes share. A stop or a found
   * nonce ends a rest at once, so a new tip is still followed within milliseconds.
   */
  setDuty(duty: number): void {
    if (!(typeof duty === 'number' && duty > 0 && duty <= 1)) throw new RangeError('NoncePool: duty must be above 0 and at most 1');
    this.dutyCycle = duty;
  }

  /** hashrate is the moving average per worker thread and in total, in hashes per second. */
  hashrate(nowMs: number = performance.now()): Hashrate {
    return this.meter.rates(nowMs);
  }

  /** destroy stops any search and terminates the threads. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.stop();
    await this.piscina.destroy();
  }

  private async runLanes(header: Uint8Array, target: bigint, startNonce: number, endNonce: number, active: ActiveSearch): Promise<NonceSearchResult> {
    const started = performance.now();
    const headerCopy = Uint8Array.from(header);
    let found: number | null = null;
    let hashesDone = 0;
    // One cursor for every worker: a worker that is slowed down (a busy core) takes fewer
    // slices, and the slices shrink towards the end of the range (guided self-scheduling),
    // so the last worker to finish an exhausted range is not a whole slice behind the rest.
    let cursor = startNonce;
    const nextSlice = (): { from: number; to: number } | null => {
      if (cursor >= endNonce || Atomics.load(active.stop, 0) !== 0) return null;
      const guided = Math.ceil((endNonce - cursor) / (2 * this.workers));
      const size = Math.min(this.sliceNonces, Math.max(guided, Math.min(MIN_SLICE_NONCES, this.sliceNonces)));
      const from = cursor;
      cursor = Math.min(from + size, endNonce);
      return { from, to: cursor };
    };
    const lane = async (): Promise<void> => {
      try {
        await laneSlices();
      } catch (err) {
        // A failed worker ends the whole search: the other lanes stop too.
        Atomics.store(active.stop, 0, 1);
        wake(active);
        throw err;
      }
    };
    const laneSlices = async (): Promise<void> => {
      for (let slice = nextSlice(); slice !== null; slice = nextSlice()) {
        const taskStart = performance.now();
        const r = await this.piscina.run({ kind: 'search', header: headerCopy, target, startNonce: slice.from, endNonce: slice.to, stop: active.stop });
        // The worker's own elapsed time excludes the message round trip. A slice followed by a
        // rest (duty < 1) counts over both, so a share-limited miner shows its real average.
        const restMs = this.dutyCycle < 1 && r.nonce === null && Atomics.load(active.stop, 0) === 0 ? (r.elapsedMs * (1 - this.dutyCycle)) / this.dutyCycle : 0;
        this.meter.record(r.threadId, r.hashesDone, Math.max(taskStart, performance.now() - r.elapsedMs), performance.now() + restMs);
        hashesDone += r.hashesDone;
        if (r.nonce !== null) {
          found ??= r.nonce;
          Atomics.store(active.stop, 0, 1);
          wake(active);
          return;
        }
        if (restMs > 0) await rest(restMs, active);
      }
    };
    const lanes = Array.from({ length: Math.min(this.workers, Math.max(1, endNonce - startNonce)) }, lane);
    const settled = await Promise.allSettled(lanes);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) throw new Error('NoncePool: a worker failed', { cause: failure.reason });
    return { nonce: found, hashesDone, elapsedMs: performance.now() - started, stopped: found === null && active.stopRequested };
  }
}

/** rest waits `ms` or until the search is stopped (wake). */
function rest(ms: number, active: ActiveSearch): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      active.resting.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    active.resting.add(done);
  });
}

function wake(active: ActiveSearch): void {
  for (const done of [...active.resting]) done();
}
