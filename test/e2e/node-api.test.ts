/**
 * The node's API as a real node process serves it: generate without an address pays
 * the node's own key, and a node bound to loopback answers only a loopback Host.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { encodeAddress } from '../../src/consensus/address.js';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

function statusWithHost(apiUrl: string, host: string): Promise<number> {
  const u = new URL(`${apiUrl}/status`);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node API (a real node process)', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('mines generate without an address to the node\'s own key in DATADIR/miner.key, the same key each time', async () => {
    const node = await cluster.start('own-key', { minerAddress: false });
    const [first] = await node.generate(1);
    const [second] = await node.generate(1);
    const secret = hexToBytes(readFileSync(join(node.datadir, 'miner.key'), 'utf8').trim());
    const own = encodeAddress(xOnlyPublicKey(secret), regtest);
    for (const hash of [first, second]) {
      const block = (await node.api('GET', `/blocks/${hash}`)).body;
      expect(block.txs[0].outputs[0].address).to.equal(own);
    }
    // Continuous mining still needs an address to be named: it runs until stopped.
    const start = await node.api('POST', '/mining/start', {});
    expect([start.status, start.body.error.code]).to.deep.equal([400, 'no-miner-address']);
  });

  it("starts with --mine and no --miner-address mining to the node's own key (DATADIR/miner.key)", async () => {
    const node = await cluster.start('mine-own-key', { minerAddress: false, args: ['--mine', '--block-time', '0.2s'] });
    const tip = await waitFor('the node to mine a block on its own', async () => {
      const s = await node.status();
      return s.height >= 1 ? s.tip : undefined;
    }, 30_000);
    const secret = hexToBytes(readFileSync(join(node.datadir, 'miner.key'), 'utf8').trim());
    const block = (await node.api('GET', `/blocks/${tip}`)).body;
    expect(block.txs[0].outputs[0].address).to.equal(encodeAddress(xOnlyPublicKey(secret), regtest));
  });

  it('bound to 127.0.0.1, refuses a request whose Host is not loopback (403) and answers one that is', async () => {
    const node = await cluster.start('host-check');
    expect(await statusWithHost(node.apiUrl, 'rebound.example')).to.equal(403);
    expect(await statusWithHost(node.apiUrl, new URL(node.apiUrl).host)).to.equal(200);
  });
});
