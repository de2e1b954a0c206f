import { expect } from 'chai';
import { hash32, toDisplayHex } from '../../src/consensus/bytes.js';
import { headerHash } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import { blockBytes } from '../../src/storage/block-bytes.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { Fixture, waitFor } from './fixture.js';
import { chainWith } from './relay-fixture.js';

describe('p2p getdata serving', () => {
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('serves a getdata of more blocks than one store read, in the order asked, and notfound for one it lacks', async () => {
    const blocks = mineChain(regtest, genesisOf(regtest), 40);
    const node = await fx.node(regtest, { chain: await chainWith(blocks) });
    const raw = await fx.raw(node.url);
    await raw.handshake(regtest);
    await waitFor('the peer ready', () => node.manager.peers().length === 1);
    const unknown = hash32(new Uint8Array(32).fill(0xab));
    // Not in height order, and an unknown block in the middle of the second store read.
    const asked = [...blocks.slice(20), ...blocks.slice(0, 20)].map((b) => ({ type: 'block' as const, hash: b.hash }));
    asked.splice(25, 0, { type: 'block', hash: unknown });
    raw.send(regtest, { type: 'getdata', items: asked });
    await waitFor('the 40 blocks and the notfound', () => raw.messages(regtest).some((m) => m.type === 'notfound'));
    const served = raw.messages(regtest).flatMap((m) => (m.type === 'block' ? [m.block] : []));
    const expected = asked.filter((i) => i.hash !== unknown).map((i) => toDisplayHex(i.hash));
    expect(served.map((b) => toDisplayHex(headerHash(b.header)))).to.deep.equal(expected);
    // Byte for byte what was stored.
    served.forEach((b, i) => expect(blockBytes(b)).to.deep.equal(blockBytes(blocks.find((m) => toDisplayHex(m.hash) === expected[i])!.block)));
    const notfound = raw.messages(regtest).find((m) => m.type === 'notfound');
    expect(notfound).to.deep.equal({ type: 'notfound', items: [{ type: 'block', hash: unknown }] });
    expect(node.manager.peers()[0]!.banScore).to.equal(0);
  });
});
