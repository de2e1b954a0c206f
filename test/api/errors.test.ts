import { expect } from 'chai';
import { AmountError } from '../../src/consensus/amount.js';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { ApiError } from '../../src/api/errors.js';
import { ServiceRefusal } from '../../src/api/services.js';
import { AlreadyConnectedError, HandshakeError, InvalidPeerAddressError, NetworkInactiveError, PeerBannedError, PeerConnectError, TooManyPeersError } from '../../src/p2p/errors.js';
import { PeerDeniedError } from '../../src/p2p/network-policy.js';

describe('ApiError.from', () => {
  const cases: [string, unknown, number, string][] = [
    ['a bad peer address', new InvalidPeerAddressError('wss://x:1', 'scheme wss: is not ws:'), 400, 'bad-peer-address'],
    ['a banned peer', new PeerBannedError('127.0.0.1:9'), 409, 'peer-banned'],
    ['a denied peer', new PeerDeniedError('ws://127.0.0.1:9'), 409, 'peer-denied'],
    ['a full peer table', new TooManyPeersError('outbound', 8), 409, 'too-many-peers'],
    ['a peer already connected', new AlreadyConnectedError('ws://127.0.0.1:9'), 409, 'already-connected'],
    ['the network switched off', new NetworkInactiveError(), 409, 'network-inactive'],
    ['a peer that cannot be reached', new PeerConnectError('ws://127.0.0.1:9'), 422, 'connect-failed'],
    ['a failed handshake', new HandshakeError('ws://127.0.0.1:9', 'timeout'), 422, 'handshake-failed'],
    ['an amount that is not coins', new AmountError('not a number of coins'), 400, 'bad-amount'],
    ['bytes that do not decode', new DecodeError('tx', 3, 'truncated'), 400, 'bad-encoding'],
    ['a service refusal', new ServiceRefusal('mining-busy', 'busy', 409), 409, 'mining-busy'],
    ['a path that does not percent-decode', Object.assign(new URIError('URI malformed'), { status: 400 }), 400, 'bad-uri'],
  ];
  for (const [what, err, status, code] of cases) {
    it(`maps ${what} to ${status} ${code}`, () => {
      const e = ApiError.from(err);
      expect([e.status, e.code]).to.deep.equal([status, code]);
      expect(e.payload.error.message).to.not.equal('internal error');
    });
  }

  it('makes anything else a 500 that says only "internal error"', () => {
    const e = ApiError.from(new Error('disk on fire'));
    expect(e.status).to.equal(500);
    expect(e.payload).to.deep.equal({ error: { code: 'internal-error', message: 'internal error' } });
  });
});
