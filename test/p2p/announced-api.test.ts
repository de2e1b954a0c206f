import { expect } from 'chai';
import fc from 'fast-check';
import { ByteWriter } from '../../src/consensus/byte-writer.js';
import { regtest } from '../../src/consensus/params.js';
import { checksum, COMMANDS, decodeMessage, encodeMessage, ENVELOPE_SIZE, MessageError, type VersionMessage } from '../../src/p2p/messages.js';
import { Fixture, waitFor } from './fixture.js';
import { ZERO_HASH } from '../../src/consensus/bytes.js';

const MAGIC = regtest.magic;
const base: VersionMessage = { type: 'version', protocolVersion: 1, magic: MAGIC, genesis: ZERO_HASH, bestHeight: 7, chainwork: 99n, userAgent: '/t/', nonce: new Uint8Array(8).fill(1), listenPort: 18444 };

/** A version frame whose payload is the plain version followed by `tail` (hand-made, so the tail can be anything). */
function versionWithTail(tail: Uint8Array): Uint8Array {
  const payload = encodeMessage(MAGIC, base).slice(ENVELOPE_SIZE);
  const full = new ByteWriter().bytes(payload).bytes(tail).finish();
  return new ByteWriter().u32(MAGIC).u8(COMMANDS.version).u32(full.length).bytes(checksum(full)).bytes(full).finish();
}

function faultOf(frame: Uint8Array): string {
  try {
    decodeMessage(frame, MAGIC);
  } catch (e) {
    expect(e).to.be.instanceOf(MessageError);
    return (e as MessageError).fault;
  }
  throw new Error('decoded without an error');
}

const ascii = (s: string) => new TextEncoder().encode(s);

describe('p2p version: the announced API URL (optional last field)', () => {
  it('round-trips a version with an announced API origin', () => {
    fc.assert(
      fc.property(fc.constantFrom('http:', 'https:'), fc.domain(), fc.integer({ min: 1, max: 65535 }), (scheme, host, port) => {
        const origin = new URL(`${scheme}//${host}:${port}`).origin;
        fc.pre(origin.length <= 255);
        const msg: VersionMessage = { ...base, apiUrl: origin };
        expect(decodeMessage(encodeMessage(MAGIC, msg), MAGIC)).to.deep.equal(msg);
      }),
    );
  });

  it('decodes a version without the field as before (no apiUrl)', () => {
    const decoded = decodeMessage(encodeMessage(MAGIC, base), MAGIC) as VersionMessage;
    expect(decoded).to.deep.equal(base);
    expect('apiUrl' in decoded).to.equal(false);
  });

  it('refuses an apiUrl that is empty, not an origin, not http(s), or followed by more bytes (malformed)', () => {
    const field = (s: string) => new ByteWriter().varBytes(ascii(s)).finish();
    expect(faultOf(versionWithTail(field('')))).to.equal('malformed');
    expect(faultOf(versionWithTail(field('http://a.example:80/api/v1')))).to.equal('malformed');
    expect(faultOf(versionWithTail(field('ftp://a.example:21')))).to.equal('malformed');
    expect(faultOf(versionWithTail(field('not a url')))).to.equal('malformed');
    expect(faultOf(versionWithTail(new ByteWriter().bytes(field('http://a.example:8080')).u8(0).finish()))).to.equal('malformed');
    // A length that runs past the payload.
    expect(faultOf(versionWithTail(new Uint8Array([200, 0x68])))).to.equal('malformed');
  });

  it('refuses to encode an apiUrl a peer would refuse', () => {
    expect(() => encodeMessage(MAGIC, { ...base, apiUrl: 'http://a.example:1/x' })).to.throw(RangeError);
    expect(() => encodeMessage(MAGIC, { ...base, apiUrl: `http://${'a'.repeat(260)}.example` })).to.throw(RangeError);
  });

  describe('between two nodes', () => {
    const fx = new Fixture();
    afterEach(() => fx.close());

    it('shows each side the API origin the other announced, and nothing for a node that announces none', async () => {
      const a = await fx.node(regtest, { announceApi: 'http://node-a.example:18443' });
      const b = await fx.node(regtest);
      await b.manager.connect(a.url);
      await waitFor('both sides ready', () => a.manager.peers().length === 1 && b.manager.peers().length === 1);
      expect(b.manager.peers()[0]!.apiUrl).to.equal('http://node-a.example:18443');
      expect(a.manager.peers()[0]!.apiUrl).to.equal(undefined);
    });
  });
});
