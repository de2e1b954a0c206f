import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operations } from '../../src/api/contract/operations.js';
import { NodeCluster } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));

/** conformance runs `toychain conformance …` as its own process (async: a proxy in this process must keep answering). */
function conformance(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'conformance', ...args], { timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** lineOf finds an operation's line in the text report. */
const lineOf = (out: string, operationId: string): string | undefined => out.split('\n').find((l) => new RegExp(`^(pass|FAIL)\\s+${operationId}\\s`).test(l));

/**
 * A proxy in front of a real node that breaks the contract in three ways: a chain tip
 * with a hash that is not hex, a GET /peers that answers a bare 500, and an OpenAPI
 * document that lost getMempool's operationId. Everything else passes through.
 */
function breakingProxy(target: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    if (path === '/api/v1/peers' && req.method === 'GET') {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal-error', message: 'internal error' } }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
    const upstream = await fetch(target + path, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
    const type = upstream.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      res.writeHead(upstream.status, { 'content-type': type }).end();
      await upstream.body?.cancel();
      return;
    }
    let text = await upstream.text();
    if (path === '/api/v1/chain/tips') text = JSON.stringify((JSON.parse(text) as object[]).map((t) => ({ ...t, hash: 'not-hex' })));
    if (path === '/api/v1/openapi.json') {
      const doc = JSON.parse(text);
      delete doc.paths['/mempool'].get.operationId;
      text = JSON.stringify(doc);
    }
    res.writeHead(upstream.status, { 'content-type': type }).end(text);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('toychain conformance (a real node against the contract and its OpenAPI document)', function () {
  this.timeout(180_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('passes every operation of the contract on a node with blocks, with and without the token, and changes nothing', async () => {
    const node = await cluster.start('a');
    await node.generate(3);
    const before = await node.api('GET', '/status');
    const origin = node.apiUrl.replace(/\/api\/v1$/, '');

    const read = await conformance('--node', origin);
    expect(read.code, read.out).to.equal(0);
    for (const id of Object.keys(operations)) expect(lineOf(read.out, id), `${id} in\n${read.out}`).to.match(/^pass/);
    expect(read.out).to.include(`${Object.keys(operations).length} operations: ${Object.keys(operations).length} pass, 0 fail`);

    const full = await conformance('--node', origin, '--token-file', join(node.datadir, 'api.cookie'), '--json');
    expect(full.code, full.out).to.equal(0);
    const report = JSON.parse(full.out) as { ok: boolean; operations: { operationId: string; ok: boolean; probes: { status?: number; skipped?: string }[] }[] };
    expect(report.ok).to.equal(true);
    expect(report.operations.map((o) => o.operationId)).to.deep.equal(Object.keys(operations));
    // With the token the writes are sent for real: the share is set to what it was (200), the peer port 1 refused (422).
    const statuses = (id: string) => report.operations.find((o) => o.operationId === id)!.probes.map((p) => p.status);
    expect(statuses('setMiningShare')).to.deep.equal([401, 200, 400]);
    expect(statuses('connectPeer')).to.deep.equal([401, 400, 422]);
    expect(statuses('getTx')).to.deep.equal([200, 404, 400]);

    const after = await node.api('GET', '/status');
    expect([after.body.height, after.body.tip, after.body.peers, after.body.mining.active]).to.deep.equal([before.body.height, before.body.tip, 0, false]);
  });

  it('fails, naming each operation and what was wrong, when the answers or the document break the contract', async () => {
    const node = await cluster.start('a');
    await node.generate(1);
    const proxy = await breakingProxy(node.apiUrl.replace(/\/api\/v1$/, ''));
    try {
      const { port } = proxy.address() as AddressInfo;
      const run = await conformance('--node', `http://127.0.0.1:${port}`);
      expect(run.code, run.out).to.equal(1);
      expect(lineOf(run.out, 'getChainTips')).to.match(/^FAIL/);
      expect(run.out).to.match(/\/chain\/tips .*the OpenAPI document: \/0\/hash must match pattern/);
      expect(run.out).to.match(/\/chain\/tips .*the contract: 0\.hash: a hash is 64 lower-case hex digits/);
      expect(lineOf(run.out, 'listPeers')).to.match(/^FAIL/);
      expect(run.out).to.include('answered 500 internal-error, the contract says 200');
      expect(run.out).to.include('status 500 (application/json) is not in the served OpenAPI document for listPeers');
      expect(lineOf(run.out, 'getMempool')).to.match(/^FAIL/);
      expect(run.out).to.include("the served OpenAPI document gives GET /mempool no operationId (the contract's is getMempool)");
      expect(lineOf(run.out, 'getStatus')).to.match(/^pass/);
      expect(run.out).to.include('3 fail');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('refuses a --node that is not an API URL with exit code 2 and a hint', async () => {
    const run = await conformance('--node', 'ws://127.0.0.1:1');
    expect(run.code).to.equal(2);
    expect(run.out).to.include("is not a node's API URL");
    expect(run.out).to.include('hint: for example: toychain conformance --node http://127.0.0.1:18443');
  });
});
