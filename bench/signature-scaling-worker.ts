/**
 * A worker thread of the signatures bench's machine-scaling figure: verifies the same
 * BIP340 records (signature | digest | key, 128 bytes each) with libsecp256k1 over and
 * over for `ms`, starting when every thread has arrived, and reports verifies per second.
 * Run in one thread and in all threads at once, it shows how far this machine itself
 * scales this work, with no pool, no messages and no hashing on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { schnorrVerify } from '../workers/schnorr-backends.js';
import { runTogether, type TogetherData } from './threads-at-once.js';

export interface SignatureScalingData extends TogetherData {
  records: Uint8Array;
}

const data = workerData as SignatureScalingData;
const { records } = data;
const verify = schnorrVerify('libsecp256k1');
const count = records.length / 128;
let next = 0;
const verifyOne = (): number => {
  const at = (next++ % count) * 128;
  if (!verify(records.subarray(at, at + 64), records.subarray(at + 64, at + 96), records.subarray(at + 96, at + 128))) throw new Error('bench: bad record');
  return 1;
};
for (let i = 0; i < 300; i++) verifyOne(); // warm up (the WebAssembly tiers up), then wait for the others
parentPort!.postMessage(runTogether(data, verifyOne));
