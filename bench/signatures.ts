/**
 * Signatures bench: BIP340 verifies per second on one thread with the node's default
 * verifier (libsecp256k1 through tiny-secp256k1's WebAssembly build) against
 * @noble/curves (the consensus reference) in the same run; then a block's worth of
 * signature checks the mempool never saw, on one thread against the worker pool.
 *
 *   (a) checkTxSignatures with @noble/curves, one thread (baseline)
 *   (b) checkTxSignatures with libsecp256k1, one thread
 *   (c) BLOCK_TXS checks through SignatureVerifier.verify: in process (one thread),
 *       and WorkerSignatureVerifier over every core (threads started and warm)
 *
 * Each figure is the median of RUNS runs after a warm-up.
 */
import { availableParallelism } from 'node:os';
import { InProcessSignatureVerifier, WorkerSignatureVerifier, type SignatureVerifier, type TxSignatureCheck } from '../src/chain/signature-verifier.js';
import { checkTxSignatures } from '../src/consensus/tx-check.js';
import { schnorrVerify } from '../workers/schnorr-backends.js';
import { KEYS } from '../test/helpers/blocks.js';
import { setup } from './mempool.js';
import type { BenchSection, BenchSummary } from './run.js';

const RUNS = 3;
const BLOCK_TXS = 1_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function perSecond(count: number, fn: () => void): number {
  const start = performance.now();
  fn();
  return (count * 1000) / (performance.now() - start);
}

async function verifierRate(verifier: SignatureVerifier, checks: TxSignatureCheck[]): Promise<number> {
  const rates: number[] = [];
  await verifier.verify(checks.slice(0, 64)); // warm-up: threads started, code compiled
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const verdict = await verifier.verify(checks);
    rates.push((checks.length * 1000) / (performance.now() - start));
    if (!verdict.ok) throw new Error(`bench: ${verdict.reason}`);
  }
  return median(rates);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
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
    const one = await verifierRate(new InProcessSignatureVerifier(), checks);
    const workers = new WorkerSignatureVerifier({ threads });
    let pool: number;
    try {
      pool = await verifierRate(workers, checks);
    } finally {
      await workers.destroy();
    }
    console.log(table([
      ['BIP340 verify (one-input transactions)', 'rate', 'vs (a)', 'target'],
      ['(a) @noble/curves, checkTxSignatures, 1 thread (reference)', fmt(noble), '1.00x', ''],
      ['(b) libsecp256k1 (tiny-secp256k1 WASM), 1 thread (the default)', fmt(libsecp), ratio(libsecp, noble), '>= 4x'],
      [`(c) a block of ${BLOCK_TXS} unseen txs, default verifier, in process`, fmt(one), ratio(one, noble), ''],
      [`(c) the same block over the worker pool, ${threads} threads`, fmt(pool), ratio(pool, noble), ''],
      ['(c) pool / one thread', ratio(pool, one), '', '>= 1.8x'],
    ]));
    return { verifyPerSec: libsecp, nobleVerifyPerSec: noble };
  },
};
