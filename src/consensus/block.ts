/**
 * A block: the 80-byte header followed by a CompactSize transaction count and the
 * transactions, the first of which is the coinbase.
 */
import { ByteReader, DecodeError } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { encodeBlockHeader, HEADER_SIZE, readBlockHeader, type BlockHeader } from './header.js';
import { readTx, writeTx, type Tx } from './tx.js';

export interface Block {
  header: BlockHeader;
  txs: Tx[];
}

/**
 * Hard cap on an encoded block the decoder will look at, whatever the network's
 * maxBlockSize: it bounds what a peer can make us parse.
 */
export const MAX_BLOCK_DECODE_SIZE = 4_000_000;
/**
 * Smallest possible encoded transaction: version, zero inputs, zero outputs, lockTime.
 * decodeTx accepts empty lists (CheckTransaction rejects them later as
 * bad-txns-vin-empty / bad-txns-vout-empty), so the block's tx count is bounded by this,
 * not by the size of a valid transaction, or a block would fail to decode what its
 * transactions' decoder accepts.
 */
export const MIN_TX_SIZE = 4 + 1 + 1 + 4;

/** encodeBlock serialises a block into its canonical bytes. */
export function encodeBlock(block: Block): Uint8Array {
  const w = new ByteWriter(HEADER_SIZE + 16 + block.txs.length * 160);
  w.bytes(encodeBlockHeader(block.header)).varint(block.txs.length);
  for (const tx of block.txs) writeTx(w, tx);
  return w.finish();
}

/** decodeBlock parses exactly one block; oversized input, truncation and trailing bytes are DecodeErrors. */
export function decodeBlock(bytes: Uint8Array): Block {
  if (bytes.length > MAX_BLOCK_DECODE_SIZE) {
    throw new DecodeError('block', 0, `${bytes.length} bytes is above the ${MAX_BLOCK_DECODE_SIZE}-byte limit`);
  }
  const r = new ByteReader(bytes);
  const header = readBlockHeader(r);
  const count = r.count('block.txs', Math.floor(MAX_BLOCK_DECODE_SIZE / MIN_TX_SIZE), MIN_TX_SIZE);
  const txs: Tx[] = [];
  for (let i = 0; i < count; i++) txs.push(readTx(r));
  r.end('block');
  return { header, txs };
}
