/**
 * Canonical encodings of what the store keeps besides blocks and coins: block records
 * (the block index on disk) and undo data. Decoders are as strict as the consensus
 * ones (exact length, no trailing bytes, bounded counts): a record that does not
 * decode exactly means a corrupt or foreign database, and we want to hear about it.
 *
 * Block record (BLOCK_RECORD_SIZE = 121 bytes; the hash is the key, not the value):
 *   header 80 | height u32 | chainwork 32 (uint256 LE) | status u8 | sequence u32
 *
 * Undo data (Core CBlockUndo, bcoin UndoCoins), in the order the block spent the coins:
 *   count CompactSize | count × (txid 32 | index u32 | coin (coin.ts))
 */
import { MAX_BLOCK_DECODE_SIZE } from '../consensus/block.js';
import { ByteReader, DecodeError } from '../consensus/byte-reader.js';
import { ByteWriter } from '../consensus/byte-writer.js';
import { bigIntToBytesLE, bytesToBigIntLE, hash32, type Hash32 } from '../consensus/bytes.js';
import { COIN_SIZE, readCoin, writeCoin, type SpentCoin } from '../consensus/coin.js';
import { encodeBlockHeader, HEADER_SIZE, readBlockHeader } from '../consensus/header.js';
import { BlockStatus, type BlockRecord } from './store.js';

export const BLOCK_RECORD_SIZE = HEADER_SIZE + 4 + 32 + 1 + 4;

/** Every status bit the store knows; an unknown bit means a newer or corrupt store. */
const KNOWN_STATUS_BITS = Object.values(BlockStatus).reduce((all, bit) => all | bit, 0);

/** Bytes of one spent coin in undo data: outpoint then coin. */
const SPENT_COIN_SIZE = 32 + 4 + COIN_SIZE;

/**
 * A block cannot spend more coins than it has inputs, and the smallest input is
 * txid 32 + index 4 + a one-byte empty witness length.
 */
export const MAX_UNDO_COINS = Math.floor(MAX_BLOCK_DECODE_SIZE / (32 + 4 + 1));

/** encodeBlockRecord serialises a block record (without its hash, which is the key). */
export function encodeBlockRecord(record: BlockRecord): Uint8Array {
  if (record.status !== (record.status & KNOWN_STATUS_BITS)) {
    throw new RangeError(`encodeBlockRecord: unknown status bits in ${record.status}`);
  }
  return new ByteWriter(BLOCK_RECORD_SIZE)
    .bytes(encodeBlockHeader(record.header))
    .u32(record.height)
    .bytes(bigIntToBytesLE(record.chainwork, 32))
    .u8(record.status)
    .u32(record.sequence)
    .finish();
}

/** decodeBlockRecord parses exactly one block record; `hash` comes from its key. */
export function decodeBlockRecord(hash: Uint8Array, bytes: Uint8Array): BlockRecord {
  const r = new ByteReader(bytes);
  const header = readBlockHeader(r);
  const height = r.u32('record.height');
  const chainwork = bytesToBigIntLE(r.bytes(32, 'record.chainwork'));
  const statusAt = r.offset;
  const status = r.u8('record.status');
  if ((status & ~KNOWN_STATUS_BITS) !== 0) throw new DecodeError('record.status', statusAt, `unknown status bits in ${status}`);
  const sequence = r.u32('record.sequence');
  r.end('record');
  return { hash: hash32(Uint8Array.from(hash), 'record key hash'), header, height, chainwork, status, sequence };
}

/** encodeUndo serialises a block's undo data: the coins it spent, in spending order. */
export function encodeUndo(undo: readonly SpentCoin[]): Uint8Array {
  const w = new ByteWriter(9 + undo.length * SPENT_COIN_SIZE);
  w.varint(undo.length);
  for (const { outpoint, coin } of undo) {
    if (outpoint.txHash.length !== 32) throw new TypeError('encodeUndo: txHash must be 32 bytes');
    if (coin.pubkey.length !== 32) throw new TypeError('encodeUndo: coin pubkey must be 32 bytes');
    w.bytes(outpoint.txHash).u32(outpoint.index);
    writeCoin(w, coin);
  }
  return w.finish();
}

/** decodeUndo parses exactly one block's undo data; the count is bounded before allocating. */
export function decodeUndo(bytes: Uint8Array): SpentCoin[] {
  const r = new ByteReader(bytes);
  const count = r.count('undo.count', MAX_UNDO_COINS, SPENT_COIN_SIZE);
  const undo: SpentCoin[] = [];
  for (let i = 0; i < count; i++) {
    const txHash = r.bytes(32, `undo[${i}].txHash`) as Hash32;
    const index = r.u32(`undo[${i}].index`);
    const coin = readCoin(r, `undo[${i}].coin`);
    undo.push({ outpoint: { txHash, index }, coin });
  }
  r.end('undo');
  return undo;
}
