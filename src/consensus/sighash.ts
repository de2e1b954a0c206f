/**
 * The signature hash: the 32-byte digest an input's BIP340 signature signs. It follows
 * BIP341's SIGHASH_DEFAULT message (SigMsg with hash_type 0x00, key path, no annex),
 * reduced to what a toychain transaction has: no script, no sequence, no hash types.
 *
 *   signatureHash = taggedHash('toychain/sighash',
 *     version      u32 LE   4 bytes
 *     shaPrevouts           32 bytes  sha256(for each input:  prevout.txHash 32 | prevout.index u32 LE)
 *     shaAmounts            32 bytes  sha256(for each input:  spent value i64 LE)
 *     shaPubkeys            32 bytes  sha256(for each input:  spent pubkey 32)
 *     shaOutputs            32 bytes  sha256(for each output: value i64 LE | pubkey 32)
 *     lockTime     u32 LE   4 bytes
 *     inputIndex   u32 LE   4 bytes)              = 140 bytes hashed after the tag prefix
 *
 * It commits to every field of the transaction except the witnesses (which hold the
 * signatures themselves), to the index of the input being signed (so a signature for
 * one input cannot be replayed on another input of the same transaction), and to the
 * value and key of every coin being spent. Committing to the spent values is BIP341's
 * answer to the fee attack on offline signers: a signer that is told a wrong amount
 * signs a digest no valid transaction has, so it cannot be tricked into paying a fee
 * it did not see. Every list entry has a fixed size, so the four list hashes are
 * unambiguous without length prefixes.
 *
 * Bitcoin: BIP341 hashes sha_prevouts, sha_amounts, sha_scriptpubkeys, sha_sequences and
 * sha_outputs once per transaction for the same reason as here. Recomputing them for each
 * input makes hashing quadratic in the size of the transaction, the denial of service
 * BIP143 removed from legacy sighash (CVE-2013-2292); so callers that check several
 * inputs build one SighashCache and pass it to each call.
 */
import { ByteWriter } from './byte-writer.js';
import { sha256, taggedHash } from './hash.js';
import type { Tx } from './tx.js';

/** The BIP340 tag that keeps toychain signature hashes apart from every other tagged hash. */
export const SIGHASH_TAG = 'toychain/sighash';

/** What a signature hash needs to know about a coin being spent: its value and its key. */
export interface SpentOutput {
  value: bigint;
  pubkey: Uint8Array;
}

/** The four per-transaction hashes every input's signature hash shares (BIP341's precomputed values). */
export interface SighashCache {
  shaPrevouts: Uint8Array;
  shaAmounts: Uint8Array;
  shaPubkeys: Uint8Array;
  shaOutputs: Uint8Array;
}

/**
 * sighashCache computes the hashes shared by every input of `tx`, so checking all inputs
 * hashes the transaction once instead of once per input.
 * @see BIP341 (sha_prevouts, sha_amounts, sha_scriptpubkeys, sha_outputs), Core
 * PrecomputedTransactionData. Context-free, given the spent outputs.
 * Throws RangeError when `spent` does not have one entry per input, TypeError for a key
 * that is not 32 bytes: both are caller bugs, not bad transactions.
 */
export function sighashCache(tx: Tx, spent: readonly SpentOutput[]): SighashCache {
  if (spent.length !== tx.inputs.length) {
    throw new RangeError(`sighashCache: ${spent.length} spent outputs for ${tx.inputs.length} inputs`);
  }
  const prevouts = new ByteWriter(tx.inputs.length * 36);
  for (const input of tx.inputs) {
    if (input.prevout.txHash.length !== 32) throw new TypeError('sighashCache: prevout.txHash must be 32 bytes');
    prevouts.bytes(input.prevout.txHash).u32(input.prevout.index);
  }
  const amounts = new ByteWriter(spent.length * 8);
  const pubkeys = new ByteWriter(spent.length * 32);
  for (const coin of spent) {
    if (coin.pubkey.length !== 32) throw new TypeError('sighashCache: spent pubkey must be 32 bytes');
    amounts.i64(coin.value);
    pubkeys.bytes(coin.pubkey);
  }
  const outputs = new ByteWriter(tx.outputs.length * 40);
  for (const output of tx.outputs) {
    if (output.pubkey.length !== 32) throw new TypeError('sighashCache: output pubkey must be 32 bytes');
    outputs.i64(output.value).bytes(output.pubkey);
  }
  return {
    shaPrevouts: sha256(prevouts.finish()),
    shaAmounts: sha256(amounts.finish()),
    shaPubkeys: sha256(pubkeys.finish()),
    shaOutputs: sha256(outputs.finish()),
  };
}

/**
 * signatureHash is the digest input `inputIndex` of `tx` signs, given the outputs it
 * spends (one per input, in input order). The byte layout is in this module's comment.
 * @see BIP341 SigMsg (hash_type SIGHASH_DEFAULT, key path), Core SignatureHashSchnorr.
 * Context-free, given the spent outputs. Pass `cache` (from sighashCache on the same
 * tx and spent outputs) when hashing several inputs of one transaction.
 * Differs from Bitcoin: no epoch, hash_type, spend_type or sequences, a 32-byte key in
 * place of a scriptPubKey, and its own tag.
 * Throws RangeError for an input index out of range (a caller bug).
 */
export function signatureHash(
  tx: Tx,
  inputIndex: number,
  spent: readonly SpentOutput[],
  cache: SighashCache = sighashCache(tx, spent),
): Uint8Array {
  if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= tx.inputs.length) {
    throw new RangeError(`signatureHash: input index ${inputIndex} out of range for ${tx.inputs.length} inputs`);
  }
  const msg = new ByteWriter(140)
    .u32(tx.version)
    .bytes(cache.shaPrevouts)
    .bytes(cache.shaAmounts)
    .bytes(cache.shaPubkeys)
    .bytes(cache.shaOutputs)
    .u32(tx.lockTime)
    .u32(inputIndex)
    .finish();
  return taggedHash(SIGHASH_TAG, msg);
}
