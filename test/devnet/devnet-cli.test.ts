import { expect } from 'chai';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/node-process.js';
import { DevnetProcess, pidAlive } from '../helpers/devnet-process.js';

/** tips reads every node's tip hash from the devnet's view (fresh statuses come every second). */
async function tips(devnet: DevnetProcess): Promise<(string | undefined)[]> {
  return (await devnet.view()).nodes.map((n: any) => n.status?.tip);
}

async function nodeApi(devnet: DevnetProcess, index: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const node = (await devnet.view()).nodes[index];
  const token = readFileSync(join(devnet.datadir, `node-${index}`, 'api.cookie'), 'utf8').trim();
  const res = await fetch(`${node.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('devnet: the supervisor and its CLI', function () {
  this.timeout(120_000);
  let devnet: DevnetProcess;
  beforeEach(async () => {
    devnet = new DevnetProcess(3);
    await devnet.start();
  });
  afterEach(async () => {
    await devnet.cleanup();
  });

  it('splits into groups that refuse each other, grows two branches, heals onto the one with the most work, and stops every node', async () => {
    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2));
    const status = await devnet.cli('status');
    expect(status.code, status.out).to.equal(0);
    expect(status.out).to.include('3 nodes, not split');
    expect((await devnet.view()).blocksOnDemand, 'regtest makes blocks when asked').to.equal(true);

    const split = await devnet.cli('split', '0,1', '2');
    expect(split.code, split.out).to.equal(0);
    expect(split.out).to.include('split A {0,1} | B {2}');
    await waitFor('node 2 alone', async () => (await devnet.view()).nodes.map((n: any) => n.status?.peers).join() === '1,1,0');

    // Refused both ways: node 2 will not dial node 0, and with node 0's own list cleared,
    // node 2 still refuses node 0 inbound (by the listen port in node 0's version).
    const p2p0 = (await devnet.view()).nodes[0].p2pUrl;
    const p2p2 = (await devnet.view()).nodes[2].p2pUrl;
    const out = await nodeApi(devnet, 2, 'POST', '/peers', { address: p2p0 });
    expect(out.status).to.equal(409);
    expect(out.body.error.code).to.equal('peer-denied');
    expect(out.body.error.message).to.include('deny list');
    expect((await nodeApi(devnet, 0, 'PUT', '/network/deny', { addresses: [] })).status).to.equal(200);
    const inbound = await nodeApi(devnet, 0, 'POST', '/peers', { address: p2p2 });
    expect(inbound.status).to.equal(422);
    expect(inbound.body.error.message).to.match(/refused|closed/);
    expect((await nodeApi(devnet, 0, 'PUT', '/network/deny', { addresses: [p2p2] })).status).to.equal(200);

    const losing = (await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 2 })).body.hashes as string[];
    const winning = (await devnet.control('POST', '/devnet/nodes/2/generate', { blocks: 4 })).body.hashes as string[];
    await waitFor('two branches', async () => (await tips(devnet)).join() === [losing[1], losing[1], winning[3]].join());
    const tree = (await devnet.control('GET', '/devnet/tree?heights=10')).body.blocks as { hash: string; prevHash: string }[];
    expect(tree.map((b) => b.hash)).to.include.members([...losing, ...winning]);
    expect(tree.find((b) => b.hash === losing[0])!.prevHash).to.equal(tree.find((b) => b.hash === winning[0])!.prevHash);

    const heal = await devnet.cli('heal');
    expect(heal.code, heal.out).to.equal(0);
    await waitFor('every node on the branch with the most work', async () => (await tips(devnet)).every((t) => t === winning[3]), 30_000);
    const timeline = (await devnet.control('GET', '/devnet/timeline')).body.items as { kind: string; text: string }[];
    expect(timeline.map((i) => i.text)).to.include('node 0 switched to a branch with more work: 2 blocks replaced');
    const view = await devnet.view();
    // The losing branch was mined while split: the split's cost, not the network's stale rate.
    expect(view.stale.splitStale).to.equal(2);
    expect(view.stale.stale).to.equal(0);

    const pids = [...devnet.nodePids];
    expect(pids).to.have.length(3);
    expect(pids.every(pidAlive)).to.equal(true);
    expect(await devnet.stop()).to.equal(0);
    expect(pids.filter(pidAlive)).to.deep.equal([]);
    expect(devnet.output).to.include('devnet stopped');
    const after = await devnet.cli('status');
    expect(after.code).to.equal(2);
    expect(after.out).to.include('no devnet is running');
  });

  it('refuses bad input with a named code and changes nothing', async () => {
    const before = await devnet.view();
    for (const [path, body, code] of [
      ['/devnet/split', { groups: [[0, 1], [1, 2]] }, 'bad-groups'],
      ['/devnet/split', { groups: [[0, 1]] }, 'bad-request'],
      ['/devnet/split', { groups: [[0, 1], [7]] }, 'bad-groups'],
      ['/devnet/link', { delayMs: 60_000 }, 'bad-request'],
      ['/devnet/nodes/9/mining', { active: true }, 'no-such-node'],
      ['/devnet/mining', { active: 'yes' }, 'bad-request'],
    ] as const) {
      const res = await devnet.control('POST', path, body);
      expect([res.status, res.body.error.code], `${path} ${JSON.stringify(body)}`).to.deep.equal([400, code]);
    }
    const noJson = await fetch(`${devnet.controlUrl}/devnet/heal`, { method: 'POST', body: '{}' });
    expect([noJson.status, ((await noJson.json()) as any).error.code]).to.deep.equal([400, 'json-required']);
    // A page on another site reaching 127.0.0.1 through a rebound DNS name is turned away.
    const url = new URL(`${devnet.controlUrl}/devnet/heal`);
    const rebound = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect([rebound.status, rebound.body.error.code]).to.deep.equal([403, 'forbidden-host']);
    const after = await devnet.view();
    expect([after.groups, after.link, after.paused]).to.deep.equal([before.groups, before.link, before.paused]);
    const cli = await devnet.cli('split', '0', '0,1,2');
    expect(cli.code).to.equal(2);
    expect(cli.out).to.include('bad-groups: node 0 is in two groups');
  });

  it('delays what the nodes send: a block reaches the other nodes no sooner than the link delay', async () => {
    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2));
    expect((await devnet.control('POST', '/devnet/link', { delayMs: 400 })).status).to.equal(200);
    const [hash] = (await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 })).body.hashes as string[];
    await waitFor('the block on every node', async () => (await tips(devnet)).every((t) => t === hash));
    const block = ((await devnet.control('GET', '/devnet/tree?heights=5')).body.blocks as { hash: string; seenBy: Record<string, number> }[]).find((b) => b.hash === hash)!;
    // The announcement from node 0 waits 400 ms on its link before the others can even ask
    // for the block (and the block itself waits again). The times are when the supervisor
    // heard each node's event: 50 ms of leeway for those streams.
    expect(block.seenBy['1']! - block.seenBy['0']!).to.be.at.least(350);
    expect(block.seenBy['2']! - block.seenBy['0']!).to.be.at.least(350);
  });

  it("pays coins from one node's mining address to another's, from the CLI, and refuses what cannot be paid", async () => {
    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2));
    // Node 0's first coinbase matures at depth 100 (regtest): 101 blocks make it spendable.
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 100 });
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 });
    await waitFor('node 0 to see its spendable coin', async () => (await devnet.view()).nodes[0].balance?.spendable === '100.00000000');

    for (const [body, code] of [
      [{ from: 1, to: 2, amount: '1' }, 'insufficient-funds'],
      [{ from: 0, to: 0, amount: '1' }, 'same-node'],
      [{ from: 0, to: 1, amount: '1.123456789' }, 'bad-amount'],
      [{ from: 0, to: 7, amount: '1' }, 'no-such-node'],
    ] as const) {
      const res = await devnet.control('POST', '/devnet/send', body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).to.deep.equal([400, code]);
    }

    const sent = await devnet.cli('send', '0', '1', '12.5');
    expect(sent.code, sent.out).to.equal(0);
    const txid = /txid ([0-9a-f]{64})/.exec(sent.out)?.[1];
    expect(txid, sent.out).to.be.a('string');
    await waitFor('the payment in node 2\'s mempool (relayed)', async () => (await devnet.view()).nodes[2].status?.mempool.count === 1);
    await devnet.control('POST', '/devnet/nodes/2/generate', { blocks: 1 });
    await waitFor('node 1 paid', async () => (await devnet.view()).nodes[1].balance?.spendable === '12.50000000', 30_000);
    const timeline = (await devnet.control('GET', '/devnet/timeline')).body.items as { kind: string; text: string }[];
    expect(timeline.some((i) => i.kind === 'tx' && i.text.startsWith('node 0 sent 12.50000000 coins to node 1'))).to.equal(true);
  });

  it('reports a node that dies and restarts it onto the network', async () => {
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 3 });
    const victim = (await devnet.view()).nodes[1];
    process.kill(victim.pid, 'SIGKILL');
    await waitFor('node 1 reported dead', async () => (await devnet.view()).nodes[1].state === 'dead');
    const timeline = (await devnet.control('GET', '/devnet/timeline')).body.items as { text: string }[];
    expect(timeline.some((i) => i.text.startsWith('node 1 died (killed by SIGKILL)'))).to.equal(true);
    const restarted = await devnet.control('POST', '/devnet/nodes/1/restart', {});
    expect(restarted.status).to.equal(200);
    expect(restarted.body.nodes[1].pid).to.not.equal(victim.pid);
    // It keeps its ports: a wallet pointed at its API (--node) still reaches it.
    expect([restarted.body.nodes[1].apiUrl, restarted.body.nodes[1].p2pUrl]).to.deep.equal([victim.apiUrl, victim.p2pUrl]);
    await waitFor('node 1 back on the tip with two peers', async () => {
      const nodes = (await devnet.view()).nodes;
      return nodes[1].alive && nodes[1].status?.peers === 2 && nodes[1].status?.tip === nodes[0].status?.tip && nodes[1].status?.height === 3;
    }, 30_000);
  });
});

// On demo (a real pace: the devnet's own network, 2 s blocks so its genesis is mined quickly) rather than regtest.
describe('devnet: miners, shares and link delay', function () {
  this.timeout(120_000);
  let devnet: DevnetProcess;
  beforeEach(async () => {
    devnet = new DevnetProcess(3);
    await devnet.start(['--network', 'demo', '--no-mine', '--block-time', '2s']);
  });
  afterEach(async () => {
    await devnet.cleanup();
  });

  it('sets a node\'s hash-power share, the link delay and pauses every miner, on the nodes themselves', async () => {
    expect((await devnet.view()).blocksOnDemand, 'demo has miners, not blocks on demand').to.equal(false);
    const share = await devnet.cli('share', '1', '25%');
    expect(share.code, share.out).to.equal(0);
    expect((await devnet.view()).nodes.map((n: any) => n.share)).to.deep.equal([1, 0.25, 1]);
    expect((await nodeApi(devnet, 1, 'GET', '/mining/share')).body).to.deep.equal({ share: 0.25 });
    const delay = await devnet.cli('delay', '300ms', '--jitter', '50ms');
    expect(delay.code, delay.out).to.equal(0);
    for (const i of [0, 1, 2]) expect((await nodeApi(devnet, i, 'GET', '/network/link')).body).to.deep.equal({ delayMs: 300, jitterMs: 50, dropRate: 0 });
    expect((await devnet.view()).stale.model).to.be.closeTo(1 - Math.exp(-325 / 2_000), 1e-9);
    const bad = await devnet.cli('share', '1', '0');
    expect([bad.code, (await devnet.view()).nodes[1].share]).to.deep.equal([2, 0.25]);

    const on = await devnet.cli('mine', '0', 'on');
    expect(on.code, on.out).to.equal(0);
    await waitFor('node 0 mining', async () => (await devnet.view()).nodes[0].status?.mining.active === true);
    const pause = await devnet.cli('pause');
    expect(pause.code, pause.out).to.equal(0);
    await waitFor('every miner stopped', async () => (await devnet.view()).nodes.every((n: any) => n.status?.mining.active === false));
    const resume = await devnet.cli('resume');
    expect(resume.code, resume.out).to.equal(0);
    await waitFor('node 0 mining again, the others not', async () => (await devnet.view()).nodes.map((n: any) => n.status?.mining.active).join() === 'true,false,false');
    expect((await devnet.cli('mine', '0', 'off')).code).to.equal(0);
    expect((await devnet.view()).nodes[0].status.mining.active).to.equal(false);
  });
});
