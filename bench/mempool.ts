/**
 * Mempool bench (issue 6): how fast the mempool takes signed transactions in, against
 * the bare BIP340 verification rate on one thread measured in the same run, and what
 * the verified-transaction cache saves when a block of mempool transactions connects.
 *
 *   (a) checkTxSignatures on this thread, 2,000 one-input transactions (baseline)
 *   (b) Mempool.accept, one at a time, in-process verifier
 *   (c) Mempool.accept, all 2,000 at once, worker-thread verifier (all cores)
 *   (d) Chain.processBlock of a block of 1,000 of those transactions: signatures
 *       already verified by the mempool (cache hit), and not (in-process, and workers)
 * `npm run bench -- mempool-costs` runs only these two, which need no signatures:
 *   (e) block template selection at 2k / 4k / 8k pool transactions: the indexed
 *       selectPackages against the plain O(n²) loop it replaced (the baseline, same pool)
 *   (f) eviction on admission into a full pool: the DescendantIndex against a rescan
 *
 * Every figure is one run after a warm-up (a full run of 2,000 verifies takes seconds,
 * so one run already averages over thousands of operations).
 */
import { availableParallelism } from 'node:os';
import type { Chain } from '../src/chain/chain.js';
import { viewOf } from '../src/chain/chain-view.js';
import { InProcessSignatureVerifier, WorkerSignatureVerifier, type SignatureVerifier } from '../src/chain/signature-verifier.js';
import { VerifiedTxCache } from '../src/chain/verified-tx-cache.js';
import type { Block } from '../src/consensus/block.js';
import { regtest, type NetworkParams } from '../src/consensus/params.js';
import { signInput } from '../src/consensus/signature.js';
import { COIN } from '../src/consensus/subsidy.js';
import { checkTxSignatures } from '../src/consensus/tx-check.js';
import { txHash, type Tx } from '../src/consensus/tx.js';
import { Mempool } from '../src/mempool/mempool.js';
import { DescendantIndex, descendantsOf, selectPackages, type PoolTx } from '../src/mempool/packages.js';
import { referencePlanEviction, referenceSelectPackages } from '../test/helpers/reference-packages.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineBlock, mineChain, spendTx, type MinedBlock } from '../test/helpers/blocks.js';
import { memoryChain } from '../test/helpers/chain-fixture.js';
import type { BenchSection } from './run.js';
import { ZERO_HASH, type DisplayHex } from '../src/consensus/bytes.js';
import { table } from './table.js';

const BATCH = 2_000;
const BLOCK_TXS = 1_000;
const FEE = 1_000n;
const params: NetworkParams = { ...regtest, name: 'regtest-bench', coinbaseMaturity: 2 };

export interface Setup {
  /** blocks 1..4: block 4 holds a fan-out transaction with BATCH outputs */
  blocks: MinedBlock[];
  /** BATCH signed transactions, each spending one fan-out output */
  txs: Tx[];
  spentValue: bigint;
}

/** setup builds a chain whose block 4 creates BATCH coins, and BATCH signed spends of them. */
export function setup(): Setup {
  const first = mineChain(params, genesisOf(params), 3);
  const coinbase = first[0]!.block.txs[0]!;
  const key = KEYS[0]!;
  const spentValue = (coinbase.outputs[0]!.value - COIN) / BigInt(BATCH);
  const fanOut = spendTx(
    [{ outpoint: coinbaseOutpoint(first[0]!), coin: { value: coinbase.outputs[0]!.value, pubkey: key.pubkey }, privateKey: key.privateKey }],
    Array.from({ length: BATCH }, () => ({ value: spentValue, pubkey: key.pubkey })),
  );
  const blocks = [...first, mineBlock(params, first[2]!, { txs: [fanOut] })];
  const fanOutId = txHash(fanOut);
  const txs = Array.from({ length: BATCH }, (_, index) => {
    const tx: Tx = { version: 1, inputs: [{ prevout: { txHash: fanOutId, index }, witness: new Uint8Array(64) }], outputs: [{ value: spentValue - FEE, pubkey: KEYS[1]!.pubkey }], lockTime: 0 };
    tx.inputs[0]!.witness = signInput(tx, 0, [{ value: spentValue, pubkey: key.pubkey }], key.privateKey, new Uint8Array(32).fill(index & 0xff));
    return tx;
  });
  return { blocks, txs, spentValue };
}

