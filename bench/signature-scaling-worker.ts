/**
 * A worker thread of the signatures bench's machine-scaling figure: verifies the same
 * BIP340 records (signature | digest | key, 128 bytes each) with libsecp256k1 over and
 * over for `ms`, starting when every thread has arrived, and reports verifies per second.
 * Run in one thread and in all threads at once, it shows how far this machine itself
 * scales this work, with no pool, no messages and no hashing on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { schnorrVerify } from '../workers/schnorr-backends.js';

export interface SignatureScalingData {
  ms: number;
  /** Int32Array over a SharedArrayBuffer: [0] counts arrivals */
  arrived: Int32Array;
  parties: number;
  records: Uint8Array;
}

const { ms, arrived, parties, records } = workerData as SignatureScalingData;
const verify = schnorrVerify('libsecp256k1');
const count = records.length / 128;
const once = (i: number): void => {
  const at = (i % count) * 128;
  if (!verify(records.subarray(at, at + 64), records.subarray(at + 64, at + 96), records.subarray(at + 96, at + 128))) throw new Error('bench: bad record');
};
// Warm up (the WebAssembly tiers up), then wait for the others so every thread runs at once.
for (let i = 0; i < 300; i++) once(i);
Atomics.add(arrived, 0, 1);
Atomics.notify(arrived, 0);
const deadline = performance.now() + 30_000;
for (let seen = Atomics.load(arrived, 0); seen < parties && performance.now() < deadline; seen = Atomics.load(arrived, 0)) Atomics.wait(arrived, 0, seen, 1_000);
const start = performance.now();
let done = 0;
while (performance.now() - start < ms) once(done++);
parentPort!.postMessage((done * 1000) / (performance.now() - start));
