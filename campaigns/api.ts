/**
 * API campaign: bad inputs to every REST route of a live regtest node and to every
 * command of `toychain` and `toychain-wallet`. Each must come back as a named error —
 * a 4xx whose body is `{ error: { code, message } }`, or a CLI exit other than 0 with a
 * message and no stack trace — and change nothing: the node's status (height, tip,
 * chainwork), its mempool, its deny list, link shaping and miner are compared before
 * and after every input.
 *
 *   npm run campaign -- api
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { encodeAddress } from '../src/consensus/address.js';
import { bytesToHex, fromDisplayHex, hash32 } from '../src/consensus/bytes.js';
import { regtest } from '../src/consensus/params.js';
import { encodeTx } from '../src/consensus/tx.js';
import { KEYS, spendTx } from '../test/helpers/blocks.js';
import { NodeCluster, type NodeProcess } from '../test/helpers/node-process.js';

const TOYCHAIN = fileURLToPath(new URL('../src/cli/toychain.js', import.meta.url));
const WALLET = fileURLToPath(new URL('../wallet/toychain-wallet.js', import.meta.url));
const ZEROS = '0'.repeat(64);

interface RestCase {
  route: string;
  method: string;
  path: string;
  /** a JSON value, or raw bytes with their own headers */
  body?: unknown;
  raw?: { bytes: Buffer; headers: Record<string, string> };
  headers?: Record<string, string>;
  auth?: boolean;
}

interface CliCase {
  command: string;
  bin: 'toychain' | 'toychain-wallet';
  args: string[];
}

/** snapshot is everything an input must leave unchanged. */
async function snapshot(node: NodeProcess): Promise<string> {
  const status = (await node.api('GET', '/status')).body;
  const mempool = (await node.api('GET', '/mempool?limit=500')).body;
  const deny = (await node.api('GET', '/network/deny')).body;
  const link = (await node.api('GET', '/network/link')).body;
  const mining = (await node.api('GET', '/mining/share')).body;
  const peers = (await node.api<unknown[]>('GET', '/peers')).body.length;
  return JSON.stringify({ height: status.height, tip: status.tip, chainwork: status.chainwork, active: status.networkActive, running: status.mining?.running, mempool: mempool.entries.map((e: { txid: string }) => e.txid), deny, link, mining, peers });
}

