import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readdir } from 'node:fs/promises';
import { SCENARIOS_DIR } from '../../src/scenario/shipped.js';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));

/** A `toychain watch` process; stop() ends it by PID (SIGTERM, SIGKILL after a bound). */
class WatchProcess {
  output = '';
  url = '';
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(args: string[]): Promise<WatchProcess> {
    const w = new WatchProcess(spawn(process.execPath, [CLI, 'watch', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const port = await waitFor('the watcher to print its dashboard URL', () => {
      if (w.child.exitCode !== null) throw new Error(`watch exited with ${w.child.exitCode}: ${w.output}`);
      return /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(w.output)?.[1];
    });
    w.url = `http://127.0.0.1:${port}/api/v1`;
    return w;
  }

  async get(path: string): Promise<any> {
    const res = await fetch(this.url + path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return res.json();
  }

  async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}

describe('toychain watch: the dashboard over nodes it did not start', function () {
  this.timeout(90_000);
  const cluster = new NodeCluster();
  let watcher: WatchProcess | undefined;
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    await cluster.cleanup();
  });

  it('draws a split and its heal between two standalone nodes as the devnet does', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    watcher = await WatchProcess.start(['--node', a.apiUrl, '--node', b.apiUrl.replace('/api/v1', '')]);
    const w = watcher;

    // Connected: one edge, no groups, and a block made on a reaches both in the watcher's view.
    await waitFor('the watcher to see both nodes connected', async () => {
      const v = await w.get('/devnet');
      return v.nodes.length === 2 && v.nodes.every((n: any) => !n.unreachable) && v.edges.length === 1 && v.groups === null;
    });
    const [first] = await a.generate(2);
    const tip = (await a.status()).tip;
    await waitFor('both nodes on the same tip in the view', async () => {
      const v = await w.get('/devnet');
      return v.nodes.every((n: any) => n.status?.tip === tip) && v.bestTip === tip;
    });
    const tree = await w.get('/devnet/tree?heights=10');
    expect(tree.blocks.map((x: any) => x.hash)).to.include.members([first, tip]);
    expect(Object.keys(tree.blocks.find((x: any) => x.hash === tip).seenBy).sort()).to.deep.equal(['0', '1']);

    // Split: b unplugs itself. The view shows two groups, and each side mines its own branch.
    expect((await b.api('POST', '/network', { active: false })).status).to.equal(200);
    await waitFor('two groups in the view', async () => JSON.stringify((await w.get('/devnet')).groups) === '[[0],[1]]');
    await a.generate(1);
    const longer = await b.generate(2);
    await waitFor('the view to show the two branches', async () => {
      const v = await w.get('/devnet');
      return v.nodes[1].status?.tip === longer[1] && v.nodes[0].status?.tip !== longer[1] && v.nodes[0].status?.height === 3;
    });

    // Heal: b plugs back in; a reorganises onto b's branch (more work), and the view says so.
    expect((await b.api('POST', '/network', { active: true })).status).to.equal(200);
    const healed = await waitFor('one group on b\'s tip again', async () => {
      const v = await w.get('/devnet');
      return v.groups === null && v.nodes.every((n: any) => n.status?.tip === longer[1]) ? v : undefined;
    });
    expect(healed.bestTip).to.equal(longer[1]);
    expect(healed.stale.stale).to.equal(1);
    const timeline = await waitFor('the reorg in the timeline', async () => {
      const items = (await w.get('/devnet/timeline')).items as { kind: string; node?: number; text: string }[];
      return items.some((i) => i.kind === 'reorg' && i.node === 0) ? items : undefined;
    });
    expect(timeline.find((i) => i.kind === 'reorg')!.text).to.match(/node 0 switched to a branch with more work: 1 block replaced/);
  });

  it("explains a reorg with the devnet's card and serves the devnet's explorer over the nodes it watches", async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    watcher = await WatchProcess.start(['--node', a.apiUrl, '--node', b.apiUrl]);
    const w = watcher;
    await waitFor('the watcher to see both nodes connected', async () => (await w.get('/devnet')).edges.length === 1 || undefined);
    const [base] = await a.generate(1);
    await waitFor('both on the first block', async () => (await w.get('/devnet')).nodes.every((n: any) => n.status?.tip === base) || undefined);
    // A split, one block on a, two on b, the heal: a switches to b's branch (more work).
    expect((await b.api('POST', '/network', { active: false })).status).to.equal(200);
    await waitFor('two groups in the view', async () => (await w.get('/devnet')).groups !== null || undefined);
    const [lost] = await a.generate(1);
    const won = await b.generate(2);
    expect((await b.api('POST', '/network', { active: true })).status).to.equal(200);
    const card = await waitFor("the watcher's reorg card for node 0", async () => ((await w.get('/devnet/reorgs')).cards as any[]).find((c) => c.node === 0), 30_000);
    expect(card.fork.hash).to.equal(base);
    expect(card.old.blocks.map((x: any) => x.hash)).to.deep.equal([lost]);
    expect(card.new.blocks.map((x: any) => x.hash)).to.deep.equal(won);
    expect([card.disconnected, card.connected, card.because]).to.deep.equal([1, 2, 'one block more, at the same difficulty']);
    expect(BigInt(card.difference) > 0n).to.equal(true);

    // The explorer: a block with who has it, a height by search, a transaction, an address, and a named 404.
    const block = await w.get(`/devnet/blocks/${won[1]}`);
    expect([block.hash, block.height, block.txs.length]).to.deep.equal([won[1], 3, 1]);
    expect(Object.keys(block.seenBy).sort()).to.deep.equal(['0', '1']);
    expect(await w.get('/devnet/search?q=3')).to.deep.equal({ kind: 'block', id: won[1] });
    const coinbase = block.txs[0];
    const tx = await w.get(`/devnet/tx/${coinbase.txid}`);
    expect([tx.txid, tx.coinbase, Object.keys(tx.nodes).sort()]).to.deep.equal([coinbase.txid, true, ['0', '1']]);
    const address = await w.get(`/devnet/address/${coinbase.outputs[0].address}`);
    expect(address.address).to.equal(coinbase.outputs[0].address);
    expect(await w.get(`/devnet/search?q=${coinbase.outputs[0].address}`)).to.deep.equal({ kind: 'address', id: coinbase.outputs[0].address });
    const missing = await fetch(`${w.url}/devnet/blocks/${'0'.repeat(64)}`);
    expect([missing.status, ((await missing.json()) as any).error.code]).to.deep.equal([404, 'not-found']);
  });

  it('adds and removes nodes at run time, flags an unreachable one, and refuses the devnet-only controls', async () => {
    const a = await cluster.start('a');
    watcher = await WatchProcess.start(['--node', a.apiUrl, '--node', 'http://127.0.0.1:9']);
    const w = watcher;
    await waitFor('node 0 reachable, node 1 flagged unreachable', async () => {
      const v = await w.get('/devnet');
      return !v.nodes[0].unreachable && v.nodes[1].unreachable && v.nodes[1].state === 'unreachable';
    });
    const b = await cluster.start('b');
    const added = await w.post('/watch/nodes', { add: [b.apiUrl], remove: [1] });
    expect(added.status).to.equal(200);
    expect(added.body.nodes.map((n: any) => n.apiUrl)).to.deep.equal([a.apiUrl, b.apiUrl]);
    await waitFor('the added node reachable', async () => (await w.get('/devnet')).nodes.every((n: any) => !n.unreachable));

    expect((await w.post('/watch/nodes', { add: [a.apiUrl] })).body.error.code).to.equal('already-watched');
    const bad = await w.post('/watch/nodes', { add: ['ftp://x'] });
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'bad-url']);
    expect((await w.post('/watch/nodes', {})).status).to.equal(400);
    expect((await w.post('/watch/nodes', { remove: [42] })).body.error.code).to.equal('not-watched');
    const split = await w.post('/devnet/split', { groups: [[0], [2]] });
    expect([split.status, split.body.error.code]).to.deep.equal([409, 'watch-read-only']);
    const mining = await w.post('/devnet/nodes/0/mining', { active: true });
    expect([mining.status, mining.body.error.code]).to.deep.equal([409, 'read-only']);
  });

  it('lists the shipped lessons to read out beside the tree, each refused to run with watch-read-only', async () => {
    const a = await cluster.start('a');
    watcher = await WatchProcess.start(['--node', a.apiUrl]);
    const w = watcher;
    const shipped = (await readdir(SCENARIOS_DIR)).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
    const { lessons, run } = await w.get('/devnet/lessons');
    expect(lessons.map((l: any) => l.name)).to.deep.equal(shipped);
    expect(run).to.equal(null);
    for (const l of lessons) {
      expect(l.question, l.name).to.be.a('string').and.not.equal('');
      expect(l.blocked.code, l.name).to.equal('watch-read-only');
    }
    const started = await w.post('/devnet/lessons/fork-and-heal/run', {});
    expect([started.status, started.body.error.code]).to.deep.equal([409, 'watch-read-only']);
  });

  it('follows the API URLs peers announce with --discover', async () => {
    const a = await cluster.start('a');
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    // c announces b's API URL (a stand-in for its own on another machine): a learns it from the handshake.
    const c = await cluster.start('c', { peers: [a.p2pUrl], args: ['--announce-api', b.apiUrl.replace('/api/v1', '')] });
    expect(c.apiUrl).to.not.equal(b.apiUrl);
    watcher = await WatchProcess.start(['--node', a.apiUrl, '--discover']);
    const w = watcher;
    const v = await waitFor('the announced node watched', async () => {
      const view = await w.get('/devnet');
      return view.nodes.length === 2 ? view : undefined;
    });
    expect(v.nodes.map((n: any) => n.apiUrl)).to.deep.equal([a.apiUrl, b.apiUrl]);
  });

  it('refuses to start without a node or with a bad URL (exit code 2)', async () => {
    for (const [args, message] of [
      [[], 'at least one --node'],
      [['--node', 'ws://127.0.0.1:1'], "is not a node's API URL"],
    ] as const) {
      const child = spawn(process.execPath, [CLI, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).to.equal(2);
      expect(out).to.include(message);
    }
  });
});