async function chainOf(s: Setup, signatureVerifier?: SignatureVerifier): Promise<Chain> {
  const chain = await memoryChain(params, signatureVerifier === undefined ? {} : { signatureVerifier });
  for (const b of s.blocks) {
    const outcome = await chain.processBlock(b.block);
    if (outcome.status !== 'connected') throw new Error(`bench setup: block ${b.height} ${outcome.status}`);
  }
  return chain;
}

/** perSecond times fn and returns count / seconds. */
async function perSecond(count: number, fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return (count * 1000) / (performance.now() - start);
}

async function timeMs(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** acceptAll runs the batch through a fresh mempool (and a fresh cache, so every signature is verified). */
async function acceptAll(chain: Chain, txs: Tx[], verifier: SignatureVerifier, concurrent: boolean): Promise<number> {
  const mempool = new Mempool({ chain: viewOf(chain), params: chain.params, signatureVerifier: verifier, verifiedTxs: new VerifiedTxCache() });
  try {
    return await perSecond(txs.length, async () => {
      const verdicts = concurrent ? await Promise.all(txs.map((tx) => mempool.accept(tx))) : [];
      if (!concurrent) for (const tx of txs) verdicts.push(await mempool.accept(tx));
      const bad = verdicts.find((v) => !v.ok);
      if (bad !== undefined && !bad.ok) throw new Error(`bench: accept rejected ${bad.reason}`);
    });
  } finally {
    mempool.close();
  }
}

async function connectMs(chain: Chain, block: Block): Promise<number> {
  return timeMs(async () => {
    const outcome = await chain.processBlock(block);
    if (outcome.status !== 'connected') throw new Error(`bench: block ${outcome.status}`);
  });
}

const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}x`;
const fmt = (r: number): string => `${r.toFixed(0)} tx/s`;

const DUMMY_TX: Tx = { version: 1, inputs: [], outputs: [], lockTime: 0 };

/**
 * syntheticPool builds n pool entries shaped like a busy pool: most alone, some in
 * chains of up to 5 (a child paying for its parent), fee rates spread 1..100 per byte.
 * Deterministic (a fixed LCG), so both algorithms see the same pool in every run.
 */
function syntheticPool(n: number): PoolTx[] {
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const nodes: PoolTx[] = [];
  for (let i = 0; i < n; i++) {
    const size = 150 + Math.floor(next() * 300);
    const fee = BigInt(Math.floor(size * (1 + next() * 99)));
    const node: PoolTx = { tx: DUMMY_TX, txHash: ZERO_HASH, txid: `tx${i}` as DisplayHex, fee, size, time: 0, sequence: i, parents: new Set(), children: new Set(), descendantFee: fee, descendantSize: size };
    const last = nodes[i - 1];
    if (last !== undefined && next() < 0.3 && last.parents.size < 4) node.parents.add(last);
    for (const p of node.parents) p.children.add(node);
    nodes.push(node);
  }
  return nodes;
}

/** bestMs runs fn `runs` times after one warm-up and keeps the fastest, in ms. */
function bestMs(runs: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function templateRows(): string[][] {
  const rows: string[][] = [['pool txs', 'plain loop (baseline)', 'indexed selectPackages', 'speed-up']];
  for (const n of [2_000, 4_000, 8_000]) {
    const pool = syntheticPool(n);
    const maxBytes = 1_000_000;
    const same = selectPackages(pool, maxBytes).map((t) => t.txid).join() === referenceSelectPackages(pool, maxBytes).map((t) => t.txid).join();
    if (!same) throw new Error('bench: the indexed selection differs from the plain loop');
    const plain = bestMs(3, () => referenceSelectPackages(pool, maxBytes));
    const indexed = bestMs(3, () => selectPackages(pool, maxBytes));
    rows.push([String(n), `${plain.toFixed(1)} ms`, `${indexed.toFixed(1)} ms`, ratio(plain, indexed)]);
  }
  return rows;
}

/** evictionRows: 200 admissions into a full pool of n, each evicting the lowest family, by rescan and by the index. */
function evictionRows(): string[][] {
  const rows: string[][] = [['pool txs', 'rescan per admission (baseline)', 'DescendantIndex per admission', 'speed-up']];
  const admissions = 200;
  for (const n of [2_000, 8_000]) {
    const pool = syntheticPool(n);
    const total = pool.reduce((s, t) => s + t.size, 0);
    const rescan = bestMs(1, () => {
      for (let i = 0; i < admissions; i++) referencePlanEviction(pool, total + 300, total);
    }) / admissions;
    const indexed = indexedEvictionUs(n, admissions);
    rows.push([String(n), `${(rescan * 1000).toFixed(0)} µs`, `${(indexed * 1000).toFixed(1)} µs`, ratio(rescan, indexed)]);
  }
  return rows;
}

/** indexedEvictionUs times `admissions` evictions from an indexed pool of n (building the index not counted), in ms each. */
function indexedEvictionUs(n: number, admissions: number): number {
  const pool = syntheticPool(n);
  const index = new DescendantIndex();
  for (const t of pool) index.attach(t);
  const start = performance.now();
  for (let i = 0; i < admissions; i++) {
    const family = descendantsOf(index.lowest()!);
    for (let j = family.length - 1; j >= 0; j--) {
      const v = family[j]!;
      const after = index.detach(v);
      for (const p of v.parents) p.children.delete(v);
      after();
    }
  }
  return (performance.now() - start) / admissions;
}

export const mempoolBench: BenchSection = {
  name: 'mempool',
  async run() {
    const threads = availableParallelism();
    const s = setup();
    const spent = [{ value: s.spentValue, pubkey: KEYS[0]!.pubkey }];
    const workers = new WorkerSignatureVerifier({ threads });
    try {
      // Warm-up: JIT on this thread, @noble loaded in every worker.
      for (const tx of s.txs.slice(0, 50)) checkTxSignatures(tx, spent);
      await workers.verify(s.txs.slice(0, 4 * threads).map((tx) => ({ tx, spent })));

      const bare = await perSecond(BATCH, () => {
        for (const tx of s.txs) if (!checkTxSignatures(tx, spent).ok) throw new Error('bench: bad signature');
      });
      const chain = await chainOf(s);
      const serial = await acceptAll(chain, s.txs, new InProcessSignatureVerifier(), false);
      const parallel = await acceptAll(chain, s.txs, workers, true);

      // A block of BLOCK_TXS of the batch, on three fresh chains at the same tip.
      const block = mineBlock(params, s.blocks[3]!, { txs: s.txs.slice(0, BLOCK_TXS), fees: FEE * BigInt(BLOCK_TXS) }).block;
      const warm = await chainOf(s);
      const pool = new Mempool({ chain: viewOf(warm), params: warm.params, signatureVerifier: workers, verifiedTxs: warm.verifiedTxs });
      await Promise.all(s.txs.slice(0, BLOCK_TXS).map((tx) => pool.accept(tx)));
      const cached = await connectMs(warm, block);
      pool.close();
      const coldInProcess = await connectMs(await chainOf(s), block);
      const coldWorkers = await connectMs(await chainOf(s, workers), block);

      console.log(table([
        ['measurement', 'rate', 'vs (a)'],
        ['(a) BIP340 verify, checkTxSignatures, 1 thread (baseline)', fmt(bare), '1.00x'],
        ['(b) mempool accept, one at a time, in-process verifier', fmt(serial), ratio(serial, bare)],
        [`(c) mempool accept, ${BATCH} at once, ${threads} worker threads`, fmt(parallel), ratio(parallel, bare)],
      ]));
      console.log('');
      console.log(table([
        [`connect a block of ${BLOCK_TXS} txs (Chain.processBlock)`, 'time', 'vs verified in mempool'],
        ['(d) signatures verified in the mempool (cache hit)', `${cached.toFixed(0)} ms`, '1.00x'],
        ['(d) not verified before, in-process verifier', `${coldInProcess.toFixed(0)} ms`, ratio(coldInProcess, cached)],
        [`(d) not verified before, ${threads} worker threads`, `${coldWorkers.toFixed(0)} ms`, ratio(coldWorkers, cached)],
      ]));

    } finally {
      await workers.destroy();
    }
  },
};

/** The pool's own costs: template selection and eviction, each against the loop it replaced. */
export const mempoolCostsBench: BenchSection = {
  name: 'mempool-costs',
  async run() {
    console.log('(e) block template selection, 1 MB block, synthetic pool (same pool for both, same result checked)\n');
    console.log(table(templateRows()));
    console.log('\n(f) eviction on admission into a full pool (the lowest family found and taken out)\n');
    console.log(table(evictionRows()));
  },
};
