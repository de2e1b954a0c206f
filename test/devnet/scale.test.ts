import { expect } from 'chai';
import { DevnetProcess } from '../helpers/devnet-process.js';
import { waitFor } from '../helpers/node-process.js';

describe('devnet at scale', function () {
  // Twenty node processes start on a shared 2-core machine: generous, but bounded.
  this.timeout(240_000);
  let devnet: DevnetProcess | undefined;
  afterEach(async () => {
    await devnet?.cleanup();
    devnet = undefined;
  });

  it('carries a block made on one node of twenty to every node, and only the miners are asked to mine', async () => {
    devnet = new DevnetProcess(20);
    await devnet.start(['--miners', '2']);
    const d = devnet;
    await waitFor('twenty nodes reachable', async () => {
      const v = await d.view();
      return v.nodes.length === 20 && v.nodes.every((n: any) => n.alive && !n.unreachable);
    }, 120_000, 250);
    // regtest mines on demand, so no node mines yet; --miners marks which ones would.
    const view = await d.view();
    expect(view.nodes.filter((n: any) => n.status.mining.active)).to.have.length(0);
    const [hash] = (await d.control('POST', '/devnet/nodes/7/generate', { blocks: 1 })).body.hashes as string[];
    await waitFor('the block on all twenty nodes', async () => (await d.view()).nodes.every((n: any) => n.status?.tip === hash), 60_000, 250);
    const tree = (await d.control('GET', '/devnet/tree?heights=5')).body.blocks as { hash: string; seenBy: Record<string, number> }[];
    expect(Object.keys(tree.find((b) => b.hash === hash)!.seenBy)).to.have.length(20);
  });

  it('mines only on the first K nodes with --miners K (demo)', async () => {
    devnet = new DevnetProcess(4);
    await devnet.start(['--network', 'demo', '--miners', '1', '--fresh']);
    const d = devnet;
    const v = await waitFor('node 0 mining, nodes 1-3 not', async () => {
      const view = await d.view();
      return view.nodes.map((n: any) => n.status?.mining.active).join() === 'true,false,false,false' ? view : undefined;
    }, 60_000, 250);
    expect(v.nodes.map((n: any) => n.miningWanted)).to.deep.equal([true, false, false, false]);
  });
});
