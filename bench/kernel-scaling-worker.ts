/**
 * A worker thread of the mining bench's machine-scaling figure for the pool's own work:
 * runs the nonce kernel the pool runs over one header for `ms`, starting when every
 * thread has arrived, and reports nonces per second. Run in one thread and in all
 * threads at once it shows how far this machine scales that kernel with no pool, no
 * messages and no slices: the ceiling the pool can reach.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadKernel } from '../workers/nonce-kernel.js';
import type { KernelName } from '../workers/kernel-choice.js';
import { NonceJob } from '../workers/sha256-kernel.js';
import { runTogether, type TogetherData } from './threads-at-once.js';

export interface KernelScalingData extends TogetherData {
  kernel: KernelName;
  header: Uint8Array;
}

const data = workerData as KernelScalingData;
const kernel = loadKernel(data.kernel);
// Target 0: no nonce meets it, so every call hashes its whole batch.
const job = new NonceJob(data.header, 0n);
const BATCH = 1 << 16;
let nonce = 0;
const searchBatch = (): number => {
  kernel.search(job, nonce, nonce + BATCH, null);
  nonce = (nonce + BATCH) % 2 ** 31;
  return BATCH;
};
searchBatch(); // warmed up by loadKernel; one batch more, then wait for the others
parentPort!.postMessage(runTogether(data, searchBatch));
