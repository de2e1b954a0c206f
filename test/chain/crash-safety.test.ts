import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBlock } from '../../src/consensus/block.js';
import { bytesToHex } from '../../src/consensus/bytes.js';
import { COIN } from '../../src/consensus/subsidy.js';
import { openLevelStore } from '../../src/storage/level-store.js';
import { BlockStatus } from '../../src/storage/store.js';
import { coinbaseOutpoint, describeCoins, genesisOf, KEYS, mineBlock, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { indexDifferences, storeCoins } from '../helpers/chain-fixture.js';
import { replayActiveChain } from '../helpers/replay.js';
import { CRASH_PARAMS } from '../helpers/crash-params.js';

const CHILD = fileURLToPath(new URL('../helpers/crash-child.js', import.meta.url));
const KILLS = 25;

/** A branch of `count` blocks on `parent`, each spending the coinbase of the block two below it. */
function branch(parent: MinedBlock, count: number, extraNonce: number, history: MinedBlock[]): MinedBlock[] {
  const out: MinedBlock[] = [];
  let tip = parent;
  const line = [...history];
  for (let i = 0; i < count; i++) {
    const source = line[line.length - 2];
    const txs = source === undefined || source.height === 0 ? [] : [spendCoinbaseOf(source)];
    tip = mineBlock(CRASH_PARAMS, tip, { txs, fees: txs.length > 0 ? 1n * COIN : 0n, extraNonce });
    out.push(tip);
    line.push(tip);
  }
  return out;
}

function spendCoinbaseOf(source: MinedBlock) {
  const value = source.block.txs[0]!.outputs[0]!.value;
  return spendTx([{ outpoint: coinbaseOutpoint(source), coin: { value, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey }], [
    { value: value - 3n * COIN, pubkey: KEYS[0]!.pubkey },
    { value: 2n * COIN, pubkey: KEYS[1]!.pubkey },
  ]);
}

/** A deterministic PRNG (mulberry32): the kill instants are random but the same every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** When to kill: after `afterBlocks` newly processed blocks (0: during start-up), plus `delayMs`. */
interface KillPlan {
  afterBlocks: number;
  delayMs: number;
}

function runChild(dir: string, blocksFile: string, kill: KillPlan | undefined): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, dir, blocksFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const killSoon = (): void => {
      if (timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), kill!.delayMs);
    };
    if (kill !== undefined && kill.afterBlocks === 0) killSoon();
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (kill !== undefined && (output.match(/^processed /gm)?.length ?? 0) >= kill.afterBlocks) killSoon();
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer !== undefined) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ killed: true, output });
      else if (code === 0) resolve({ killed: false, output });
      else reject(new Error(`crash child exited with ${code}: ${output}`));
    });
  });
}

describe('crash safety', function () {
  this.timeout(240_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`restarts onto a consistent chain after ${KILLS} kills at random instants during connects and reorgs`, async () => {
    // Two branches from a common base, fed alternately so that each one overtakes the
    // other 20 times: reorganisations of 2, 4, 6, … up to about 40 blocks.
    const genesis = genesisOf(CRASH_PARAMS);
    const base = branch(genesis, 5, 0, [genesis]);
    const a = branch(base[4]!, 40, 1, [genesis, ...base]);
    const b = branch(base[4]!, 41, 2, [genesis, ...base]);
    const order = [...base];
    for (let fed = { a: 0, b: 0 }, turn: 'a' | 'b' = 'a'; fed.a < a.length || fed.b < b.length; turn = turn === 'a' ? 'b' : 'a') {
      const other = turn === 'a' ? fed.b : fed.a;
      const target = Math.min(other + 2, (turn === 'a' ? a : b).length);
      while (fed[turn] < target) order.push((turn === 'a' ? a : b)[fed[turn]++]!);
    }
    expect(order).to.have.length(5 + 40 + 41);
    const blocksFile = join(dir, 'blocks.json');
    writeFileSync(blocksFile, JSON.stringify(order.map((m) => bytesToHex(encodeBlock(m.block)))));
    const datadir = join(dir, 'node');

    const random = prng(20261123);
    let kills = 0;
    const tipsSeen = new Set<string>();
    for (let i = 0; i < KILLS; i++) {
      // A random instant: 0–40 ms into start-up and recovery (1 in 5), or into the
      // processing after the next block or two, which is often a long reorganisation.
      const plan = { afterBlocks: random() < 0.2 ? 0 : 1 + Math.floor(random() * 2), delayMs: Math.floor(random() * 40) };
      const { killed } = await runChild(datadir, blocksFile, plan);
      if (killed) kills++;
      const store = await openLevelStore(datadir);
      try {
        const replay = await replayActiveChain(store);
        tipsSeen.add(replay.tip);
        expect(replay.tipStatus & BlockStatus.VALID, 'the tip was fully connected').to.not.equal(0);
        expect(describeCoins(await storeCoins(store)), `UTXO set after kill ${i}`).to.deep.equal(describeCoins(replay.coins));
        expect(await indexDifferences(store, replay.active), `address and transaction indexes after kill ${i}`).to.deep.equal([]);
      } finally {
        await store.close();
      }
    }
    expect(kills, 'the child was killed mid-run').to.be.greaterThanOrEqual(20);
    expect(tipsSeen.size, 'kills landed at different points of the run').to.be.greaterThan(5);

    const last = await runChild(datadir, blocksFile, undefined);
    expect(last.output).to.include(`done ${b[40]!.id}`);
    const store = await openLevelStore(datadir);
    try {
      const replay = await replayActiveChain(store);
      expect(replay.tip).to.equal(b[40]!.id);
      expect(describeCoins(await storeCoins(store))).to.deep.equal(describeCoins(replay.coins));
      expect(await indexDifferences(store, replay.active)).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });
});
