/**
 * Signatures bench: BIP340 verifies per second on one thread with the node's default
 * verifier (libsecp256k1 through tiny-secp256k1's WebAssembly build) against
 * @noble/curves (the consensus reference) in the same run; then a block's worth of
 * signature checks the mempool never saw, on one thread against the worker pool.
 *
 *   (a) checkTxSignatures with @noble/curves, one thread (baseline)
 *   (b) checkTxSignatures with libsecp256k1, one thread
 *   (c) BLOCK_TXS checks through SignatureVerifier.verify: in process (one thread),
 *       and WorkerSignatureVerifier over every core (threads started and warm), the two
 *       measured in alternation so a change in the machine's load hits both
 *   (m) the machine's own scaling of this work: the same verifies in plain threads, no
 *       pool, in one thread and in every thread at once (the ceiling the pool can reach)
 *
 * Each figure is the median of its runs after a warm-up; a ratio of two figures measured
 * in alternation is the median of the rounds' own ratios (stats.ts pairedRatio).
 */
import { availableParallelism } from 'node:os';
import { InProcessSignatureVerifier, WorkerSignatureVerifier, type SignatureVerifier, type TxSignatureCheck } from '../src/chain/signature-verifier.js';
import { sighashCache, signatureHash } from '../src/consensus/sighash.js';
import { checkTxSignatures } from '../src/consensus/tx-check.js';
import type { Tx } from '../src/consensus/tx.js';
import { schnorrVerify } from '../workers/schnorr-backends.js';
import { KEYS } from '../test/helpers/blocks.js';
import { setup } from './mempool.js';
import type { BenchSection, BenchSummary } from './run.js';
import type { SignatureScalingData } from './signature-scaling-worker.js';
import { median, pairedRatio } from './stats.js';
import { sumOfThreads } from './threads-at-once.js';
import { table } from './table.js';

const RUNS = 3;
/** alternating one-thread / pool rounds (about 0.4 s each) */
const BLOCK_RUNS = 31;
/** alternating 1-thread / all-threads rounds of the machine's own scaling */
const SCALING_RUNS = 9;
const BLOCK_TXS = 1_000;
const SCALING_MS = 1_000;

function perSecond(count: number, fn: () => void): number {
  const start = performance.now();
  fn();
  return (count * 1000) / (performance.now() - start);
}

async function timeOnce(verifier: SignatureVerifier, checks: TxSignatureCheck[]): Promise<number> {
  const start = performance.now();
  const verdict = await verifier.verify(checks);
  const ms = performance.now() - start;
  if (!verdict.ok) throw new Error(`bench: ${verdict.reason}`);
  return (checks.length * 1000) / ms;
}

/** blockRates: one thread and the pool over the same block, alternating, BLOCK_RUNS rounds each. */
async function blockRates(one: SignatureVerifier, pool: SignatureVerifier, checks: TxSignatureCheck[]): Promise<{ one: number; pool: number; ratios: number[]; paired: number }> {
  // Warm-up: threads started, and the WebAssembly tiered up in each of them.
  for (let i = 0; i < 2; i++) {
    await one.verify(checks);
    await pool.verify(checks);
  }
  const rounds: { x: number; base: number }[] = [];
  for (let run = 0; run < BLOCK_RUNS; run++) {
    const base = await timeOnce(one, checks);
    rounds.push({ base, x: await timeOnce(pool, checks) });
  }
  return { one: median(rounds.map((r) => r.base)), pool: median(rounds.map((r) => r.x)), ratios: rounds.map((r) => r.x / r.base), paired: pairedRatio(rounds) };
}

/** records packs each one-input transaction's (signature | digest | key) as the verifier's batch does. */
function records(txs: readonly Tx[], spent: TxSignatureCheck['spent']): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(txs.length * 128));
  txs.forEach((tx, i) => {
    out.set(tx.inputs[0]!.witness, i * 128);
    out.set(signatureHash(tx, 0, spent, sighashCache(tx, spent)), i * 128 + 64);
    out.set(spent[0]!.pubkey, i * 128 + 96);
  });
  return out;
}

