/**
 * `toychain classroom` on one machine: a teacher process and three "student" node
 * processes on 127.0.0.1 standing in for laptops. Each student runs the one command the
 * teacher printed, with only what one machine needs changed (API host and a free port,
 * its own data folder, a free p2p port, one thread, no continuous mining: blocks come
 * from generate, so the run is deterministic). The class network has the easiest
 * difficulty (--hashrate 1), so generate takes a few hundred hashes a block.
 *
 * The third student cheats the way a student could: they edit the class network file to
 * make block rewards spendable after 1 block instead of 10, spend one early, and mine
 * it. Their own node accepts that; the teacher's node refuses the block
 * (bad-txns-premature-spend-of-coinbase), bans the student, and the page shows it.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { encodeAddress } from '../../src/consensus/address.js';
import { bytesToHex, hexToBytes } from '../../src/consensus/bytes.js';
import { fromDisplayHex } from '../../src/consensus/bytes.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { encodeTx } from '../../src/consensus/tx.js';
import { parseNetworkFile } from '../../src/node/network-file.js';
import { spendTx } from '../helpers/blocks.js';
import { NodeProcess, waitFor } from '../helpers/node-process.js';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));
const CHROMIUM = process.env.TOYCHAIN_CHROMIUM ?? '/usr/bin/chromium';
/** How long anything may take to show on a loaded machine: generous, but bounded. */
const SHOW_MS = 45_000;

