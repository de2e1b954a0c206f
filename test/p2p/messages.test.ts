import { expect } from 'chai';
import fc from 'fast-check';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { regtest } from '../../src/consensus/params.js';
import { sha256d } from '../../src/consensus/hash.js';
import {
  checksum,
  COMMANDS,
  decodeMessage,
  encodeMessage,
  ENVELOPE_SIZE,
  MAX_HEADERS,
  MAX_INV_ITEMS,
  MAX_LOCATOR_HASHES,
  MAX_MESSAGE_SIZE,
  MessageError,
  type FrameFault,
  type Message,
} from '../../src/p2p/messages.js';
import { blockArb, hash32Arb, headerArb, txArb, u32 } from '../helpers/arbitraries.js';
import { ByteWriter } from '../../src/consensus/byte-writer.js';
import { ZERO_HASH } from '../../src/consensus/bytes.js';

const MAGIC = regtest.magic;
const nonce8 = fc.uint8Array({ minLength: 8, maxLength: 8 });
const ascii = (min: number, max: number) => fc.string({ unit: fc.integer({ min, max }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const invItems = fc.array(fc.record({ type: fc.constantFrom('tx' as const, 'block' as const), hash: hash32Arb }), { maxLength: 20 });

const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    type: fc.constant('version' as const),
    protocolVersion: u32,
    magic: u32,
    genesis: hash32Arb,
    bestHeight: u32,
    chainwork: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    userAgent: ascii(0x20, 0x7e),
    nonce: nonce8,
    listenPort: fc.integer({ min: 0, max: 65535 }),
  }),
  fc.constant({ type: 'verack' as const }),
  fc.constant({ type: 'sendblocks' as const }),
  fc.constant({ type: 'sendheaders' as const }),
  fc.record({ type: fc.constantFrom('ping' as const, 'pong' as const), nonce: nonce8 }),
  fc.record({ type: fc.constantFrom('inv' as const, 'getdata' as const, 'notfound' as const), items: invItems }),
  fc.record({ type: fc.constantFrom('block' as const, 'blockahead' as const), block: blockArb }),
  fc.record({ type: fc.constant('tx' as const), tx: txArb }),
  fc.record({ type: fc.constant('getheaders' as const), locator: fc.array(hash32Arb, { maxLength: MAX_LOCATOR_HASHES }), stop: hash32Arb }),
  fc.record({ type: fc.constant('headers' as const), headers: fc.array(headerArb, { maxLength: 30 }) }),
  fc.record({
    type: fc.constant('addr' as const),
    addresses: fc.array(fc.record({ time: u32, host: ascii(0x21, 0x7e), port: fc.integer({ min: 0, max: 65535 }) }), { maxLength: 10 }),
  }),
) as fc.Arbitrary<Message>;

/** frame builds an envelope by hand, so tests can break any field. */
function frame(command: number, payload: Uint8Array, opts: { magic?: number; length?: number; checksum?: Uint8Array } = {}): Uint8Array {
  return new ByteWriter()
    .u32(opts.magic ?? MAGIC)
    .u8(command)
    .u32(opts.length ?? payload.length)
    .bytes(opts.checksum ?? checksum(payload))
    .bytes(payload)
    .finish();
}

function faultOf(bytes: Uint8Array, maxSize?: number): FrameFault {
  try {
    decodeMessage(bytes, MAGIC, maxSize);
  } catch (e) {
    expect(e).to.be.instanceOf(MessageError);
    expect(e).to.be.instanceOf(DecodeError);
    return (e as MessageError).fault;
  }
  throw new Error('decoded without an error');
}