/** machineRate: verifies/s summed over `threads` plain threads running at once. */
async function machineRate(threads: number, records: Uint8Array): Promise<number> {
  return sumOfThreads<SignatureScalingData>(new URL('./signature-scaling-worker.js', import.meta.url), threads, { ms: SCALING_MS, records });
}

const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}x`;
const fmt = (r: number): string => `${r.toFixed(0)} tx/s`;

export const signaturesBench: BenchSection = {
  name: 'signatures',
  async run(): Promise<Partial<BenchSummary>> {
    const threads = availableParallelism();
    const s = setup();
    const spent = [{ value: s.spentValue, pubkey: KEYS[0]!.pubkey }];
    const rateOf = (backend: 'noble' | 'libsecp256k1', txs: typeof s.txs): number => {
      const verify = schnorrVerify(backend);
      for (const tx of txs.slice(0, 50)) checkTxSignatures(tx, spent, verify);
      return median(Array.from({ length: RUNS }, () => perSecond(txs.length, () => {
        for (const tx of txs) if (!checkTxSignatures(tx, spent, verify).ok) throw new Error(`bench: bad signature (${backend})`);
      })));
    };
    // noble is ~10x slower: a quarter of the batch keeps its run short and still thousands of verifies.
    const noble = rateOf('noble', s.txs.slice(0, 500));
    const libsecp = rateOf('libsecp256k1', s.txs);
    const checks = s.txs.slice(0, BLOCK_TXS).map((tx) => ({ tx, spent }));
    const workers = new WorkerSignatureVerifier({ threads });
    let block: Awaited<ReturnType<typeof blockRates>>;
    try {
      block = await blockRates(new InProcessSignatureVerifier(), workers, checks);
    } finally {
      await workers.destroy();
    }
    const { one, pool } = block;
    const recs = records(s.txs.slice(0, BLOCK_TXS), spent);
    const machine: { x: number; base: number }[] = [];
    for (let run = 0; run < SCALING_RUNS; run++) machine.push({ base: await machineRate(1, recs), x: await machineRate(threads, recs) });
    const machine1 = median(machine.map((r) => r.base));
    const machineAll = median(machine.map((r) => r.x));
    const machineScaling = pairedRatio(machine);
    console.log(table([
      ['BIP340 verify (one-input transactions)', 'rate', 'vs (a)', 'target'],
      ['(a) @noble/curves, checkTxSignatures, 1 thread (reference)', fmt(noble), '1.00x', ''],
      ['(b) libsecp256k1 (tiny-secp256k1 WASM), 1 thread (the default)', fmt(libsecp), ratio(libsecp, noble), '>= 4x'],
      [`(c) a block of ${BLOCK_TXS} unseen txs, default verifier, in process`, fmt(one), ratio(one, noble), ''],
      [`(c) the same block over the worker pool, ${threads} threads`, fmt(pool), ratio(pool, noble), ''],
      ['(c) pool / one thread: median of the rounds\' ratios (the verdict)', `${block.paired.toFixed(3)}x`, '', '>= 1.8x'],
      [`(c) pool / one thread: each of ${BLOCK_RUNS} alternating rounds`, block.ratios.map((r) => r.toFixed(2)).join(' '), '', ''],
      ['(c) pool / one thread: ratio of the two medians', ratio(pool, one), '', ''],
      ['(m) libsecp256k1 verifies, plain threads: 1 thread', fmt(machine1), '', ''],
      [`(m) the same in ${threads} threads at once (sum)`, fmt(machineAll), '', ''],
      [`(m) machine: ${threads} threads / 1 thread (median of ${SCALING_RUNS} rounds' ratios)`, `${machineScaling.toFixed(2)}x`, '', ''],
      ['(c) / (m): pool scaling / machine scaling', `${(block.paired / machineScaling).toFixed(2)}x`, '', ''],
    ]));
    return { verifyPerSec: libsecp, nobleVerifyPerSec: noble, blockVerifyOneThread: one, blockVerifyPool: pool, blockVerifyPoolRatio: block.paired };
  },
};
