/**
 * Header acceptance against a real `toychain node` process, over a real socket: a
 * header flood forked from genesis is not stored (asked for or not, and not after a
 * restart), unasked it scores the sender, and an honest heavier branch forked as deep
 * still syncs by headers (src/p2p/header-presync.ts).
 */
import { expect } from 'chai';
import { regtest } from '../../src/consensus/params.js';
import { toDisplayHex } from '../../src/consensus/bytes.js';
import { MAX_HEADERS, type Message } from '../../src/p2p/messages.js';
import { OFFENCE_SCORES } from '../../src/p2p/misbehaviour.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';
import { banScore, hostilePeer, logLines } from '../helpers/hostile-peer.js';
import { NodeCluster, waitFor, type NodeProcess } from '../helpers/node-process.js';
import type { RawClient } from '../p2p/fixture.js';

const SHOW_MS = 30_000;
const HELD = "header chain below our tip's work: held in memory, not stored";

/** generateTo mines on a node until its active chain is `height` blocks long (1,000 per call at most). */
async function generateTo(node: NodeProcess, height: number): Promise<void> {
  for (let h = (await node.status()).height; h < height; h = (await node.status()).height) await node.generate(Math.min(1000, height - h));
}

/** branchStored says whether a node knows any of these hashes: as a chain tip or as a block (even headers-only). */
async function branchStored(node: NodeProcess, ids: readonly string[]): Promise<boolean> {
  const tips = (await node.api<{ hash: string; status: string }[]>('GET', '/chain/tips')).body;
  if (tips.some((t) => ids.includes(t.hash) || t.status !== 'active')) return true;
  for (const id of [ids[0]!, ids.at(-1)!]) {
    const res = await node.api<{ error: { code: string; message: string } }>('GET', `/blocks/${id}`);
    // 404 "no block with hash" means the header is unknown; "known by its header only" means it was stored.
    if (res.status !== 404 || !/^no block with hash/.test(res.body.error.message)) return true;
  }
  return false;
}

function getheaders(client: RawClient): Extract<Message, { type: 'getheaders' }>[] {
  return client.messages(regtest).filter((m): m is Extract<Message, { type: 'getheaders' }> => m.type === 'getheaders');
}

describe('header acceptance against a node process', function () {
  this.timeout(240_000);
  const cluster = new NodeCluster();
  const clients: RawClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await cluster.cleanup();
  });

  it('stores none of 2,000 low-work headers forked from genesis, asked for or not, nor after a restart, and scores the unasked sender', async () => {
    const a = await cluster.start('a');
    await generateTo(a, 2010);
    const fork = mineChain(regtest, genesisOf(regtest), MAX_HEADERS, () => ({ extraNonce: 5150 }));
    const ids = fork.map((m) => m.id);
    const headers = fork.map((m) => m.block.header);

    // Unasked: the sender never got a getheaders from a (its version claims no work).
    const flood = await hostilePeer(a, 'header-flood', {}, (c) => clients.push(c));
    flood.client.send(regtest, { type: 'headers', headers });
    await waitFor('the flood to be scored', async () => (await banScore(a, flood.userAgent)) === OFFENCE_SCORES['unrequested-headers'], SHOW_MS);
    // The log line travels through a's stdout pipe, which may arrive after the API's answer.
    await waitFor('the offence in a\'s log', () => logLines(a).some((l) => l.msg === `peer misbehaved: unrequested-headers (+${OFFENCE_SCORES['unrequested-headers']})`), SHOW_MS);
    expect(flood.client.closed).to.equal(undefined);

    // Asked: a peer claiming more work gets getheaders and answers with the low-work fork.
    const claimer = await hostilePeer(a, 'low-work-answer', { chainwork: 1n << 200n, bestHeight: 50_000 }, (c) => clients.push(c));
    await waitFor('a to ask the claimer for headers', () => getheaders(claimer.client).length === 1, SHOW_MS);
    claimer.client.send(regtest, { type: 'headers', headers });
    const held = await waitFor('a to hold the answer in memory', () => logLines(a).find((l) => l.msg === HELD), SHOW_MS);
    expect(held.held).to.equal(MAX_HEADERS);
    // A full batch: a asks on from the last header it holds, as it would for an honest chain.
    await waitFor('a to ask on from the held chain', () => getheaders(claimer.client).length === 2, SHOW_MS);
    expect(toDisplayHex(getheaders(claimer.client)[1]!.locator[0]!)).to.equal(ids.at(-1));
    expect(await banScore(a, claimer.userAgent)).to.equal(0);

    expect(await branchStored(a, ids)).to.equal(false);
    await a.stop();
    const again = await cluster.start('a', { datadir: a.datadir });
    expect((await again.status()).height).to.equal(2010);
    expect(await branchStored(again, ids)).to.equal(false);
  });

  it('still syncs an honest heavier branch forked from genesis deeper than one headers message', async () => {
    const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
    await Promise.all([generateTo(a, 2010), generateTo(b, 2030)]);
    const tip = (await b.status()).tip;
    expect((await a.api('POST', '/peers', { address: b.p2pUrl })).status).to.equal(201);
    await waitFor('a to reorganise onto b\'s heavier branch', async () => (await a.status()).tip === tip, 180_000, 250);
    // The first 2,000 headers had less work than a's tip: held, then stored with the next batch.
    expect(logLines(a).filter((l) => l.msg === HELD).map((l) => l.held)).to.deep.equal([MAX_HEADERS]);
    expect((await a.api<{ banScore: number }[]>('GET', '/peers')).body.map((p) => p.banScore)).to.deep.equal([0]);
  });
});
