/**
 * BIP340 Schnorr signatures over secp256k1 (@noble/curves), and the per-input rule that
 * an input's witness is a valid signature of its signature hash by the key of the coin
 * it spends.
 *
 * Differs from Bitcoin: there is no script. Every output is locked to one x-only key,
 * as a Taproot key-path output is, and every input's witness is exactly one 64-byte
 * signature (no sighash-type byte: SIGHASH_DEFAULT only).
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from './bytes.js';
import { reject, type Verdict } from './reasons.js';
import { signatureHash, type SighashCache, type SpentOutput } from './sighash.js';
import type { Tx } from './tx.js';

/** Length of a BIP340 signature: r (32 bytes) | s (32 bytes). */
export const SIGNATURE_SIZE = 64;

/**
 * xOnlyPublicKey derives the 32-byte x-only public key of a 32-byte private key: the
 * key an output is locked to and an address encodes.
 * @see BIP340 PubKey(sk). Throws for a private key that is not in [1, n-1].
 */
export function xOnlyPublicKey(privateKey: Uint8Array): Uint8Array {
  return schnorr.getPublicKey(privateKey);
}

/**
 * signDigest makes a BIP340 signature of a 32-byte digest. `auxRand` is the 32 bytes of
 * auxiliary randomness BIP340 mixes into the nonce; it is an argument because consensus
 * code takes no randomness of its own (wallets pass fresh random bytes, tests fixed ones).
 * @see BIP340 Sign(sk, m, a). Throws for a bad private key or auxRand length.
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array, auxRand: Uint8Array): Uint8Array {
  if (auxRand.length !== 32) throw new RangeError(`auxRand: expected 32 bytes, got ${auxRand.length}`);
  return schnorr.sign(digest, privateKey, auxRand);
}

/**
 * A BIP340 verification: whether `signature` is a valid signature of the 32-byte
 * `digest` by the x-only key `pubkey`. It MUST NOT throw for bad bytes (an invalid
 * signature or key is just false). verifySignature below (@noble/curves) is the
 * reference; a node may pass another implementation of the same function (libsecp256k1,
 * see workers/schnorr-backends.ts) to checkTxSignatures.
 * @see BIP340 Verify(pk, m, sig).
 */
export type SchnorrVerify = (signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array) => boolean;

/**
 * verifySignature says whether `signature` is a valid BIP340 signature of `digest` by the
 * x-only key `pubkey`. It never throws: a key off the curve, r ≥ p, s ≥ n or a wrong
 * length is just an invalid signature.
 * @see BIP340 Verify(pk, m, sig).
 */
export function verifySignature(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
  try {
    return schnorr.verify(signature, digest, pubkey);
  } catch {
    // noble throws on argument shapes it refuses (lengths); for consensus that is a failed check.
    return false;
  }
}

/**
 * signInput signs input `inputIndex` of `tx`, which spends `spent` (one output per
 * input, in input order): the result goes in that input's witness.
 * @see BIP341 SIGHASH_DEFAULT key-path signing, signatureHash. `auxRand` is 32 bytes.
 */
export function signInput(
  tx: Tx,
  inputIndex: number,
  spent: readonly SpentOutput[],
  privateKey: Uint8Array,
  auxRand: Uint8Array,
): Uint8Array {
  return signDigest(signatureHash(tx, inputIndex, spent), privateKey, auxRand);
}

/**
 * checkInputSignature ensures input `inputIndex`'s witness is one 64-byte BIP340
 * signature of the input's signature hash by the key of the coin it spends.
 * @see Core VerifyScript / SchnorrSignatureChecker (Taproot key path), BIP340, BIP341.
 * Rejects: bad-txns-sig-size, bad-txns-sig (both toychain-only; Core reports
 * mandatory-script-verify-flag-failed). Needs the spent outputs (from the UTXO view).
 * `verify` is the BIP340 check to use (default: verifySignature, @noble/curves).
 * The transaction MUST NOT be a coinbase (a coinbase's witness is its data, not a signature).
 * Never throws for bad signature or key bytes; throws RangeError for an input index or
 * `spent` list that does not match the transaction (a caller bug).
 */
export function checkInputSignature(
  tx: Tx,
  inputIndex: number,
  spent: readonly SpentOutput[],
  cache?: SighashCache,
  verify: SchnorrVerify = verifySignature,
): Verdict {
  const input = tx.inputs[inputIndex];
  const coin = spent[inputIndex];
  if (input === undefined || coin === undefined) {
    throw new RangeError(`checkInputSignature: no input or spent output at index ${inputIndex}`);
  }
  // The witness must be exactly one BIP340 signature: "Fail if the signature is not 64 bytes."
  if (input.witness.length !== SIGNATURE_SIZE) {
    return reject('bad-txns-sig-size', `input ${inputIndex}: witness is ${input.witness.length} bytes, expected ${SIGNATURE_SIZE}`);
  }
  // The signature must verify against the spent coin's key over this input's signature hash.
  const digest = signatureHash(tx, inputIndex, spent, cache);
  if (!verify(input.witness, digest, coin.pubkey)) {
    return reject('bad-txns-sig', `input ${inputIndex}: signature does not verify for key ${bytesToHex(coin.pubkey)}`);
  }
  return { ok: true };
}
