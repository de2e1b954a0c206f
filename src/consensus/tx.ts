/**
 * Transactions: the UTXO model with BIP340 Schnorr keys and no script.
 *
 *   Tx       = version u32 | inputCount CompactSize | inputs | outputCount CompactSize | outputs | lockTime u32
 *   TxInput  = prevout.txHash 32 | prevout.index u32 | witness (CompactSize length + bytes)
 *   TxOutput = value i64 (base units) | pubkey 32 (x-only, BIP340)
 *
 * Differs from Bitcoin: an output is locked to one x-only key (as a Taproot key-path
 * output is) instead of a script, and an input carries one 64-byte Schnorr signature as
 * its witness. A coinbase input's witness holds the coinbase data (BIP34 height and an
 * extra nonce), as Bitcoin's coinbase scriptSig does. The txid covers the whole
 * encoding; BIP340 signatures cannot be altered by a third party, so it is not malleable.
 */
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { equalBytes, toDisplayHex, type DisplayHex, type Hash32 } from './bytes.js';
import { sha256d } from './hash.js';

/**
 * An output being spent: the spent transaction's hash (internal byte order, as the
 * encoding carries it; Bitcoin's COutPoint::hash) and the output's index in it.
 */
export interface Outpoint {
  txHash: Hash32;
  index: number;
}

export interface TxInput {
  prevout: Outpoint;
  /** a 64-byte BIP340 signature; in a coinbase, the coinbase data (height u32 LE + extra) */
  witness: Uint8Array;
}

export interface TxOutput {
  /** base units; 1 coin = 10^8 */
  value: bigint;
  /** 32-byte x-only public key that may spend this output */
  pubkey: Uint8Array;
}

export interface Tx {
  version: number;
  inputs: TxInput[];
  outputs: TxOutput[];
  lockTime: number;
}

/** The coinbase's prevout index, as in Bitcoin's null COutPoint. */
export const NULL_INDEX = 0xffffffff;
/** Largest witness the decoder accepts: a coinbase's data may be up to 100 bytes (bad-cb-length). */
export const MAX_WITNESS_SIZE = 100;
/** Bounds on list counts the decoder accepts before allocating (a 1 MB block cannot hold more). */
export const MAX_TX_INPUTS = 25_000;
export const MAX_TX_OUTPUTS = 25_000;
const MIN_INPUT_SIZE = 32 + 4 + 1;
const OUTPUT_SIZE = 8 + 32;

/** isNullOutpoint says whether an outpoint is the null one a coinbase spends. */
export function isNullOutpoint(o: Outpoint): boolean {
  return o.index === NULL_INDEX && o.txHash.every((b) => b === 0);
}

/** isCoinbase says whether a transaction is a coinbase: exactly one input, spending the null outpoint. @see Core CTransaction::IsCoinBase. */
export function isCoinbase(tx: Tx): boolean {
  return tx.inputs.length === 1 && isNullOutpoint(tx.inputs[0]!.prevout);
}

/** writeTx appends the canonical encoding of a transaction to a writer. */
export function writeTx(w: ByteWriter, tx: Tx): void {
  w.u32(tx.version).varint(tx.inputs.length);
  for (const input of tx.inputs) {
    if (input.prevout.txHash.length !== 32) throw new TypeError('writeTx: prevout.txHash must be 32 bytes');
    w.bytes(input.prevout.txHash).u32(input.prevout.index).varBytes(input.witness);
  }
  w.varint(tx.outputs.length);
  for (const output of tx.outputs) {
    if (output.pubkey.length !== 32) throw new TypeError('writeTx: output pubkey must be 32 bytes');
    w.i64(output.value).bytes(output.pubkey);
  }
  w.u32(tx.lockTime);
}

/** encodeTx serialises a transaction into its canonical bytes. */
export function encodeTx(tx: Tx): Uint8Array {
  const w = new ByteWriter(64 + tx.inputs.length * 110 + tx.outputs.length * 40);
  writeTx(w, tx);
  return w.finish();
}

/** readTx reads one transaction; counts are bounded by what the remaining bytes can hold. */
export function readTx(r: ByteReader): Tx {
  const version = r.u32('tx.version');
  const inputCount = r.count('tx.inputs', MAX_TX_INPUTS, MIN_INPUT_SIZE);
  const inputs: TxInput[] = [];
  for (let i = 0; i < inputCount; i++) {
    const txHash = r.bytes(32, `tx.inputs[${i}].prevout.txHash`) as Hash32;
    const index = r.u32(`tx.inputs[${i}].prevout.index`);
    const witness = r.varBytes(`tx.inputs[${i}].witness`, MAX_WITNESS_SIZE);
    inputs.push({ prevout: { txHash, index }, witness });
  }
  const outputCount = r.count('tx.outputs', MAX_TX_OUTPUTS, OUTPUT_SIZE);
  const outputs: TxOutput[] = [];
  for (let i = 0; i < outputCount; i++) {
    const value = r.i64(`tx.outputs[${i}].value`);
    const pubkey = r.bytes(32, `tx.outputs[${i}].pubkey`);
    outputs.push({ value, pubkey });
  }
  const lockTime = r.u32('tx.lockTime');
  return { version, inputs, outputs, lockTime };
}

/** decodeTx parses exactly one transaction; trailing bytes are a DecodeError. */
export function decodeTx(bytes: Uint8Array): Tx {
  const r = new ByteReader(bytes);
  const tx = readTx(r);
  r.end('tx');
  return tx;
}

/** txHash is sha256d of the canonical encoding, internal byte order. */
export function txHash(tx: Tx): Hash32 {
  return sha256d(encodeTx(tx)) as Hash32;
}

/** txid is the transaction's id as Bitcoin displays it (byte-reversed hex). */
export function txid(tx: Tx): DisplayHex {
  return toDisplayHex(txHash(tx));
}

/** outpointKey is a compact string key for maps keyed by outpoint. */
export function outpointKey(o: Outpoint): string {
  return `${toDisplayHex(o.txHash)}:${o.index}`;
}

/** sameOutpoint compares two outpoints. */
export function sameOutpoint(a: Outpoint, b: Outpoint): boolean {
  return a.index === b.index && equalBytes(a.txHash, b.txHash);
}
