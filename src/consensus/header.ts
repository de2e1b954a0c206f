/**
 * The block header: Bitcoin's 80 bytes, little-endian as Bitcoin serialises it.
 *
 *   offset  size  field
 *   0       4     version     u32
 *   4       32    prevHash    internal byte order (display hex is reversed)
 *   36      32    merkleRoot  internal byte order
 *   68      4     time        u32, Unix seconds
 *   72      4     bits        u32, compact target
 *   76      4     nonce       u32
 */
import { ByteReader, DecodeError } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from './bytes.js';
import { sha256d } from './hash.js';

export const HEADER_SIZE = 80;

export interface BlockHeader {
  version: number;
  /** hash of the previous block, internal byte order */
  prevHash: Hash32;
  /** merkle root of the block's transaction hashes, internal byte order */
  merkleRoot: Hash32;
  /** Unix seconds */
  time: number;
  /** compact encoding of the target */
  bits: number;
  nonce: number;
}

/** encodeBlockHeader serialises a header into its 80 canonical bytes. @see Core CBlockHeader::SERIALIZE_METHODS. */
export function encodeBlockHeader(header: BlockHeader): Uint8Array {
  if (header.prevHash.length !== 32 || header.merkleRoot.length !== 32) {
    throw new TypeError('encodeBlockHeader: prevHash and merkleRoot must be 32 bytes');
  }
  return new ByteWriter(HEADER_SIZE)
    .u32(header.version)
    .bytes(header.prevHash)
    .bytes(header.merkleRoot)
    .u32(header.time)
    .u32(header.bits)
    .u32(header.nonce)
    .finish();
}

/** readBlockHeader reads one header from a reader, for decoders of larger structures. */
export function readBlockHeader(r: ByteReader): BlockHeader {
  return {
    version: r.u32('header.version'),
    prevHash: r.bytes(32, 'header.prevHash') as Hash32,
    merkleRoot: r.bytes(32, 'header.merkleRoot') as Hash32,
    time: r.u32('header.time'),
    bits: r.u32('header.bits'),
    nonce: r.u32('header.nonce'),
  };
}

/**
 * decodeBlockHeader parses exactly 80 bytes into a header. Throws DecodeError for any
 * other length, so a truncated or padded header never passes as a header.
 */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length !== HEADER_SIZE) {
    throw new DecodeError('header', 0, `expected ${HEADER_SIZE} bytes, got ${bytes.length}`);
  }
  const r = new ByteReader(bytes);
  const header = readBlockHeader(r);
  r.end('header');
  return header;
}

/** headerHash is sha256d of the 80 header bytes, in internal byte order (the block's id). */
export function headerHash(header: BlockHeader): Hash32 {
  return sha256d(encodeBlockHeader(header)) as Hash32;
}

/** blockId is the block's id as Bitcoin displays it: sha256d of the header, byte-reversed hex. */
export function blockId(header: BlockHeader): DisplayHex {
  return toDisplayHex(headerHash(header));
}
