import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeCluster, waitFor } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));

function hostStatus(apiUrl: string, host: string): Promise<number> {
  const url = new URL(`${apiUrl}/status`);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('toychain node: listening beyond loopback', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('refuses a bad --announce-api or --api-allow-host with a hint and exit code 2', () => {
    for (const [args, message] of [
      [['--announce-api', 'ftp://192.0.2.1:21'], "is not a node's API URL: write it as http://HOST:PORT"],
      [['--announce-api', 'nope'], 'is not a URL'],
      [['--api-allow-host', 'a b'], 'is not a host name'],
      [['--api-token-file', '/nonexistent/token'], 'cannot read /nonexistent/token'],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, 'node', '--network', 'regtest', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, args.join(' ')).to.equal(2);
      expect(`${r.stdout}${r.stderr}`).to.include(message);
    }
  });

  it('on 0.0.0.0: reads stay public, a transaction needs the token, node.json names 127.0.0.1', async () => {
    const node = await cluster.start('wide', { args: ['--api-host', '0.0.0.0', '--p2p-host', '0.0.0.0'] });
    expect(node.apiUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(node.p2pUrl).to.match(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect((await node.api('GET', '/status')).status).to.equal(200);
    expect(await hostStatus(node.apiUrl, 'node-0.toychain:18443')).to.equal(200);
    const anonymous = await node.api('POST', '/tx', { hex: '00' }, false);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.error.code).to.equal('unauthorized');
    expect((await node.api('POST', '/tx', { hex: '00' })).status).to.equal(400);
  });

  it('on loopback: refuses a foreign Host header (forbidden-host) unless allowed', async () => {
    const node = await cluster.start('narrow', { args: ['--api-allow-host', 'proxy.example'] });
    expect(await hostStatus(node.apiUrl, 'evil.example:18443')).to.equal(403);
    expect(await hostStatus(node.apiUrl, 'proxy.example')).to.equal(200);
    expect((await node.api('POST', '/tx', { hex: '00' }, false)).status).to.equal(400);
  });

  it('uses the token from --api-token-file (a shared secret) and still writes it to api.cookie', async () => {
    const dir = cluster.tempDir('token');
    writeFileSync(join(dir, 'token'), 'shared-token-0123456789abcdef\n');
    const node = await cluster.start('shared', { args: ['--api-token-file', join(dir, 'token')] });
    expect(node.token).to.equal('shared-token-0123456789abcdef');
    expect((await node.api('POST', '/mining/stop')).status).to.equal(200);
  });

  it('tells its peers the API URL given with --announce-api (GET /peers shows it)', async () => {
    const a = await cluster.start('a', { args: ['--announce-api', 'http://a.example:18443/api/v1'] });
    const b = await cluster.start('b', { peers: [a.p2pUrl] });
    const peer = await waitFor('b to have a as a peer', async () => (await b.api<{ apiUrl?: string }[]>('GET', '/peers')).body[0]);
    expect(peer.apiUrl).to.equal('http://a.example:18443');
    const back = await waitFor('a to have b as a peer', async () => (await a.api<{ apiUrl?: string }[]>('GET', '/peers')).body[0]);
    expect(back.apiUrl).to.equal(undefined);
  });
});
