/**
 * The Piscina worker that checks BIP340 signatures off the main thread. A batch is one
 * SharedArrayBuffer (layout in signature-batch.ts): the verifier writes one 128-byte record per
 * signature (signature | signature hash | key) and every thread of the pool claims
 * records from it a few at a time, as Core's CCheckQueue workers take checks from one
 * queue. So a batch costs one message per thread, not one structured clone per
 * transaction, the threads balance themselves when one of them is slowed down, and the
 * inputs of one large transaction spread over every thread.
 *
 * The verifier may still be writing records while the threads run: the STATE word says
 * how many are written and whether the writer is done, and a thread that gets ahead of
 * the writer waits on it (Atomics.wait).
 */
import { workerData } from 'node:worker_threads';
import { defaultSchnorrBackend, SCHNORR_BACKENDS, schnorrVerify, type SchnorrBackend } from './schnorr-backends.js';
import { BATCH_FAILED, BATCH_HEADER_SIZE, BATCH_NEXT, BATCH_STATE, SIGNATURE_RECORD_SIZE, type SignatureBatch } from './signature-batch.js';

/** What the verifier passes as Piscina's workerData: the BIP340 implementation to run (default: defaultSchnorrBackend here). */
export interface SignatureWorkerData {
  backend?: SchnorrBackend;
}

const requested = (workerData as SignatureWorkerData | undefined)?.backend ?? defaultSchnorrBackend();
if (!SCHNORR_BACKENDS.includes(requested)) throw new Error(`signature worker: unknown backend ${String(requested)}`);
const verify = schnorrVerify(requested);

/** A waiting thread re-checks STATE at least this often (the writer notifies it; this only bounds a lost wake-up). */
const STATE_WAIT_MS = 50;

/** verifySignatures claims and checks records until none is left; it returns how many it checked. */
export default function verifySignatures(task: SignatureBatch): number {
  const control = new Int32Array(task.buffer, 0, BATCH_HEADER_SIZE / 4);
  const records = new Uint8Array(task.buffer, BATCH_HEADER_SIZE);
  let checked = 0;
  for (;;) {
    const claim = claimSize(control, task);
    const start = Atomics.add(control, BATCH_NEXT, claim);
    // Records past a failure cannot change the verdict (the lowest failure wins).
    if (start >= Atomics.load(control, BATCH_FAILED)) return checked;
    const end = awaitWritten(control, start + claim);
    if (end <= start) return checked;
    for (let i = start; i < end; i++) {
      const at = i * SIGNATURE_RECORD_SIZE;
      checked++;
      if (!verify(records.subarray(at, at + 64), records.subarray(at + 64, at + 96), records.subarray(at + 96, at + 128))) {
        lowerFailure(control, i);
        return checked;
      }
    }
  }
}

/**
 * claimSize is task.claim while the writer is still writing; once it is done, and so the
 * batch's size known, a share of the records left among the threads (guided
 * self-scheduling), down to one. With fixed claims of 16 (about 4 ms of work) one thread
 * went on checking its last claim alone at the end of every batch while the others had
 * nothing left; the shrinking claims made a 1,000-transaction batch 0.6 % faster and a
 * 250-transaction one 3 % (paired rounds in one process, on 2 vCPUs).
 */
function claimSize(control: Int32Array, task: SignatureBatch): number {
  const state = Atomics.load(control, BATCH_STATE);
  if ((state & 1) === 0) return task.claim;
  const left = (state >>> 1) - Atomics.load(control, BATCH_NEXT);
  return Math.max(1, Math.min(task.claim, Math.ceil(left / (2 * task.threads))));
}

/**
 * awaitWritten blocks until records [0, end) are written, or the writer is done with
 * fewer; it returns the end of the records this thread may check (≤ end).
 */
function awaitWritten(control: Int32Array, end: number): number {
  for (;;) {
    const state = Atomics.load(control, BATCH_STATE);
    const written = state >>> 1;
    if (written >= end) return end;
    if ((state & 1) === 1) return written;
    Atomics.wait(control, BATCH_STATE, state, STATE_WAIT_MS);
  }
}

/** lowerFailure records `index` as the failing record unless a lower one already failed. */
function lowerFailure(control: Int32Array, index: number): void {
  for (;;) {
    const current = Atomics.load(control, BATCH_FAILED);
    if (current <= index || Atomics.compareExchange(control, BATCH_FAILED, current, index) === current) return;
  }
}
