/**
 * A strict reader for toychain's canonical binary encodings. Every read checks the
 * remaining length first, counts are bounded before anything is allocated, and a
 * decoder must end with `end()` so trailing bytes are refused. Any failure throws one
 * DecodeError that names the field and the byte offset; the edges (p2p, api) turn it
 * into a misbehaviour score or a 400.
 */

/** DecodeError is the one error consensus decoders throw: bad bytes, not a broken node. */
export class DecodeError extends Error {
  readonly field: string;
  readonly offset: number;
  constructor(field: string, offset: number, message: string) {
    super(`${field} at byte ${offset}: ${message}`);
    this.name = 'DecodeError';
    this.field = field;
    this.offset = offset;
  }
}

export class ByteReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly input: Uint8Array) {
    if (!(input instanceof Uint8Array)) throw new TypeError('ByteReader: expected a Uint8Array');
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.input.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) {
      throw new DecodeError(field, this.pos, `needs ${n} bytes, ${this.remaining} left (truncated)`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** i64 reads a signed 64-bit little-endian integer (Bitcoin's CAmount is signed). */
  i64(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** bytes returns a copy, so decoded values never alias the input buffer. */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    // A plain Uint8Array copy even when the input is a Node Buffer (whose slice would
    // alias the input, and whose species would make the copy a Buffer too).
    const out = new Uint8Array(this.input.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /**
   * varint reads Bitcoin's CompactSize and refuses non-minimal encodings, so each
   * value has exactly one encoding and an id is a function of the value alone.
   * Bitcoin: ReadCompactSize with range_check (non-canonical → error).
   */
  varint(field: string): number {
    const start = this.pos;
    const first = this.u8(field);
    let value: number;
    let min: number;
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2, field);
      value = this.view.getUint16(this.pos, true);
      this.pos += 2;
      min = 0xfd;
    } else if (first === 0xfe) {
      value = this.u32(field);
      min = 0x10000;
    } else {
      this.need(8, field);
      const big = this.view.getBigUint64(this.pos, true);
      this.pos += 8;
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(field, start, 'count too large');
      value = Number(big);
      min = 0x100000000;
    }
    if (value < min) throw new DecodeError(field, start, 'non-canonical CompactSize');
    return value;
  }

  /**
   * count reads a CompactSize that sizes a list and checks it against both a hard
   * maximum and what the remaining bytes could possibly hold (`minItemSize` each),
   * before the caller allocates anything that size controls.
   */
  count(field: string, max: number, minItemSize: number): number {
    const start = this.pos;
    const n = this.varint(field);
    if (n > max) throw new DecodeError(field, start, `count ${n} above maximum ${max}`);
    if (n * minItemSize > this.remaining) {
      throw new DecodeError(field, start, `count ${n} cannot fit in ${this.remaining} remaining bytes`);
    }
    return n;
  }

  /** varBytes reads a CompactSize length (at most `max`) and then that many bytes. */
  varBytes(field: string, max: number): Uint8Array {
    const n = this.count(field, max, 1);
    return this.bytes(n, field);
  }

  /** end refuses trailing bytes: a canonical encoding is exactly as long as its content. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new DecodeError(what, this.pos, `${this.remaining} trailing bytes`);
    }
  }
}
