import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { bytesToBigIntLE, hexToBytes, toDisplayHex } from '../../src/consensus/bytes.js';
import { sha256d } from '../../src/consensus/hash.js';
import { compactToTarget } from '../../src/consensus/pow.js';
import { loadKernel, type NonceKernel } from '../../workers/nonce-kernel.js';
import { fastestKernel, KERNEL_NAMES, simdSupported } from '../../workers/kernel-choice.js';
import { generateKernelSource, kernelSourcePath } from '../../workers/sha256-kernel-gen.js';
import { NonceJob, type SearchResult } from '../../workers/sha256-kernel.js';
import { assembleWat, generateSimdWat, simdWasmPath } from '../../workers/sha256-simd-gen.js';

/** Bitcoin's genesis block header (height 0), nonce 2083236893. */
const BITCOIN_GENESIS_HEADER = hexToBytes(
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c',
);
const BITCOIN_GENESIS_NONCE = 2083236893;
const BITCOIN_GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

function sampleHeader(seed: number): Uint8Array {
  const header = new Uint8Array(80);
  for (let i = 0; i < 80; i++) header[i] = (i * 31 + seed * 97 + 7) & 0xff;
  return header;
}

/** Every nonce in [start, end) whose reference sha256d meets the target. */
function referenceHits(header: Uint8Array, target: bigint, start: number, end: number): number[] {
  const h = Uint8Array.from(header);
  const view = new DataView(h.buffer);
  const hits: number[] = [];
  for (let n = start; n < end; n++) {
    view.setUint32(76, n, true);
    if (bytesToBigIntLE(sha256d(h)) <= target) hits.push(n);
  }
  return hits;
}

/** Every hit the kernel reports in [start, end), searching on after each one. */
function kernelHits(kernel: NonceKernel, job: NonceJob, start: number, end: number): number[] {
  const hits: number[] = [];
  for (let n = start; n < end; ) {
    const r = kernel.search(job, n, end, null);
    if (r.nonce < 0) break;
    hits.push(r.nonce);
    n = r.nonce + 1;
  }
  return hits;
}

