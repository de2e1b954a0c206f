import { expect } from 'chai';
import { pino } from 'pino';
import type { Chain } from '../../src/chain/chain.js';
import { blockId } from '../../src/consensus/header.js';
import { regtest } from '../../src/consensus/params.js';
import type { PeerManager } from '../../src/p2p/peer-manager.js';
import { MiningService } from '../../src/node/mining-service.js';
import { genesisOf, mineBlock } from '../helpers/blocks.js';
import { FAR_FUTURE, memoryChain } from '../helpers/chain-fixture.js';
import { minerAddress } from '../helpers/node-process.js';
import { Fixture, waitFor } from './fixture.js';
import { answered, blockMessages, GatedVerifier } from './relay-fixture.js';


/** miningFor: the node's mining service as node.ts wires it, handing each block found to the p2p layer before the connect. */
function miningFor(chain: Chain, manager: PeerManager, fx: Fixture, options: { clock?: () => number } = {}): MiningService {
  const mining = new MiningService({ chain, params: regtest, workers: 1, defaultAddress: minerAddress('own-block'), logger: pino({ level: 'silent' }), relayAhead: (block) => manager.relayOwnBlock(block), ...options });
  fx.onClose(() => mining.close());
  return mining;
}

describe('p2p relay of a block this node mined, ahead of its own connect', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  afterEach(() => fx.close());

  it('relays its own generated block to a sendblocks peer before connecting it, as a plain block, and only once', async () => {
    const verifier = new GatedVerifier();
    verifier.hold();
    const chain = await memoryChain(regtest, { signatureVerifier: verifier });
    const a = await fx.node(regtest, { chain });
    fx.onClose(async () => verifier.open()); // a failed test must not leave the connect held (the node would not stop)
    const fast = await fx.raw(a.url);
    await fast.handshake(regtest);
    fast.send(regtest, { type: 'sendblocks' });
    await waitFor('the peer ready', () => a.manager.peers().length === 1);
    await answered(fast, 1); // sendblocks is handled before the block is found
    const generating = miningFor(chain, a.manager, fx).generate(1);
    await waitFor('the peer to get the block', () => blockMessages(fast).length > 0);
    // The connect is still held at the signature checks: the block went out before it.
    expect(chain.tip.id).to.equal(genesisOf(regtest).id);
    const sent = blockMessages(fast)[0];
    verifier.open();
    const [hash] = await generating;
    expect(chain.tip.id).to.equal(hash);
    // `block`, not `blockahead`: this node made it, so a block of ours that breaks the rules stays our fault.
    expect(sent?.type === 'block' && blockId(sent.block.header)).to.equal(hash);
    // Relayed once: the announcement after the connect skips the peer that has it.
    await answered(fast, 2);
    expect(blockMessages(fast)).to.have.length(1);
  });

  it('never relays its own block when it fails the relay checks (time-too-new), and does not connect it', async () => {
    const a = await fx.node(regtest);
    const fast = await fx.raw(a.url);
    await fast.handshake(regtest);
    fast.send(regtest, { type: 'sendblocks' });
    await waitFor('the peer ready', () => a.manager.peers().length === 1);
    await answered(fast, 1);
    // A miner whose clock runs 3 h ahead of the chain's stamps a time beyond the 2 h drift: our own template is wrong.
    const mining = miningFor(a.chain, a.manager, fx, { clock: () => FAR_FUTURE + 3 * 60 * 60 });
    expect(await mining.generate(1)).to.deep.equal([]);
    await answered(fast, 2);
    expect(blockMessages(fast)).to.deep.equal([]);
    expect(a.chain.tip.id).to.equal(genesisOf(regtest).id);
  });

  it('sends its own block ahead to every peer it dialed, the one encoding intact on each socket', async () => {
    const verifier = new GatedVerifier();
    const chain = await memoryChain(regtest, { signatureVerifier: verifier });
    const a = await fx.node(regtest, { chain });
    fx.onClose(async () => verifier.open());
    const b = await fx.node(regtest);
    const c = await fx.node(regtest);
    // a dials both, so what it sends is masked (RFC 6455 client frames): a shared frame must not be masked in place.
    await a.manager.connect(b.url);
    await a.manager.connect(c.url);
    await waitFor('both links ready', () => a.manager.peers().length === 2 && b.manager.peers().length === 1 && c.manager.peers().length === 1);
    // A first block, connected at once: b and c can have it only after a handled their sendblocks (sent before anything else).
    const first = mineBlock(regtest, genesisOf(regtest));
    expect((await chain.processBlock(first.block)).status).to.equal('connected');
    await waitFor('b and c to have the first block', () => b.chain.tip.id === first.id && c.chain.tip.id === first.id);
    verifier.hold();
    const block = mineBlock(regtest, first);
    a.manager.relayOwnBlock(block.block);
    const connecting = chain.processBlock(block.block);
    await waitFor('b and c to connect the block', () => b.chain.tip.id === block.id && c.chain.tip.id === block.id);
    expect(chain.tip.id).to.equal(first.id); // still held: they had it ahead of a's connect
    verifier.open();
    expect((await connecting).status).to.equal('connected');
    for (const n of [b, c]) expect(n.manager.peers()[0]?.banScore).to.equal(0);
  });

  it('is punished by a peer when a block it made fails at that peer\'s connect (bad-cb-amount): it sent it as its own', async () => {
    const a = await fx.node(regtest);
    const b = await fx.node(regtest);
    await b.manager.connect(a.url);
    await waitFor('the link ready', () => a.manager.peers().length === 1 && b.manager.peers().length === 1);
    const first = mineBlock(regtest, genesisOf(regtest));
    expect((await a.chain.processBlock(first.block)).status).to.equal('connected');
    await waitFor('b to have the first block (a has handled its sendblocks)', () => b.chain.tip.id === first.id);
    // Header, proof of work and the block's own checks pass, so a relays it; the coinbase overpays, which only a connect sees.
    const overpaying = mineBlock(regtest, first, { coinbaseValue: 1_000_000_000_000n });
    a.manager.relayOwnBlock(overpaying.block);
    await waitFor('b to ban a for the block', () => b.logs.has(/invalid-block/) && b.manager.peers().length === 0);
    expect(b.logs.has(/bad-cb-amount/)).to.equal(true);
    expect(b.logs.has(/not punished \(BIP152\)/)).to.equal(false);
    expect(b.chain.tip.id).to.equal(first.id);
  });
});
