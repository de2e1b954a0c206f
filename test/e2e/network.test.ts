import { expect } from 'chai';
import { EventStream, NodeCluster, sameTip, waitFor, type NodeProcess } from '../helpers/node-process.js';


async function peerCount(node: NodeProcess, n: number): Promise<void> {
  await waitFor(`${node.name} to have ${n} peers`, async () => (await node.status()).peers === n);
}

describe('a network of node processes', function () {
  this.timeout(120_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('syncs three nodes in a line to the same tip, and a block mined on one end reaches the other', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    const c = await cluster.start('c', { peers: [b.p2pUrl] });
    await peerCount(b, 2);

    const [fromA] = await a.generate(1);
    expect(await sameTip([a, b, c], 'the block from a to reach c')).to.equal(fromA);
    const [fromC] = await c.generate(1);
    expect(await sameTip([a, b, c], 'the block from c to reach a')).to.equal(fromC);
    expect((await a.status()).height).to.equal(2);
  });

  it('resolves a fork to the branch with the most work once a split network heals', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    const c = await cluster.start('c', { peers: [b.p2pUrl] });
    await peerCount(b, 2);
    await a.generate(2);
    await sameTip([a, b, c], 'the common blocks');

    // Split: c unplugs itself (Core's setnetworkactive false).
    expect((await c.api('POST', '/network', { active: false })).status).to.equal(200);
    await peerCount(c, 0);
    await peerCount(b, 1);
    // Group {a, b} mines 3 blocks; c alone mines 5: more work, although it is one node.
    const losing = await a.generate(3);
    const losingTip = losing[losing.length - 1]!;
    await waitFor('b to follow a', async () => (await b.status()).tip === losingTip);
    const winning = await c.generate(5);
    const winningTip = winning[winning.length - 1]!;

    const eventsA = new EventStream(`${a.apiUrl}/events`);
    const eventsB = new EventStream(`${b.apiUrl}/events`);
    try {
      await Promise.all([eventsA.ready, eventsB.ready]);
      expect((await c.api('POST', '/network', { active: true })).status).to.equal(200);
      expect(await sameTip([a, b, c], 'every node to end on the branch with the most work')).to.equal(winningTip);
      for (const [name, events] of [['a', eventsA], ['b', eventsB]] as const) {
        const reorg = await waitFor(`${name} to report the reorg over SSE`, () => events.of('reorg')[0]);
        // The switch happens as soon as c's branch has more work (its 4th block), so the
        // new tip is a block of the winning branch, not necessarily its last.
        expect(reorg, name).to.deep.include({ oldTip: losingTip, depth: 3 });
        expect(winning, name).to.include(reorg.newTip);
      }
    } finally {
      await eventsA.close();
      await eventsB.close();
    }
    const tips = (await a.api('GET', '/chain/tips')).body as { hash: string; status: string; branchLength: number }[];
    expect(tips).to.deep.include({ hash: losingTip, height: 5, branchLength: 3, status: 'valid-fork' });
    expect(tips.find((t) => t.status === 'active')?.hash).to.equal(winningTip);
  });

  it('lets a node started late catch up from genesis over headers-first sync', async () => {
    const a = await cluster.start('a');
    const hashes = await a.generate(200);
    const late = await cluster.start('late', { peers: [a.p2pUrl] });
    await waitFor('the late node to catch up', async () => (await late.status()).tip === hashes[199], 60_000);
    expect((await late.status()).height).to.equal(200);
  });
});
