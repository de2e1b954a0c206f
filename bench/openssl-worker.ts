/**
 * A worker thread of the mining bench's machine-scaling figure: hashes one large buffer
 * with node:crypto (OpenSSL's SHA-256, SHA-NI where the CPU has it) over and over for
 * `ms`, starting when every thread has arrived, and reports bytes per second. Run in one
 * thread and in all threads at once, it shows how far this machine itself scales.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

export interface OpensslWorkerData {
  ms: number;
  /** Int32Array over a SharedArrayBuffer: [0] counts arrivals */
  arrived: Int32Array;
  parties: number;
  bufferBytes: number;
}

const { ms, arrived, parties, bufferBytes } = workerData as OpensslWorkerData;
const buffer = new Uint8Array(bufferBytes).fill(0x5a);
// Warm up once, then wait for the others so every thread hashes at the same time.
createHash('sha256').update(buffer).digest();
Atomics.add(arrived, 0, 1);
Atomics.notify(arrived, 0);
const deadline = performance.now() + 30_000;
for (let seen = Atomics.load(arrived, 0); seen < parties && performance.now() < deadline; seen = Atomics.load(arrived, 0)) Atomics.wait(arrived, 0, seen, 1_000);
const start = performance.now();
let bytes = 0;
while (performance.now() - start < ms) {
  createHash('sha256').update(buffer).digest();
  bytes += buffer.length;
}
parentPort!.postMessage((bytes * 1000) / (performance.now() - start));
