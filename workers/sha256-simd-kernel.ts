/**
 * The WebAssembly SIMD nonce kernel: workers/sha256d-simd.wasm, generated from
 * workers/sha256-simd-gen.ts (regenerate with `npm run gen:kernel`). Each 128-bit v128
 * value holds one 32-bit word of four nonces, so one pass of the loop hashes 4
 * consecutive nonces (LANE_SETS in the generator); it allocates nothing.
 *
 * The module has no memory and no imports: `scan` takes the midstate and header tail as
 * arguments and hoists everything that does not depend on the nonce itself, once per call
 * (a call is one chunk of STOP_CHECK_INTERVAL nonces). The search loop around it, the stop
 * flag and the reference check of every candidate are the TS kernel's (searchWith).
 *
 * Machines whose engine lacks WebAssembly SIMD fail WebAssembly.validate of this module;
 * the pool then uses the TS kernel (see nonce-kernel.ts).
 */
import { HEADER_SIZE } from '../src/consensus/header.js';
import { NonceJob, searchWith, type ChunkScanner, type SearchResult } from './sha256-kernel.js';
import { simdKernelBytes } from './kernel-choice.js';

type ScanExport = (
  m0: number, m1: number, m2: number, m3: number, m4: number, m5: number, m6: number, m7: number,
  x0: number, x1: number, x2: number, start: number, count: number, targetTop: number,
) => number;

/** SimdKernel is one instance of the module; searchNonces has searchNonces' contract (sha256-kernel.ts). */
export class SimdKernel {
  private readonly scan: ChunkScanner;

  constructor() {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(simdKernelBytes()), {});
    const scan = instance.exports['scan'] as ScanExport;
    this.scan = (job, start, count) => {
      const m = job.mid;
      const x = job.tail;
      return scan(m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!, x[0]!, x[1]!, x[2]!, start, count, job.targetTop);
    };
  }

  searchNonces(job: NonceJob, startNonce: number, endNonce: number, stopFlag: Int32Array | null = null): SearchResult {
    return searchWith(this.scan, job, startNonce, endNonce, stopFlag);
  }

  /**
   * warmUp runs the kernel until V8 has compiled it with its optimising tier (WebAssembly
   * starts on the baseline compiler and tiers up hot functions): a few thousand chunks.
   */
  warmUp(): void {
    const header = new Uint8Array(HEADER_SIZE);
    for (let i = 0; i < HEADER_SIZE; i++) header[i] = (i * 37 + 11) & 0xff;
    const job = new NonceJob(header, (1n << 248n) - 1n);
    for (let call = 0; call < 400; call++) this.searchNonces(job, call * 1024, call * 1024 + 1024, null);
  }
}