interface NodeRow {
  index: number;
  label?: string;
  apiUrl: string;
  unreachable: boolean;
  status: { height: number; tip: string } | null;
  bannedBy?: { node: number; address: string; reason: string }[];
}
interface View {
  nodes: NodeRow[];
  edges: [number, number][];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** stopChild ends one process this test started, by its PID: SIGTERM, SIGKILL after a bound. */
function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** option reads one option's value from a command line split into words. */
function option(words: string[], name: string): string {
  const at = words.indexOf(name);
  if (at < 0 || at + 1 >= words.length) throw new Error(`the printed command has no ${name}: ${words.join(' ')}`);
  return words[at + 1]!;
}

/**
 * onThisMachine turns the printed command into the one a student on this machine runs:
 * `npx --no toychain` is this checkout's CLI; the API listens on 127.0.0.1 on a free port
 * (announced, like the printed command, on the unspecified host); the rest is kept.
 */
function onThisMachine(printed: string, apiPort: number, datadir: string, networkFile?: string): string[] {
  const words = printed.trim().split(/\s+/);
  expect(words.slice(0, 4)).to.deep.equal(['npx', '--no', 'toychain', 'node']);
  const args = words.slice(3);
  const set = (name: string, value: string): void => {
    args[args.indexOf(name) + 1] = value;
  };
  set('--api-host', '127.0.0.1');
  set('--api-port', String(apiPort));
  set('--announce-api', option(words, '--announce-api').replace(/:\d+$/, `:${apiPort}`));
  if (networkFile !== undefined) set('--network-file', networkFile);
  const mine = args.indexOf('--mine');
  if (mine >= 0) args.splice(mine, 1);
  return [CLI, ...args, '--datadir', datadir, '--p2p-port', '0', '--workers', '1', '--log-level', 'info'];
}

describe('toychain classroom: a teacher and students joining by the printed command', function () {
  this.timeout(300_000);
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  let browser: Browser | undefined;

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    // Students first, then the teacher (which stops its own node).
    for (const c of children.splice(0).reverse()) await stopChild(c);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function tempDir(name: string): string {
    const d = mkdtempSync(join(tmpdir(), `toychain-class-${name}-`));
    dirs.push(d);
    return d;
  }

  async function startStudent(name: string, printed: string, networkFile?: string): Promise<NodeProcess> {
    const datadir = tempDir(name);
    const args = onThisMachine(printed, await freePort(), datadir, networkFile);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const endpoints = await waitFor(`${name}'s node to start`, () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
      const file = join(datadir, 'node.json');
      return existsSync(file) && existsSync(join(datadir, 'api.cookie')) ? (JSON.parse(readFileSync(file, 'utf8')) as { apiUrl: string; p2pUrl: string; p2pPort: number }) : undefined;
    }, SHOW_MS);
    return new NodeProcess(name, child, datadir, endpoints);
  }

  it('shows each student node on the page as it joins, carries blocks through the teacher, and bans a student who changed the rules', async () => {
    const dir = tempDir('teacher');
    const teacher = spawn(process.execPath, [CLI, 'classroom', '--block-time', '10s', '--dir', dir, '--p2p-host', '127.0.0.1', '--api-host', '127.0.0.1', '--p2p-port', '0', '--port', '0', '--hashrate', '1', '--workers', '1', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(teacher);
    let out = '';
    teacher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    teacher.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const printed = await waitFor('the teacher to print the command students run', () => {
      if (teacher.exitCode !== null) throw new Error(`classroom exited with ${teacher.exitCode}: ${out}`);
      return /^\s*(npx --no toychain node .*)$/m.exec(out)?.[1];
    }, SHOW_MS);
    const page = /The class's page[^\n]*(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    expect(page, out).to.be.a('string');
    const view = async (): Promise<View> => (await fetch(`${page}api/v1/devnet`)).json() as Promise<View>;

    // The printed command fetches the class network from the page: the same file the teacher wrote.
    const url = option(printed.split(/\s+/), '--network-file');
    expect(url).to.equal(`${page}class.json`);
    const served = await (await fetch(url)).text();
    expect(served).to.equal(readFileSync(join(dir, 'class.json'), 'utf8'));
    const params = parseNetworkFile(served);
    expect([params.targetSpacing, params.coinbaseMaturity]).to.deep.equal([10, 10]);
    expect(((await (await fetch(`${page}api/v1/classroom`)).json()) as { joinCommand: string }).joinCommand).to.equal(printed);

    // Two honest students, by the printed command.
    const alice = await startStudent('alice', printed);
    const bob = await startStudent('bob', printed);
    // The cheat: the same network with rewards spendable after 1 block (the genesis is unchanged, so it still joins).
    const edited = JSON.parse(served) as { coinbaseMaturity: number };
    edited.coinbaseMaturity = 1;
    const cheatFile = join(tempDir('carol-file'), 'class.json');
    writeFileSync(cheatFile, JSON.stringify(edited));
    const carol = await startStudent('carol', printed, cheatFile);
    const students = [alice, bob, carol];

    // Every student appears on the page, found through the teacher's peers, and linked to the teacher.
    const joined = await waitFor('the page to show the teacher and three students, each reachable and linked to the teacher', async () => {
      const v = await view();
      const urls = students.map((s) => s.apiUrl);
      const rows = urls.map((u) => v.nodes.find((n) => n.apiUrl === u));
      if (rows.some((r) => r === undefined || r.unreachable || r.status === null)) return undefined;
      if (!rows.every((r) => v.edges.some(([a, b]) => (a === 0 && b === r!.index) || (b === 0 && a === r!.index)))) return undefined;
      return { v, rows: rows as NodeRow[] };
    }, SHOW_MS);
    expect(joined.v.nodes.map((n) => n.label)).to.deep.equal(['teacher', 'student', 'student', 'student']);
    const [aliceRow, bobRow, carolRow] = joined.rows;

    // A block mined by one student reaches every node through the teacher's.
    const [honest] = await alice.generate(1);
    await waitFor('every node of the class to have alice\'s block', async () => (await view()).nodes.every((n) => n.status?.tip === honest) || undefined, SHOW_MS);

    // Carol mines a block (valid for everyone), then spends its reward at once: valid only under her edited rules.
    const [own] = await carol.generate(1);
    await waitFor("every node to have carol's first block", async () => (await view()).nodes.every((n) => n.status?.tip === own) || undefined, SHOW_MS);
    const block = (await carol.api('GET', `/blocks/${own}`)).body as { height: number; txs: { txid: string; outputs: { units: string }[] }[] };
    const secret = hexToBytes(readFileSync(join(carol.datadir, 'miner.key'), 'utf8').trim());
    const pubkey = xOnlyPublicKey(secret);
    const reward = BigInt(block.txs[0]!.outputs[0]!.units);
    const tx = spendTx([{ outpoint: { txHash: fromDisplayHex(block.txs[0]!.txid), index: 0 }, coin: { value: reward, pubkey }, privateKey: secret }], [{ value: reward - 1_000n, pubkey }]);
    const sent = await carol.api('POST', '/tx', { hex: bytesToHex(encodeTx(tx)) }, false);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
    const [cheat] = await carol.generate(1, encodeAddress(pubkey, params));

    // The teacher's node refuses the block and bans carol; the page shows the ban on her card, and only hers.
    const banned = await waitFor('the page to show carol banned by the teacher\'s node', async () => {
      const row = (await view()).nodes.find((n) => n.index === carolRow!.index);
      return row?.bannedBy?.[0];
    }, SHOW_MS);
    expect(banned.node).to.equal(0);
    expect(banned.reason).to.include('bad-txns-premature-spend-of-coinbase');
    const after = await view();
    expect(after.nodes.filter((n) => (n.bannedBy ?? []).length > 0).map((n) => n.index)).to.deep.equal([carolRow!.index]);
    // The honest nodes stay on the valid chain; only carol's own node took her block.
    expect((await carol.status()).tip).to.equal(cheat);
    for (const n of after.nodes.filter((x) => x.index !== carolRow!.index)) expect(n.status?.tip, `node ${n.index}`).to.equal(own);
    const timeline = (await (await fetch(`${page}api/v1/devnet/timeline`)).json()) as { items: { kind: string; text: string }[] };
    expect(timeline.items.some((i) => i.kind === 'ban' && i.text.startsWith(`node 0 banned node ${carolRow!.index} `))).to.equal(true);
    expect([aliceRow!.index, bobRow!.index]).to.not.include(carolRow!.index);

    // And the page in a browser draws it on her card.
    if (!existsSync(CHROMIUM)) {
      console.log(`    (browser check skipped: no Chromium at ${CHROMIUM}; the API checks above ran)`);
      return;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const tab = await browser.newPage();
    await tab.goto(page!);
    const flag = tab.locator(`.node[data-node="${carolRow!.index}"] .flag.banned`);
    await flag.waitFor({ timeout: SHOW_MS });
    expect(await flag.textContent()).to.include('banned by node 0');
    expect(await tab.locator('.flag.banned').count()).to.equal(1);
  });
});
