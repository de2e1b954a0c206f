/**
 * The nonce kernels a worker can run (which one this machine should use is kernel-choice.ts): the
 * WebAssembly SIMD kernel where the engine validates it (about 2-3x the TS kernel per
 * thread in `npm run bench`, section "mining"), else the TS kernel. Both have the same
 * contract (searchNonces in sha256-kernel.ts) and report the same hit nonces; the tests
 * in test/workers/sha256-kernel.test.ts run against both.
 */
import { NonceJob, prepareKernel, searchNonces, type SearchResult } from './sha256-kernel.js';
import { SimdKernel } from './sha256-simd-kernel.js';
import { simdSupported, type KernelName } from './kernel-choice.js';

export interface NonceKernel {
  readonly name: KernelName;
  /** searchNonces' contract: the first hit in [startNonce, endNonce), checked with the reference sha256d */
  search(job: NonceJob, startNonce: number, endNonce: number, stopFlag: Int32Array | null): SearchResult;
}

/** loadKernel prepares kernel `name` on this thread (compiled and warmed up) and returns it. */
export function loadKernel(name: KernelName): NonceKernel {
  if (name === 'wasm-simd') {
    if (!simdSupported()) throw new Error('the wasm-simd kernel needs WebAssembly SIMD, which this engine lacks');
    const simd = new SimdKernel();
    simd.warmUp();
    return { name, search: (job, start, end, stop) => simd.searchNonces(job, start, end, stop) };
  }
  prepareKernel();
  return { name, search: searchNonces };
}
