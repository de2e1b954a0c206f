/**
 * The BIP340 verifiers a node can run: libsecp256k1 (Bitcoin Core's own library, compiled
 * to WebAssembly by tiny-secp256k1) by default, @noble/curves as the reference and the
 * fallback where libsecp256k1 cannot load. `npm run bench -- signatures` measures both on
 * one thread; the BIP340 vectors (test/consensus/signature.test.ts) pass on both.
 *
 * tiny-secp256k1 is loaded on first use (its WebAssembly module and memory are a few MB
 * that an idle node does not need), through its CommonJS build so the load is synchronous.
 */
import { createRequire } from 'node:module';
import { verifySignature as nobleVerify, type SchnorrVerify } from '../src/consensus/signature.js';

export const SCHNORR_BACKENDS = ['libsecp256k1', 'noble'] as const;
export type SchnorrBackend = (typeof SCHNORR_BACKENDS)[number];

interface TinySecp256k1 {
  verifySchnorr(h: Uint8Array, Q: Uint8Array, signature: Uint8Array): boolean;
}

let libsecp: TinySecp256k1 | null | undefined;

function loadLibsecp(): TinySecp256k1 | null {
  if (libsecp === undefined) {
    try {
      libsecp = createRequire(import.meta.url)('tiny-secp256k1') as TinySecp256k1;
    } catch {
      libsecp = null;
    }
  }
  return libsecp;
}

/** defaultSchnorrBackend is libsecp256k1 where it loads, else noble. */
export function defaultSchnorrBackend(): SchnorrBackend {
  return loadLibsecp() !== null ? 'libsecp256k1' : 'noble';
}

/**
 * schnorrVerify returns backend's BIP340 verification with SchnorrVerify's contract (never
 * throws). tiny-secp256k1 throws for arguments it refuses up front (a key that is not a
 * curve point's x, wrong lengths): for consensus each of those is an invalid signature,
 * as it is in noble's verify and in BIP340 ("fail if lift_x(pk) fails").
 */
export function schnorrVerify(backend: SchnorrBackend): SchnorrVerify {
  if (backend === 'noble') return nobleVerify;
  const lib = loadLibsecp();
  if (lib === null) throw new Error('libsecp256k1 (tiny-secp256k1) could not be loaded');
  return (signature, digest, pubkey) => {
    try {
      return lib.verifySchnorr(digest, pubkey, signature);
    } catch {
      return false;
    }
  };
}