/** send makes one HTTP request exactly as given (node:http, so a lying Content-Encoding or Host goes out as written). */
function send(node: NodeProcess, c: RestCase): Promise<{ status: number; text: string }> {
  const url = new URL(`${node.apiUrl}${c.path}`);
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  let bytes: Buffer | undefined;
  if (c.raw !== undefined) {
    bytes = c.raw.bytes;
    Object.assign(headers, c.raw.headers);
  } else if (c.body !== undefined) {
    bytes = Buffer.from(JSON.stringify(c.body));
    headers['content-type'] = 'application/json';
  }
  if (c.auth !== false && c.method !== 'GET') headers.authorization = `Bearer ${node.token}`;
  if (bytes !== undefined) headers['content-length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: c.method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

function runCli(c: CliCase, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [c.bin === 'toychain' ? TOYCHAIN : WALLET, ...c.args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // A bad argument is refused at once: one still running after 30 s was accepted, and is stopped.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function restCases(address: string, badTx: string, missingSpend: string): RestCase[] {
  const r = (route: string, method: string, path: string, extra: Partial<RestCase> = {}): RestCase => ({ route, method, path, ...extra });
  const junkGzip = { bytes: Buffer.from('{"hex":"00"} not gzip'), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
  return [
    r('GET /status', 'GET', '/status', { headers: { host: 'evil.example' } }),
    r('GET /status', 'POST', '/status', { body: {} }),
    r('GET /blocks', 'GET', '/blocks?limit=0'),
    r('GET /blocks', 'GET', '/blocks?limit=abc'),
    r('GET /blocks', 'GET', '/blocks?limit=101'),
    r('GET /blocks', 'GET', '/blocks?order=sideways'),
    r('GET /blocks', 'GET', '/blocks?from=-1'),
    r('GET /blocks/{hashOrHeight}', 'GET', '/blocks/%E0%A4%A'),
    r('GET /blocks/{hashOrHeight}', 'GET', '/blocks/xyz'),
    r('GET /blocks/{hashOrHeight}', 'GET', `/blocks/${ZEROS}`),
    r('GET /blocks/{hashOrHeight}', 'GET', '/blocks/99999999'),
    r('GET /chain/tips', 'GET', '/chain/tips', { headers: { host: 'attacker.example:80' } }),
    r('GET /mempool', 'GET', '/mempool?limit=501'),
    r('GET /mempool', 'GET', '/mempool?from=x'),
    r('POST /tx', 'POST', '/tx', { body: { hex: 'zz' } }),
    r('POST /tx', 'POST', '/tx', { body: { hex: '' } }),
    r('POST /tx', 'POST', '/tx', { body: {} }),
    r('POST /tx', 'POST', '/tx', { body: [1, 2, 3] }),
    r('POST /tx', 'POST', '/tx', { raw: { bytes: Buffer.from(JSON.stringify({ hex: badTx })), headers: { 'content-type': 'text/plain' } } }),
    r('POST /tx', 'POST', '/tx', { body: { hex: badTx } }),
    r('POST /tx', 'POST', '/tx', { body: { hex: missingSpend } }),
    r('POST /tx', 'POST', '/tx', { raw: junkGzip }),
    r('POST /tx', 'POST', '/tx', { raw: { bytes: Buffer.from('{"hex": '), headers: { 'content-type': 'application/json' } } }),
    r('POST /tx', 'POST', '/tx', { body: { hex: 'ab'.repeat(20_000) } }),
    r('GET /tx/{txid}', 'GET', '/tx/nothex'),
    r('GET /tx/{txid}', 'GET', `/tx/${ZEROS}`),
    r('GET /address/{address}', 'GET', '/address/notanaddress'),
    r('GET /address/{address}', 'GET', `/address/${address}?limit=0`),
    r('GET /address/{address}', 'GET', `/address/${address}?coinsLimit=abc`),
    r('GET /address/{address}', 'GET', `/address/${encodeAddress(KEYS[0]!.pubkey, { ...regtest, addressPrefix: 'xx' } as typeof regtest)}`),
    r('GET /peers', 'GET', '/peers', { headers: { host: 'evil.example' } }),
    r('POST /peers', 'POST', '/peers', { body: { address: 'wss://127.0.0.1:1' } }),
    r('POST /peers', 'POST', '/peers', { body: { address: 'ws://127.0.0.1:0' } }),
    r('POST /peers', 'POST', '/peers', { body: { address: 42 } }),
    r('POST /peers', 'POST', '/peers', { body: { address: 'ws://127.0.0.1:1' }, auth: false }),
    r('DELETE /peers/{id}', 'DELETE', '/peers/abc'),
    r('DELETE /peers/{id}', 'DELETE', '/peers/9999'),
    r('POST /mining/start', 'POST', '/mining/start', { body: { address: 'not-an-address' } }),
    r('POST /mining/start', 'POST', '/mining/start', { body: {}, auth: false }),
    r('POST /mining/stop', 'POST', '/mining/stop', { auth: false }),
    r('POST /mining/generate', 'POST', '/mining/generate', { body: { blocks: 0 } }),
    r('POST /mining/generate', 'POST', '/mining/generate', { body: { blocks: 1001 } }),
    r('POST /mining/generate', 'POST', '/mining/generate', { body: { blocks: 1, address: 'bad' } }),
    r('POST /mining/generate', 'POST', '/mining/generate', { body: { blocks: 1 }, auth: false }),
    r('POST /mining/generate', 'POST', '/mining/generate', { body: { blocks: 1 }, headers: { authorization: 'Bearer wrong' }, auth: false }),
    r('GET /mining/share', 'GET', '/mining/share', { headers: { host: 'evil.example' } }),
    r('PUT /mining/share', 'PUT', '/mining/share', { body: { share: 2 } }),
    r('PUT /mining/share', 'PUT', '/mining/share', { body: { share: 'half' } }),
    r('POST /network', 'POST', '/network', { body: { active: 'yes' } }),
    r('POST /network', 'POST', '/network', { body: { active: false }, auth: false }),
    r('GET /network/deny', 'GET', '/network/deny', { headers: { host: 'evil.example' } }),
    r('PUT /network/deny', 'PUT', '/network/deny', { body: { addresses: ['wss://127.0.0.1:1'] } }),
    r('PUT /network/deny', 'PUT', '/network/deny', { body: { addresses: ['ws://127.0.0.1:0'] } }),
    r('PUT /network/deny', 'PUT', '/network/deny', { body: { addresses: 'ws://127.0.0.1:1' } }),
    r('GET /network/link', 'GET', '/network/link', { headers: { host: 'evil.example' } }),
    r('PUT /network/link', 'PUT', '/network/link', { body: { delayMs: -1 } }),
    r('PUT /network/link', 'PUT', '/network/link', { body: { delayMs: 1e12 } }),
    r('GET /events', 'GET', '/events', { headers: { host: 'evil.example' } }),
    r('GET /metrics', 'GET', '/metrics', { headers: { host: 'evil.example' } }),
    r('GET /openapi.json', 'GET', '/openapi.json', { headers: { host: 'evil.example' } }),
    r('(no route)', 'GET', '/no-such-route'),
  ];
}

function cliCases(node: NodeProcess, dirs: { wallet: string; devnet: string; missing: string; password: string }, valid: string): CliCase[] {
  const t = (command: string, ...args: string[]): CliCase => ({ command, bin: 'toychain', args });
  const w = (command: string, ...args: string[]): CliCase => ({ command, bin: 'toychain-wallet', args: ['--node', node.apiUrl.replace(/\/api\/v1$/, ''), '--wallet-dir', dirs.wallet, '--password-file', dirs.password, ...args] });
  return [
    t('toychain (none)', 'bogus'),
    t('toychain node', 'node', '--network', 'nope'),
    t('toychain node', 'node', '--network', 'regtest', '--p2p-port', '70000', '--datadir', dirs.missing),
    t('toychain node', 'node', '--network', 'regtest', '--peer', 'wss://127.0.0.1:1', '--datadir', dirs.missing),
    t('toychain node', 'node', '--network-file', join(dirs.missing, 'none.json')),
    t('toychain node', 'node', '--network', 'regtest', '--miner-address', 'nope', '--datadir', dirs.missing),
    t('toychain devnet', 'devnet', '--nodes', '0', '--datadir', dirs.devnet),
    t('toychain devnet', 'devnet', '--nodes', '65', '--datadir', dirs.devnet),
    t('toychain devnet', 'devnet', '--delay', 'fast', '--datadir', dirs.devnet),
    t('toychain devnet status', 'devnet', 'status', '--datadir', dirs.devnet),
    t('toychain devnet split', 'devnet', 'split', '0,x', '--datadir', dirs.devnet),
    t('toychain devnet heal', 'devnet', 'heal', '--datadir', dirs.devnet),
    t('toychain devnet pause', 'devnet', 'pause', '--datadir', dirs.devnet),
    t('toychain devnet resume', 'devnet', 'resume', '--datadir', dirs.devnet),
    t('toychain devnet mine', 'devnet', 'mine', '2', 'sideways', '--datadir', dirs.devnet),
    t('toychain devnet share', 'devnet', 'share', '2', '1.5', '--datadir', dirs.devnet),
    t('toychain devnet delay', 'devnet', 'delay', 'fast', '--datadir', dirs.devnet),
    t('toychain devnet send', 'devnet', 'send', '0', '2', '-1', '--datadir', dirs.devnet),
    t('toychain devnet restart', 'devnet', 'restart', 'x', '--datadir', dirs.devnet),
    t('toychain devnet stop', 'devnet', 'stop', '--datadir', dirs.devnet),
    t('toychain watch', 'watch', '--node', 'ftp://127.0.0.1:1'),
    t('toychain watch', 'watch', '--node', node.apiUrl, '--port', '99999'),
    t('toychain network create', 'network', 'create', '--name', 'Bad Name!', '--block-time', '5s', '--out', join(dirs.missing, 'x.json')),
    t('toychain network create', 'network', 'create', '--name', 'class', '--block-time', '0s', '--out', join(dirs.missing, 'x.json')),
    t('toychain lab double-spend', 'lab', 'double-spend', '--z', 'abc'),
    t('toychain lab double-spend', 'lab', 'double-spend', '--q', '0.9'),
    t('toychain lab selfish', 'lab', 'selfish', '--alpha', '2'),
    t('toychain lab fork-rate', 'lab', 'fork-rate', '--delay', 'soon'),
    t('toychain lab partition', 'lab', 'partition', '--bogus'),
    t('toychain lab finality', 'lab', 'finality', '--q', '1.5'),
    t('toychain lab time-warp', 'lab', 'time-warp', '--bogus'),
    w('toychain-wallet (none)', 'bogus'),
    w('toychain-wallet create', '--network', 'nope', 'create'),
    w('toychain-wallet restore', 'restore', '--mnemonic-file', join(dirs.missing, 'words.txt')),
    w('toychain-wallet address', '--wallet-dir', join(dirs.missing, 'nowallet'), 'address'),
    w('toychain-wallet balance', '--node', 'http://127.0.0.1:1', 'balance'),
    w('toychain-wallet balance', '--node', '127.0.0.1:1', 'balance'),
    w('toychain-wallet send', 'send', 'tcrt1notanaddress', '1'),
    w('toychain-wallet send', 'send', valid, '-1'),
    w('toychain-wallet send', 'send', valid, '0'),
    w('toychain-wallet send', 'send', valid, '1.123456789'),
    w('toychain-wallet send', 'send', valid, '1000000'),
    w('toychain-wallet send', 'send', valid, '1', '--fee-rate', 'x'),
    w('toychain-wallet history', 'history', '--bogus'),
  ];
}

export async function run(): Promise<boolean> {
  const cluster = new NodeCluster();
  const work = mkdtempSync(join(tmpdir(), 'toychain-api-campaign-'));
  let passed = 0;
  let total = 0;
  const failures: string[] = [];
  const routesSeen = new Set<string>();
  const commandsSeen = new Set<string>();
  try {
    const node = await cluster.start('api');
    const payer = encodeAddress(KEYS[0]!.pubkey, regtest);
    await node.generate(1, payer);
    await node.generate(101);
    const password = join(work, 'password');
    writeFileSync(password, 'campaign password\n');
    const dirs = { wallet: join(work, 'wallet'), devnet: join(work, 'devnet'), missing: join(work, 'missing', 'deeper'), password };
    const env = { TOYCHAIN_WALLET_PASSWORD: '' };
    // A wallet to send from (setup, not a bad input): its sends below are refused for their arguments.
    const made = await runCli({ command: 'setup', bin: 'toychain-wallet', args: ['--node', node.apiUrl.replace(/\/api\/v1$/, ''), '--wallet-dir', dirs.wallet, '--password-file', password, 'create'] }, env);
    if (made.code !== 0) throw new Error(`wallet create failed: ${made.out}`);
    const coinbase = (await node.api('GET', '/blocks/1')).body.txs[0];
    const spend = spendTx([{ outpoint: { txHash: fromDisplayHex(coinbase.txid), index: 0 }, coin: { value: 50n * 100_000_000n, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey }], [{ value: 49n * 100_000_000n, pubkey: KEYS[1]!.pubkey }]);
    // One real transaction in the mempool, so "nothing changed" covers a non-empty one.
    const ok = await node.api('POST', '/tx', { hex: bytesToHex(encodeTx(spend)) }, false);
    if (ok.status !== 200) throw new Error(`setup tx refused: ${JSON.stringify(ok.body)}`);
    const badTx = bytesToHex(encodeTx(spend)).slice(0, 60);
    const missing = bytesToHex(encodeTx(spendTx([{ outpoint: { txHash: hash32(new Uint8Array(32).fill(9)), index: 0 }, coin: { value: 1000n, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey }], [{ value: 500n, pubkey: KEYS[1]!.pubkey }])));

    for (const c of restCases(payer, badTx, missing)) {
      total++;
      routesSeen.add(c.route);
      const before = await snapshot(node);
      const res = await send(node, c).catch((e: Error) => ({ status: 0, text: e.message }));
      const after = await snapshot(node);
      let code: string | undefined;
      try {
        code = (JSON.parse(res.text) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      const named = res.status >= 400 && res.status < 500 && typeof code === 'string' && code.length > 0;
      const same = before === after;
      const line = `${c.method} ${c.path.slice(0, 60)}${c.headers?.host ? ` (Host: ${c.headers.host})` : ''}${c.raw ? ` (${c.raw.headers['content-type']}${c.raw.headers['content-encoding'] ? `, ${c.raw.headers['content-encoding']}` : ''})` : ''} -> ${res.status} ${code ?? res.text.slice(0, 60)}`;
      if (named && same) passed++;
      else failures.push(`${line}${same ? '' : ' (state changed)'}`);
      console.log(`${named && same ? 'ok  ' : 'FAIL'}  ${line}`);
    }
    const valid = encodeAddress(KEYS[2]!.pubkey, regtest);
    for (const c of cliCases(node, dirs, valid)) {
      total++;
      commandsSeen.add(c.command);
      const before = await snapshot(node);
      const res = await runCli(c, env);
      const after = await snapshot(node);
      const message = res.out.trim().split('\n')[0] ?? '';
      const stack = /\n\s+at .+:\d+:\d+/.test(res.out) || /^(TypeError|RangeError|ReferenceError|SyntaxError)\b/m.test(res.out);
      const named = res.code !== 0 && res.code !== null && message.length > 0 && !stack;
      const same = before === after;
      const line = `${c.bin} ${c.args.filter((a) => !a.startsWith(work) && !a.startsWith('http://127')).join(' ').slice(0, 70)} -> exit ${res.code}: ${message.slice(0, 90)}`;
      if (named && same) passed++;
      else failures.push(`${line}${stack ? ' (stack trace)' : ''}${same ? '' : ' (state changed)'}`);
      console.log(`${named && same ? 'ok  ' : 'FAIL'}  ${line}`);
    }
  } finally {
    await cluster.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\napi: ${passed} of ${total} bad inputs answered with a named error and nothing changed (${routesSeen.size} REST routes, ${commandsSeen.size} CLI commands)`);
  for (const f of failures) console.log(`  failed: ${f}`);
  return passed === total;
}