describe('p2p message codec', () => {
  it('decodes what it encodes, for every message type (round trip)', () => {
    fc.assert(
      fc.property(messageArb, (msg) => {
        expect(decodeMessage(encodeMessage(MAGIC, msg), MAGIC)).to.deep.equal(msg);
      }),
      { numRuns: 300 },
    );
  });

  it('throws only DecodeError on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withGoodEnvelope) => {
        const input = withGoodEnvelope ? frame(bytes[0] ?? 0, bytes.subarray(1)) : bytes;
        try {
          decodeMessage(input, MAGIC);
        } catch (e) {
          expect(e).to.be.instanceOf(MessageError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('checks the frame size before anything else (oversize)', () => {
    const big = new Uint8Array(1001); // not even a valid envelope: the size is refused first
    expect(faultOf(big, 1000)).to.equal('oversize');
    expect(faultOf(new Uint8Array(MAX_MESSAGE_SIZE + 1))).to.equal('oversize');
  });

  it('refuses another network magic (bad-magic) and names the magic it saw', () => {
    const bytes = frame(COMMANDS.verack, new Uint8Array(), { magic: 0x11223344 });
    expect(faultOf(bytes)).to.equal('bad-magic');
    try {
      decodeMessage(bytes, MAGIC);
    } catch (e) {
      expect((e as MessageError).magic).to.equal(0x11223344);
    }
  });

  it('takes as checksum the first 4 bytes of sha256d(payload), the consensus hash, for any payload up to 600 bytes', () => {
    // Bitcoin's verack: the checksum of an empty payload is 5df6e0e2.
    expect(Buffer.from(checksum(new Uint8Array())).toString('hex')).to.equal('5df6e0e2');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (payload) => {
        expect(checksum(payload)).to.deep.equal(sha256d(payload).subarray(0, 4));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a payload whose checksum does not match (bad-checksum)', () => {
    const payload = new Uint8Array(8);
    expect(faultOf(frame(COMMANDS.ping, payload, { checksum: sha256d(new Uint8Array([1])).subarray(0, 4) }))).to.equal('bad-checksum');
  });

  it('refuses an unknown command (unknown-command)', () => {
    expect(faultOf(frame(0x7f, new Uint8Array()))).to.equal('unknown-command');
  });

  it('refuses a truncated envelope and a length that disagrees with the frame (malformed)', () => {
    expect(faultOf(new Uint8Array(ENVELOPE_SIZE - 1))).to.equal('malformed');
    const ping = encodeMessage(MAGIC, { type: 'ping', nonce: new Uint8Array(8) });
    expect(faultOf(ping.subarray(0, ping.length - 1))).to.equal('malformed');
    const longer = new Uint8Array(ping.length + 1);
    longer.set(ping);
    expect(faultOf(longer)).to.equal('malformed');
  });

  it('refuses a payload with trailing bytes or a truncated field (malformed)', () => {
    expect(faultOf(frame(COMMANDS.verack, new Uint8Array([0])))).to.equal('malformed');
    expect(faultOf(frame(COMMANDS.ping, new Uint8Array(7)))).to.equal('malformed');
    expect(faultOf(frame(COMMANDS.ping, new Uint8Array(9)))).to.equal('malformed');
  });

  it('refuses counts over their bound before allocating (headers, inv, locator)', () => {
    const over = (n: number) => new ByteWriter().varint(n).finish();
    expect(faultOf(frame(COMMANDS.headers, over(MAX_HEADERS + 1)))).to.equal('malformed');
    expect(faultOf(frame(COMMANDS.inv, over(MAX_INV_ITEMS + 1)))).to.equal('malformed');
    expect(faultOf(frame(COMMANDS.getheaders, over(MAX_LOCATOR_HASHES + 1)))).to.equal('malformed');
    // A count within bounds that the payload cannot hold is refused too.
    expect(faultOf(frame(COMMANDS.headers, over(10)))).to.equal('malformed');
  });

  it('refuses an unknown inventory type and a non-printable user agent (malformed)', () => {
    const inv = new ByteWriter().varint(1).u8(3).bytes(new Uint8Array(32)).finish();
    expect(faultOf(frame(COMMANDS.inv, inv))).to.equal('malformed');
    const version = encodeMessage(MAGIC, { type: 'version', protocolVersion: 1, magic: MAGIC, genesis: ZERO_HASH, bestHeight: 0, chainwork: 0n, userAgent: 'ab', nonce: new Uint8Array(8), listenPort: 0 });
    const payload = version.slice(ENVELOPE_SIZE);
    payload[4 + 4 + 32 + 4 + 32 + 1] = 0x07; // the user agent's first byte: BEL
    expect(faultOf(frame(COMMANDS.version, payload))).to.equal('malformed');
  });

  it('refuses to encode what a peer would refuse', () => {
    expect(() => encodeMessage(MAGIC, { type: 'headers', headers: new Array(MAX_HEADERS + 1).fill({ version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 0, bits: 0, nonce: 0 }) })).to.throw(RangeError);
    expect(() => encodeMessage(MAGIC, { type: 'ping', nonce: new Uint8Array(7) })).to.throw(RangeError);
  });
});