for (const name of KERNEL_NAMES) describe(`nonce search kernel (${name})`, () => {
  let kernel: NonceKernel;
  const searchNonces = (job: NonceJob, start: number, end: number, stop: Int32Array | null = null): SearchResult => kernel.search(job, start, end, stop);
  before(() => {
    kernel = loadKernel(name);
  });

  it('finds the same hits as the reference sha256d', () => {
    // About one nonce in 16 meets 2^252: a few hundred hits per range.
    const target = 1n << 252n;
    const ranges: [number, number][] = [
      [0, 3000],
      [2 ** 31 - 1500, 2 ** 31 + 1500],
      [2 ** 32 - 3000, 2 ** 32],
    ];
    for (const seed of [1, 2]) {
      const header = sampleHeader(seed);
      const job = new NonceJob(header, target);
      for (const [start, end] of ranges) {
        const expected = referenceHits(header, target, start, end);
        expect(expected.length, `hits in [${start}, ${end})`).to.be.greaterThan(50);
        expect(kernelHits(kernel, job, start, end), `seed ${seed} [${start}, ${end})`).to.deep.equal(expected);
      }
    }
  });

  it('finds the same hits with a target that differs from the hash only below the top 32 bits', () => {
    // Top word of the target equals the top word of many hashes: the full comparison decides.
    const header = sampleHeader(3);
    const target = (0x0fffffffn << 224n) | 0x8000n;
    const job = new NonceJob(header, target);
    expect(kernelHits(kernel, job, 0, 2000)).to.deep.equal(referenceHits(header, target, 0, 2000));
  });

  it('counts a hash equal to the target as a hit and target - 1 as a miss', () => {
    const header = sampleHeader(4);
    const nonce = 4242;
    const hash = new NonceJob(header, 0n).hashWithNonce(nonce);
    const target = bytesToBigIntLE(hash);
    expect(searchNonces(new NonceJob(header, target), nonce, nonce + 1).nonce).to.equal(nonce);
    expect(searchNonces(new NonceJob(header, target - 1n), nonce, nonce + 1).nonce).to.equal(-1);
  });

  it("finds Bitcoin's genesis nonce at its real difficulty", () => {
    expect(toDisplayHex(sha256d(BITCOIN_GENESIS_HEADER))).to.equal(BITCOIN_GENESIS_HASH);
    const { target } = compactToTarget(0x1d00ffff);
    const job = new NonceJob(BITCOIN_GENESIS_HEADER, target);
    const r = searchNonces(job, BITCOIN_GENESIS_NONCE - 5000, BITCOIN_GENESIS_NONCE + 5000);
    expect(r).to.deep.equal({ nonce: BITCOIN_GENESIS_NONCE, hashesDone: 5001, stopped: false });
  });

  it('counts every nonce of an exhausted range', () => {
    const job = new NonceJob(sampleHeader(5), 0n);
    expect(searchNonces(job, 10, 5010)).to.deep.equal({ nonce: -1, hashesDone: 5000, stopped: false });
    expect(searchNonces(job, 2 ** 32 - 3, 2 ** 32)).to.deep.equal({ nonce: -1, hashesDone: 3, stopped: false });
  });

  it('finds a hit in the last nonce of a range whose length is not a multiple of the lane count', () => {
    // The SIMD kernel hashes 4 nonces per pass: lanes past the range's end must not count.
    const header = sampleHeader(7);
    for (const nonce of [1001, 1002, 1003, 2 ** 32 - 1]) {
      const target = bytesToBigIntLE(new NonceJob(header, 0n).hashWithNonce(nonce));
      const job = new NonceJob(header, target);
      for (const [start, end] of [[nonce - 3, nonce + 1], [nonce - 3, nonce], [nonce, nonce + 1]] as const) {
        expect(kernelHits(kernel, job, start, end), `[${start}, ${end})`).to.deep.equal(referenceHits(header, target, start, end));
      }
      expect(searchNonces(job, nonce, nonce + 1).nonce).to.equal(nonce);
    }
  });

  it('returns at once when the stop flag is set', () => {
    const job = new NonceJob(sampleHeader(6), 0n);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);
    expect(searchNonces(job, 0, 2 ** 32, stop)).to.deep.equal({ nonce: -1, hashesDone: 0, stopped: true });
  });

  it('refuses a header that is not 80 bytes, a target out of range and a bad nonce range', () => {
    expect(() => new NonceJob(new Uint8Array(79), 1n)).to.throw(TypeError);
    expect(() => new NonceJob(new Uint8Array(80), 1n << 256n)).to.throw(RangeError);
    const job = new NonceJob(new Uint8Array(80), 1n);
    expect(() => searchNonces(job, 0, 2 ** 32 + 1)).to.throw(RangeError);
    expect(() => searchNonces(job, 5, 4)).to.throw(RangeError);
  });

});

describe('nonce kernel generators and choice', () => {
  it('the TS kernel is exactly what its generator emits (workers/sha256-rounds.ts is up to date)', () => {
    expect(readFileSync(kernelSourcePath(), 'utf8')).to.equal(generateKernelSource());
  });

  it('the committed SIMD binary is exactly what its generator emits, assembled by wabt (workers/sha256d-simd.wasm is up to date)', async () => {
    const committed = new Uint8Array(readFileSync(simdWasmPath()));
    const emitted = await assembleWat(generateSimdWat());
    expect(committed.length, 'size').to.equal(emitted.length);
    expect(Buffer.from(committed).equals(Buffer.from(emitted))).to.equal(true);
  });

  it('picks the SIMD kernel where WebAssembly SIMD validates, else the TS kernel', () => {
    expect(fastestKernel()).to.equal(simdSupported() ? 'wasm-simd' : 'ts');
    // Node 20's V8 has WebAssembly SIMD on x64 and arm64, the machines toychain runs on.
    expect(simdSupported()).to.equal(true);
  });
});
