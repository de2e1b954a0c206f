/**
 * Which nonce kernel this machine should run, decided without loading one: the
 * WebAssembly SIMD kernel where the engine validates its module, else the TS kernel. Its
 * own module so that a node that only reports the choice (`/status` mining.kernel before
 * the pool has started) does not load the kernels themselves (nonce-kernel.ts) or their
 * generated round code.
 */
import { readFileSync } from 'node:fs';

export const KERNEL_NAMES = ['wasm-simd', 'ts'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** The committed binary; compiled code runs from dist/workers/, the binary stays in workers/. */
const WASM_URL = new URL('../../workers/sha256d-simd.wasm', import.meta.url);

let bytes: Uint8Array | null = null;

/** simdKernelBytes reads the committed kernel binary (once per thread). */
export function simdKernelBytes(): Uint8Array {
  bytes ??= new Uint8Array(readFileSync(WASM_URL));
  return bytes;
}

let supported: boolean | undefined;

/**
 * simdSupported says whether this engine accepts the kernel (WebAssembly with the SIMD
 * proposal). Asked once per thread: the answer cannot change, and an idle node's
 * `/status` (polled every second by the devnet) asks it each time.
 */
export function simdSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(simdKernelBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}

/** fastestKernel names the fastest kernel this machine supports. */
export function fastestKernel(): KernelName {
  return simdSupported() ? 'wasm-simd' : 'ts';
}
