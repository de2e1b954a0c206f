import { expect } from 'chai';
import { fastestKernel } from '../../workers/kernel-choice.js';
import { NodeCluster } from '../helpers/node-process.js';

describe('mining kernel of a node (status and metrics)', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('names the nonce kernel it mines with in /status and /metrics, before and after its first block', async () => {
    const node = await cluster.start('kernel');
    const expected = fastestKernel();
    const before = await node.api('GET', '/status');
    expect(before.body.mining.kernel).to.equal(expected);
    expect(await node.generate(1)).to.have.length(1);
    const after = await node.api('GET', '/status');
    expect(after.body.mining.kernel).to.equal(expected);
    const metrics = await fetch(`${node.apiUrl}/metrics`).then((r) => r.text());
    expect(metrics).to.include(`toychain_mining_kernel{kernel="${expected}"} 1`);
  });
});
