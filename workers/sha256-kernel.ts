/**
 * The nonce search kernel: double SHA-256 of an 80-byte block header for a range of
 * nonces, hand-tuned for V8. Measured facts behind each choice are in
 * ../shared/notes/mining-kernel.md; the bench is `npm run bench` (section "mining").
 *
 *  - Midstate: header bytes 0..63 do not contain the nonce, so they are compressed
 *    once per job (NonceJob). Per nonce there are two compressions: the header's second
 *    block (bytes 64..79 + padding) from the midstate, then the 32-byte digest from the IV.
 *  - Everything that does not depend on the nonce (the first 3 rounds of the second
 *    block, the constant schedule words and partial sums of both blocks) is computed once
 *    per job by hoistJob; scanChunk (generated, workers/sha256-rounds.ts) runs the rest
 *    with a small pool of `let` variables and allocates nothing.
 *  - Only the top 32 bits of the hash are compared in the loop; a candidate is checked
 *    against the whole target with the reference `sha256d` before it is reported.
 *
 * Three V8 traps each leave the kernel on ~30 % slower code for the rest of the process
 * (notes, "What made the TS kernel fast, and what made it slow again"); prepareKernel()
 * avoids all three and must run before the first real search in every thread:
 *  1. a long first call is compiled by on-stack replacement only: warm up on tiny ranges;
 *  2. a job object from an object literal that is later overwritten loses field
 *     constness: NonceJob is a class whose fields are set once in the constructor;
 *  3. the first ArrayBuffer detach in an isolate deoptimises: detach a dummy buffer first.
 */
import { bytesToBigIntLE } from '../src/consensus/bytes.js';
import { sha256d } from '../src/consensus/hash.js';
import { HEADER_SIZE } from '../src/consensus/header.js';
import { hoistJob, JOB_WORDS, scanChunk } from './sha256-rounds.js';
import { SHA256_IV, SHA256_K } from './sha256-constants.js';

/** Nonces hashed between two looks at the stop flag (the notes: no measurable cost, 0.5 ms to stop). */
export const STOP_CHECK_INTERVAL = 1024;
/** One past the largest nonce: the nonce is a u32. */
export const NONCE_LIMIT = 2 ** 32;

const TWO_256 = 1n << 256n;

/**
 * A nonce search job: one header template and one target, with the midstate and the
 * hoisted constants computed once. A class with every field set in the constructor,
 * never reassigned (trap 2 above).
 */
export class NonceJob {
  /** a private copy of the 80-byte header template (its nonce field is ignored) */
  readonly header: Uint8Array;
  readonly target: bigint;
  /** JOB_WORDS constants for scanChunk */
  readonly words: Int32Array;
  /** the midstate (SHA-256 state after header bytes 0..63), for kernels that hoist their own constants */
  readonly mid: Int32Array;
  /** big-endian words of header bytes 64..75 (merkle root tail, time, bits) */
  readonly tail: Int32Array;
  /** top 32 bits of the target as an unsigned number */
  readonly targetTop: number;
  /** top 32 bits of the target, xor 0x80000000 (see scanChunk) */
  readonly targetTopFlipped: number;

  constructor(header: Uint8Array, target: bigint) {
    if (!(header instanceof Uint8Array) || header.length !== HEADER_SIZE) {
      throw new TypeError(`NonceJob: header must be ${HEADER_SIZE} bytes`);
    }
    if (typeof target !== 'bigint' || target < 0n || target >= TWO_256) throw new RangeError('NonceJob: target must be in [0, 2^256)');
    this.header = Uint8Array.from(header);
    this.target = target;
    const w = new Int32Array(16);
    for (let i = 0; i < 16; i++) w[i] = readWordBE(this.header, 4 * i);
    const mid = Int32Array.from(SHA256_IV);
    compressBlock(mid, w);
    const tail = new Int32Array([readWordBE(this.header, 64), readWordBE(this.header, 68), readWordBE(this.header, 72)]);
    this.words = new Int32Array(JOB_WORDS);
    hoistJob(mid, tail, this.words);
    this.mid = mid;
    this.tail = tail;
    this.targetTop = Number(target >> 224n);
    this.targetTopFlipped = (this.targetTop ^ 0x80000000) | 0;
  }

  /** hashWithNonce is the reference header hash (sha256d) with `nonce` written in, internal byte order. */
  hashWithNonce(nonce: number): Uint8Array {
    const header = Uint8Array.from(this.header);
    new DataView(header.buffer).setUint32(76, nonce, true);
    return sha256d(header);
  }

