import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import type { Peer } from '../../src/p2p/peer.js';
import { newPeerSync, stalledRequest } from '../../src/p2p/peer-sync.js';

// The unit is the stall rule over one peer's sync state; the peer itself is not looked at.
const somePeer = { id: 1 } as unknown as Peer;

describe('block download stall rule (stalledRequest)', () => {
  it('names a block asked for longer ago than the timeout from a peer that delivered nothing since', () => {
    const ps = newPeerSync(somePeer, regtest);
    ps.inFlight.set('aa', 1_000);
    ps.inFlight.set('bb', 1_500);
    expect(stalledRequest(ps, 1_000 + 300, 300)).to.equal(undefined);
    expect(stalledRequest(ps, 1_000 + 301, 300)).to.equal('aa');
  });

  it('restarts the clock at each block the peer delivers, so a deep window draining slowly is not a stall', () => {
    const ps = newPeerSync(somePeer, regtest);
    for (let i = 0; i < 64; i++) ps.inFlight.set(`block${i}`, 1_000);
    ps.deliveredAt = 5_000; // it delivered a block 4 s after the getdata
    expect(stalledRequest(ps, 5_000 + 300, 300)).to.equal(undefined);
    // ...and then nothing more: stalled once the timeout has passed since that delivery.
    expect(stalledRequest(ps, 5_000 + 301, 300)).to.equal('block0');
  });

  it('names nothing when no block is in flight', () => {
    const ps = newPeerSync(somePeer, regtest);
    expect(stalledRequest(ps, 1e12, 300)).to.equal(undefined);
  });
});
