import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeAddress } from '../../src/consensus/address.js';
import { sha256 } from '../../src/consensus/hash.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { parseNetworkFile } from '../../src/node/network-file.js';
import { NodeCluster, waitFor } from '../helpers/node-process.js';
import { runWallet } from '../helpers/wallet-process.js';

const CLI = fileURLToPath(new URL('../../src/bin/toychain.js', import.meta.url));

function toychain(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('a created network (toychain network create, --network-file)', function () {
  this.timeout(120_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  /** create writes a network file; --hashrate 40 at 5 s gives the easiest bits, so blocks cost a few hundred hashes. */
  function create(name: string, dir: string): string {
    const out = join(dir, `${name}.network.json`);
    const r = toychain('network', 'create', '--name', name, '--block-time', '5s', '--hashrate', '40', '--out', out);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.include(`toychain node --network-file ${out}`);
    return out;
  }

  it('runs a node on it that mines, restarts onto it and shows its name in /status', async () => {
    const file = create('class', cluster.tempDir('files'));
    const params = parseNetworkFile(readFileSync(file, 'utf8'));
    expect(params.targetSpacing).to.equal(5);
    const address = encodeAddress(xOnlyPublicKey(sha256(new TextEncoder().encode('class miner'))), params);
    expect(address.startsWith('tcclass1')).to.equal(true);

    const node = await cluster.start('a', { networkFile: file });
    const before = (await node.api('GET', '/status')).body;
    expect([before.network, before.genesis, before.addressPrefix, before.height]).to.deep.equal(['class', params.genesis.hash, 'tcclass', 0]);
    const hashes = await node.generate(3, address);
    expect(hashes).to.have.length(3);
    await node.stop();

    const again = await cluster.start('a', { networkFile: file, datadir: node.datadir });
    const after = (await again.api('GET', '/status')).body;
    expect([after.network, after.height, after.tip]).to.deep.equal(['class', 3, hashes[2]]);
  });

  it('gives a wallet made against its node the network\'s prefix, and POST /mining/start {address} pays that wallet (the README\'s steps)', async () => {
    const node = await cluster.start('a', { networkFile: create('class', cluster.tempDir('files')) });
    const walletDir = cluster.tempDir('wallet');
    const wallet = (...args: string[]) => runWallet(['--node', node.apiUrl, '--wallet-dir', walletDir, '--json', ...args], { env: { TOYCHAIN_WALLET_PASSWORD: 'class pw' } });
    expect((await wallet('create')).json.network).to.equal('class');
    const address = (await wallet('address')).json.address as string;
    expect(address.startsWith('tcclass1p')).to.equal(true);
    const started = await node.api('POST', '/mining/start', { address });
    expect([started.status, started.body.active]).to.deep.equal([200, true]);
    await waitFor('a block paying the wallet', async () => (await wallet('balance')).json?.immature !== '0.00000000', 60_000);
    expect((await node.api('POST', '/mining/stop', {})).status).to.equal(200);
  });

  it('refuses a peer of another network with the named reason (wrong-network)', async () => {
    const dir = cluster.tempDir('files');
    const a = await cluster.start('a', { networkFile: create('one', dir) });
    const b = await cluster.start('b', { networkFile: create('two', dir) });
    const res = await b.api('POST', '/peers', { address: a.p2pUrl });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('peer-connect-failed');
    expect(res.body.error.message).to.include('refused: wrong-network: peer is on another network');
    expect((await a.status()).peers).to.equal(0);
  });

  it('refuses a regtest peer: another genesis and magic (wrong-network)', async () => {
    const a = await cluster.start('a', { networkFile: create('one', cluster.tempDir('files')) });
    const b = await cluster.start('b');
    const res = await b.api('POST', '/peers', { address: a.p2pUrl });
    expect(res.body.error.message).to.include('wrong-network');
  });

  it('refuses a bad network file with its named code and exit code 2', () => {
    const dir = cluster.tempDir('files');
    const missing = toychain('node', '--network-file', join(dir, 'nope.json'));
    expect(missing.code).to.equal(2);
    expect(missing.out).to.include('network-file-unreadable');
    const both = toychain('node', '--network', 'demo', '--network-file', join(dir, 'nope.json'));
    expect(both.out).to.include('pass --network or --network-file, not both');
    const reserved = toychain('network', 'create', '--name', 'demo', '--block-time', '5s', '--out', join(dir, 'd.json'));
    expect([reserved.code, /network-name-reserved/.test(reserved.out)]).to.deep.equal([2, true]);
    const time = toychain('network', 'create', '--name', 'x', '--block-time', 'soon');
    expect(time.out).to.include("--block-time: 'soon' is not a block time");
  });
});