  /** meetsTarget says, with the reference sha256d, whether the header with `nonce` is at or below the target. */
  meetsTarget(nonce: number): boolean {
    return bytesToBigIntLE(this.hashWithNonce(nonce)) <= this.target;
  }
}

/** What a search over a nonce range did. */
export interface SearchResult {
  /** the first nonce in the range whose hash meets the target, or -1 */
  nonce: number;
  /** headers hashed, the found one included */
  hashesDone: number;
  /** true when the stop flag ended the search early */
  stopped: boolean;
}

/**
 * searchNonces scans nonces in [startNonce, endNonce) in order and returns the first
 * one whose double SHA-256 meets the job's target, re-checked with the reference
 * sha256d. It looks at `stopFlag[0]` every STOP_CHECK_INTERVAL nonces and returns
 * as soon as it is non-zero.
 */
export function searchNonces(job: NonceJob, startNonce: number, endNonce: number, stopFlag: Int32Array | null = null): SearchResult {
  return searchWith(scanTs, job, startNonce, endNonce, stopFlag);
}

/**
 * A chunk scanner: hashes `count` nonces from `start` and returns the offset of the
 * first whose top 32 hash bits are at or below the target's, or -1 (a candidate only).
 */
export type ChunkScanner = (job: NonceJob, start: number, count: number) => number;

const scanTs: ChunkScanner = (job, start, count) => scanChunk(job.words, job.targetTopFlipped, start, count);

/**
 * searchWith is searchNonces over any kernel's chunk scanner: it checks the range, looks
 * at the stop flag between chunks, and confirms each candidate with the reference sha256d.
 */
export function searchWith(scan: ChunkScanner, job: NonceJob, startNonce: number, endNonce: number, stopFlag: Int32Array | null = null): SearchResult {
  if (!Number.isInteger(startNonce) || !Number.isInteger(endNonce) || startNonce < 0 || endNonce > NONCE_LIMIT || startNonce > endNonce) {
    throw new RangeError(`searchNonces: bad nonce range [${startNonce}, ${endNonce})`);
  }
  let n = startNonce;
  while (n < endNonce) {
    if (stopFlag !== null && Atomics.load(stopFlag, 0) !== 0) return { nonce: -1, hashesDone: n - startNonce, stopped: true };
    const count = Math.min(STOP_CHECK_INTERVAL, endNonce - n);
    const offset = scan(job, n | 0, count);
    if (offset < 0) {
      n += count;
      continue;
    }
    const candidate = n + offset;
    // The loop compared only the top 32 bits: the reference hash decides.
    if (job.meetsTarget(candidate)) return { nonce: candidate, hashesDone: candidate - startNonce + 1, stopped: false };
    n = candidate + 1;
  }
  return { nonce: -1, hashesDone: endNonce - startNonce, stopped: false };
}

let prepared = false;

/**
 * prepareKernel gets this thread's kernel onto V8's fast path before real work: it
 * detaches a dummy ArrayBuffer (trap 3), then calls the kernel ~1000 times on tiny
 * ranges so it is compiled normally rather than by on-stack replacement (trap 1). The
 * warm-up target hits about once in 256 nonces so the candidate path is compiled too.
 * Takes ~0.2 s once per thread; later calls return at once.
 */
export function prepareKernel(): void {
  if (prepared) return;
  const dummy = new ArrayBuffer(8);
  structuredClone(dummy, { transfer: [dummy] });
  const header = new Uint8Array(HEADER_SIZE);
  for (let i = 0; i < HEADER_SIZE; i++) header[i] = (i * 37 + 11) & 0xff;
  const job = new NonceJob(header, (1n << 248n) - 1n);
  for (let call = 0; call < 1000; call++) searchNonces(job, call * 256, call * 256 + 256, null);
  prepared = true;
}

// --- Reference compression, used once per job for the midstate ---------------------



function readWordBE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** compressBlock applies one SHA-256 compression (FIPS 180-4 §6.2.2) of 16 words to `state`, in place. */
function compressBlock(state: Int32Array, block: Int32Array): void {
  const w = new Int32Array(64);
  w.set(block);
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (s1 + w[t - 7]! + s0 + w[t - 16]!) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + (g ^ (e & (f ^ g))) + SHA256_K[t]! + w[t]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) | (c & (a | b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  const out = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) state[i] = (state[i]! + out[i]!) | 0;
}
