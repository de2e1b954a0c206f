/**
 * A worker thread of the mining bench's machine-scaling figure: hashes one large buffer
 * with node:crypto (OpenSSL's SHA-256, SHA-NI where the CPU has it) over and over for
 * `ms`, starting when every thread has arrived, and reports bytes per second. Run in one
 * thread and in all threads at once, it shows how far this machine itself scales.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { runTogether, type TogetherData } from './threads-at-once.js';

export interface OpensslWorkerData extends TogetherData {
  bufferBytes: number;
}

const data = workerData as OpensslWorkerData;
const buffer = new Uint8Array(data.bufferBytes).fill(0x5a);
const hashOnce = (): number => {
  createHash('sha256').update(buffer).digest();
  return buffer.length;
};
hashOnce(); // warm up, then wait for the others so every thread hashes at the same time
parentPort!.postMessage(runTogether(data, hashOnce));
