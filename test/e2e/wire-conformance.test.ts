import { expect } from 'chai';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { fromDisplayHex } from '../../src/consensus/bytes.js';
import { demo, regtest } from '../../src/consensus/params.js';
import { decodeMessage, encodeMessage, type Message } from '../../src/p2p/messages.js';
import { NodeCluster } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));

/** conformance runs `toychain conformance …` as its own process (async: a fake peer in this process must keep answering). */
function conformance(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'conformance', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

interface Report {
  ok: boolean;
  network: string;
  checks: { name: string; status: 'pass' | 'fail' | 'skip'; detail: string }[];
}

/** lineOf finds a check's status line in the text report by a piece of its name. */
const lineOf = (out: string, name: string): string | undefined => out.split('\n').find((l) => /^(pass|FAIL|skip) /.test(l) && l.includes(name));

/**
 * A regtest "node" that gets the wire protocol wrong on purpose: it answers the handshake,
 * then either answers every ping with a pong carrying another nonce ('bad-pong'), or
 * frames its version and verack under demo's magic ('wrong-magic'). getheaders gets an
 * empty headers, getdata a notfound; everything else is ignored.
 */
function fakePeer(fault: 'bad-pong' | 'wrong-magic'): Promise<WebSocketServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws: WebSocket) => {
    const send = (msg: Message, magic = regtest.magic): void => ws.send(encodeMessage(magic, msg));
    ws.on('message', (data: Buffer) => {
      let msg: Message;
      try {
        msg = decodeMessage(new Uint8Array(data), regtest.magic);
      } catch {
        return;
      }
      if (msg.type === 'version') {
        const magic = fault === 'wrong-magic' ? demo.magic : regtest.magic;
        const version: Message = { type: 'version', protocolVersion: 1, magic: regtest.magic, genesis: fromDisplayHex(regtest.genesis.hash), bestHeight: 0, chainwork: 2n, userAgent: '/fake/', nonce: new Uint8Array(8).fill(7), listenPort: 0 };
        send(version, magic);
        send({ type: 'verack' }, magic);
      } else if (msg.type === 'verack') {
        send({ type: 'sendblocks' });
        send({ type: 'sendheaders' });
      } else if (msg.type === 'ping') send({ type: 'pong', nonce: msg.nonce.map((b) => b ^ 0xff) });
      else if (msg.type === 'getheaders') send({ type: 'headers', headers: [] });
      else if (msg.type === 'getdata') send({ type: 'notfound', items: msg.items });
    });
  });
  return new Promise((resolve) => server.on('listening', () => resolve(server)));
}

async function withFake<T>(fault: 'bad-pong' | 'wrong-magic', body: (url: string) => Promise<T>): Promise<T> {
  const server = await fakePeer(fault);
  try {
    return await body(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('toychain conformance ws://HOST:PORT (a node against the wire protocol of docs/p2p.md)', function () {
  this.timeout(180_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('passes every check on a real node with blocks, and leaves its chain as it was', async () => {
    const node = await cluster.start('a');
    await node.generate(3);
    const before = await node.status();

    const run = await conformance(node.p2pUrl, '--network', 'regtest', '--json');
    expect(run.code, run.out).to.equal(0);
    const report = JSON.parse(run.out) as Report;
    expect(report.ok).to.equal(true);
    expect(report.network).to.equal('regtest');
    const notPassed = report.checks.filter((c) => c.status !== 'pass');
    expect(notPassed, JSON.stringify(notPassed, null, 2)).to.deep.equal([]);
    const detail = (piece: string): string => report.checks.find((c) => c.name.includes(piece))!.detail;
    expect(detail('getheaders from genesis')).to.equal('3 headers, continuous from genesis, each with its proof of work');
    expect(detail('getdata of a block')).to.match(/^block 3: /);
    expect(detail('a frame with another magic')).to.equal('4 kept the connection (score 80); the next closed 4003 (banned: bad-magic)');
    expect(detail('checksum does not match')).to.equal('9 kept the connection (score 90); the next closed 4003 (banned: bad-checksum)');
    expect(detail('over 13 + 4,000,000 bytes')).to.match(/^closed 1009/);
    expect(detail("another network’s magic")).to.match(/closed 4001 \(refused: wrong-network/);

    // The text report, without the frames that ban: the same checks, those left out said so.
    const text = await conformance(node.p2pUrl, '--network', 'regtest', '--no-ban');
    expect(text.code, text.out).to.equal(0);
    expect(lineOf(text.out, 'ping is answered with pong')).to.match(/^pass/);
    expect(lineOf(text.out, 'a frame whose checksum does not match')).to.match(/^skip/);
    expect(text.out).to.include('the frame that bans not sent (--no-ban)');
    expect(text.out).to.match(/23 checks: 15 pass, 0 fail, 8 skipped/);

    const after = await node.status();
    expect([after.height, after.tip]).to.deep.equal([before.height, before.tip]);
  });

  it('fails the ping check and exits 1 against a peer whose pong carries another nonce', async () => {
    await withFake('bad-pong', async (url) => {
      const run = await conformance(url, '--network', 'regtest', '--timeout', '2');
      expect(run.code, run.out).to.equal(1);
      expect(lineOf(run.out, 'the handshake: our version')).to.match(/^pass/);
      expect(lineOf(run.out, 'ping is answered with pong')).to.match(/^FAIL/);
      expect(run.out).to.match(/the pong carries nonce [0-9a-f]{16}, the ping's was [0-9a-f]{16}/);
      expect(lineOf(run.out, 'getheaders from genesis')).to.match(/^pass/);
    });
  });

  it('fails the handshake against a peer that frames its version with another network’s magic', async () => {
    await withFake('wrong-magic', async (url) => {
      const run = await conformance(url, '--network', 'regtest', '--timeout', '2', '--json');
      expect(run.code, run.out).to.equal(1);
      const report = JSON.parse(run.out) as Report;
      expect(report.ok).to.equal(false);
      const handshake = report.checks[0]!;
      expect(handshake.status).to.equal('fail');
      expect(handshake.detail).to.match(/does not decode: bad-magic: .*magic 0x7463646d is not this network's 0x74637274/);
      expect(report.checks.find((c) => c.name.startsWith('every frame'))!.status).to.equal('fail');
      expect(report.checks.filter((c) => c.detail === 'not run: the handshake failed').length).to.be.greaterThan(10);
    });
  });

  it('refuses an address that is not ws://HOST:PORT, or both forms at once, with exit code 2 and a hint', async () => {
    const wss = await conformance('wss://127.0.0.1:1');
    expect(wss.code).to.equal(2);
    expect(wss.out).to.include("'wss://127.0.0.1:1' is not a peer address (scheme wss: is not ws:)");
    const http = await conformance('http://127.0.0.1:18443');
    expect(http.code).to.equal(2);
    expect(http.out).to.include('hint: an http:// URL is the REST API: toychain conformance --node http://127.0.0.1:18443');
    const both = await conformance('ws://127.0.0.1:1', '--node', 'http://127.0.0.1:2');
    expect(both.code).to.equal(2);
    expect(both.out).to.include('not both');
    const network = await conformance('--network', 'regtest');
    expect(network.code).to.equal(2);
    expect(network.out).to.include('--network is for the wire check');
  });

  it('reports a node that is not there as a failed handshake, exit 1', async () => {
    const run = await conformance('ws://127.0.0.1:1', '--network', 'regtest');
    expect(run.code, run.out).to.equal(1);
    expect(lineOf(run.out, 'the handshake')).to.match(/^FAIL/);
    expect(run.out).to.include('cannot connect to ws://127.0.0.1:1');
  });
});
