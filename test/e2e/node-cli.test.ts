import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/bin/toychain.js', import.meta.url));

function toychain(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('toychain node (CLI)', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('prints help for the command and each subcommand', () => {
    for (const args of [['--help'], ['node', '--help'], ['devnet', '--help'], ['lab', '--help']]) {
      const r = toychain(...args);
      expect(r.code, args.join(' ')).to.equal(0);
      expect(r.out).to.include('Usage: toychain');
    }
    expect(toychain('node', '--help').out).to.include('--miner-address');
  });

  it('refuses bad arguments with a named message, a hint and exit code 2', () => {
    const cases: [string[], string][] = [
      [['node', '--network', 'mainnet'], "unknown network 'mainnet'"],
      [['node', '--peer', 'http://127.0.0.1:1'], 'ws://HOST:PORT'],
      [['node', '--api-port', 'eighty'], 'is not a port number'],
      [['node', '--network', 'regtest', '--miner-address', 'tc1qnope'], '--miner-address'],
      [['node', '--bogus'], "unknown option '--bogus'"],
      [['lab'], 'needs an experiment'],
      [['devnet', '--nodes', 'many'], "--nodes: 'many' is not a whole number"],
      [['classroom', '--block-time', 'fast'], "--block-time: 'fast' is not a block time"],
      [['classroom', '--join-host', 'my laptop'], "--join-host: 'my laptop' is not a host name"],
      [['classroom', '--hashrate', 'lots'], "--hashrate: 'lots' is not a hash rate"],
      [['devnet', '--delay', 'slow'], "--delay: 'slow' is not a duration"],
      [['devnet', 'split', '0;1', '2'], "split: '0;1' is not a group"],
    ];
    for (const [args, message] of cases) {
      const r = toychain(...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.out, args.join(' ')).to.include(message);
      expect(r.out).to.not.match(/\n\s+at /);
    }
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const node = await cluster.start('a');
    await node.generate(1);
    expect(await node.stop()).to.equal(0);
    expect(node.output).to.include('stopped');
  });

  it('refuses a data directory another node is using, with a clear message', async () => {
    const first = await cluster.start('a');
    const r = toychain('node', '--network', 'regtest', '--datadir', first.datadir, '--p2p-port', '0', '--api-port', '0');
    expect(r.code).to.equal(1);
    expect(r.out).to.include('in use by another toychain process');
  });

  it('refuses a busy API port, naming it and the option to change', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const dir = cluster.tempDir('busy');
      const r = toychain('node', '--network', 'regtest', '--datadir', dir, '--p2p-port', '0', '--api-port', String(port));
      expect(r.code).to.equal(1);
      expect(r.out).to.include(`${port}`).and.to.include('--api-port');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps its chain across a restart on the same data directory', async () => {
    const node = await cluster.start('a');
    const hashes = await node.generate(3);
    await node.stop();
    await cluster.stopAll();
    const again = await cluster.start('a-again', { datadir: node.datadir });
    const status = await waitFor('the restarted node', () => again.status());
    expect(status).to.deep.include({ height: 3, tip: hashes[2] });
  });
});

describe('REST API of a node process', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('answers 401 to calls that change the node without the cookie token', async () => {
    const node = await cluster.start('a');
    const calls: [string, string, unknown][] = [
      ['POST', '/mining/generate', { blocks: 1 }],
      ['POST', '/mining/start', {}],
      ['POST', '/mining/stop', {}],
      ['POST', '/peers', { address: 'ws://127.0.0.1:1' }],
      ['DELETE', '/peers/1', undefined],
      ['POST', '/network', { active: false }],
    ];
    for (const [method, path, body] of calls) {
      const res = await node.api(method, path, body, false);
      expect(res.status, `${method} ${path}`).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
    }
    expect((await node.status()).height).to.equal(0);
  });

  it('answers 400 with a named code to bad parameters', async () => {
    const node = await cluster.start('a');
    const bad: [string, string, unknown][] = [
      ['GET', '/blocks?limit=abc', undefined],
      ['GET', '/blocks/not-a-hash', undefined],
      ['POST', '/mining/generate', { blocks: -1 }],
      ['POST', '/mining/generate', { blocks: 1, address: 'tcrt1qqqq' }],
      ['POST', '/peers', { address: 'http://example' }],
      ['POST', '/network', { active: 'yes' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await node.api(method, path, body);
      expect(res.status, `${method} ${path}`).to.equal(400);
      expect(res.body.error.code, `${method} ${path}`).to.be.a('string').and.not.equal('internal');
      expect(JSON.stringify(res.body)).to.not.include('    at ');
    }
  });

  it('reports the shape of /status that scripts rely on', async () => {
    const node = await cluster.start('a');
    const status = await node.status();
    expect(status).to.include.keys('network', 'height', 'tip', 'chainwork', 'peers', 'mempool', 'mining');
    expect((status as any).network).to.equal('regtest');
    expect((status as any).mining).to.include.keys('active', 'hashrate', 'workers');
  });
});
