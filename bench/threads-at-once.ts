/**
 * The machine-scaling figures' plumbing (the mining bench's OpenSSL loop, the signatures
 * bench's plain verifies): the same loop in `threads` plain worker threads started
 * together, no pool and no messages while they run, so the sum says how far this machine
 * itself scales that work. The main side starts the threads and sums their rates; each
 * worker waits for the others, runs its loop for `ms` and reports its rate.
 */
import { Worker } from 'node:worker_threads';

/** What every such worker gets: how long to run, and the barrier it waits at. */
export interface TogetherData {
  ms: number;
  /** Int32Array over a SharedArrayBuffer: [0] counts arrivals */
  arrived: Int32Array;
  parties: number;
}

/** sumOfThreads runs `file` in `threads` worker threads at once and returns the sum of the rates they report. */
export async function sumOfThreads<D extends TogetherData>(file: URL, threads: number, data: Omit<D, 'arrived' | 'parties'>): Promise<number> {
  const arrived = new Int32Array(new SharedArrayBuffer(4));
  const workerData = { ...data, arrived, parties: threads };
  const rates = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
      const w = new Worker(file, { workerData });
      w.once('message', (r: number) => resolve(r));
      w.once('error', reject);
      w.once('exit', (code) => (code !== 0 ? reject(new Error(`${file.pathname} exited with ${code}`)) : undefined));
    })),
  );
  return rates.reduce((x, y) => x + y, 0);
}

/**
 * runTogether (in the worker) waits until every party has arrived (at most 30 s), then
 * calls `step` for `ms` and returns what the steps counted per second.
 */
export function runTogether({ ms, arrived, parties }: TogetherData, step: () => number): number {
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  const deadline = performance.now() + 30_000;
  for (let seen = Atomics.load(arrived, 0); seen < parties && performance.now() < deadline; seen = Atomics.load(arrived, 0)) Atomics.wait(arrived, 0, seen, 1_000);
  const start = performance.now();
  let done = 0;
  while (performance.now() - start < ms) done += step();
  return (done * 1000) / (performance.now() - start);
}
