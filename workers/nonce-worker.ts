/**
 * The Piscina worker of the nonce search. Piscina loads this module when the thread
 * starts, so the kernel the pool chose (workerData.kernel: nonce-kernel.ts) is compiled
 * and warmed up before the thread takes its first task, and it stays warm: the pool
 * stops a search through a SharedArrayBuffer flag and never restarts threads on the
 * normal path.
 */
import { threadId, workerData } from 'node:worker_threads';
import { loadKernel } from './nonce-kernel.js';
import { KERNEL_NAMES, type KernelName } from './kernel-choice.js';
import { NonceJob } from './sha256-kernel.js';

/** What the pool passes as Piscina's workerData. */
export interface NonceWorkerData {
  kernel: KernelName;
}

/** Search nonces [startNonce, endNonce) of `header` (80 bytes) for a hash <= target; stop when stop[0] != 0. */
export interface NonceSearchTask {
  kind: 'search';
  header: Uint8Array;
  target: bigint;
  startNonce: number;
  endNonce: number;
  /** an Int32Array over a SharedArrayBuffer: set [0] to non-zero to stop */
  stop: Int32Array;
}

/**
 * Wait until `parties` tasks (one per thread) are running at once, so the pool knows
 * every thread has loaded and warmed up this module. Returns after at most timeoutMs.
 */
export interface RendezvousTask {
  kind: 'rendezvous';
  /** an Int32Array over a SharedArrayBuffer, [0] starting at 0 */
  arrived: Int32Array;
  parties: number;
  timeoutMs: number;
}

export type NonceTask = NonceSearchTask | RendezvousTask;

export interface NonceTaskResult {
  /** the nonce found (checked with the reference sha256d), or null */
  nonce: number | null;
  hashesDone: number;
  elapsedMs: number;
  /** true when the stop flag ended the task */
  stopped: boolean;
  threadId: number;
}

const requested = (workerData as Partial<NonceWorkerData> | undefined)?.kernel;
if (requested !== undefined && !KERNEL_NAMES.includes(requested)) throw new Error(`nonce worker: unknown kernel ${String(requested)}`);
const kernel = loadKernel(requested ?? 'ts');

export default function run(task: NonceTask): NonceTaskResult {
  const started = performance.now();
  if (task.kind === 'rendezvous') {
    rendezvous(task);
    return { nonce: null, hashesDone: 0, elapsedMs: performance.now() - started, stopped: false, threadId };
  }
  const job = new NonceJob(task.header, task.target);
  const result = kernel.search(job, task.startNonce, task.endNonce, task.stop);
  return {
    nonce: result.nonce < 0 ? null : result.nonce,
    hashesDone: result.hashesDone,
    elapsedMs: performance.now() - started,
    stopped: result.stopped,
    threadId,
  };
}

function rendezvous(task: RendezvousTask): void {
  Atomics.add(task.arrived, 0, 1);
  Atomics.notify(task.arrived, 0);
  const deadline = performance.now() + task.timeoutMs;
  for (;;) {
    const seen = Atomics.load(task.arrived, 0);
    const left = deadline - performance.now();
    if (seen >= task.parties || left <= 0) return;
    Atomics.wait(task.arrived, 0, seen, left);
  }
}
