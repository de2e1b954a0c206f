/**
 * Coins: unspent transaction outputs with what the rules need to know about them, and
 * the view of the UTXO set that the rules read. The view is a plain interface so
 * consensus stays free of I/O: the chain loads the coins a block needs first.
 */
import { ByteReader, DecodeError } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import type { Outpoint } from './tx.js';

/** An unspent output, with the height and kind of the transaction that created it. */
export interface Coin {
  value: bigint;
  pubkey: Uint8Array;
  /** height of the block that created it (for coinbase maturity) */
  height: number;
  /** created by a coinbase (must mature before it is spent) */
  coinbase: boolean;
}

/** Read access to a UTXO set: the coin at an outpoint, or undefined if missing or spent. */
export interface UtxoView {
  getCoin(outpoint: Outpoint): Coin | undefined;
}

/**
 * A coin a block spent, at the outpoint it was spent from. A block's undo data is the
 * list of these in spending order: disconnecting the block puts them back.
 */
export interface SpentCoin {
  outpoint: Outpoint;
  coin: Coin;
}

/** Canonical coin encoding: value i64 | pubkey 32 | height u32 | coinbase u8 (0 or 1). */
export const COIN_SIZE = 8 + 32 + 4 + 1;

/** writeCoin appends a coin's canonical encoding. */
export function writeCoin(w: ByteWriter, coin: Coin): void {
  w.i64(coin.value).bytes(coin.pubkey).u32(coin.height).u8(coin.coinbase ? 1 : 0);
}

/** readCoin reads one coin; the coinbase flag must be exactly 0 or 1. */
export function readCoin(r: ByteReader, field = 'coin'): Coin {
  const value = r.i64(`${field}.value`);
  const pubkey = r.bytes(32, `${field}.pubkey`);
  const height = r.u32(`${field}.height`);
  const start = r.offset;
  const flag = r.u8(`${field}.coinbase`);
  if (flag > 1) throw new DecodeError(`${field}.coinbase`, start, `flag must be 0 or 1, got ${flag}`);
  return { value, pubkey, height, coinbase: flag === 1 };
}

/** encodeCoin serialises one coin (as stored in the UTXO set). */
export function encodeCoin(coin: Coin): Uint8Array {
  const w = new ByteWriter(COIN_SIZE);
  writeCoin(w, coin);
  return w.finish();
}

/** decodeCoin parses exactly one coin. */
export function decodeCoin(bytes: Uint8Array): Coin {
  const r = new ByteReader(bytes);
  const coin = readCoin(r);
  r.end('coin');
  return coin;
}
