/**
 * The Piscina worker that checks transaction signatures off the main thread. Each task
 * is a contiguous slice of a block's (or a burst's) signature checks; the worker runs
 * the consensus rule checkTxSignatures on each in order, with the BIP340 backend the
 * verifier chose (workerData: libsecp256k1 or noble), and stops at the first failure.
 * Tasks arrive by structured clone (bigint values and Uint8Array keys survive it).
 */
import { workerData } from 'node:worker_threads';
import type { Verdict } from '../src/consensus/reasons.js';
import type { SpentOutput } from '../src/consensus/sighash.js';
import { checkTxSignatures } from '../src/consensus/tx-check.js';
import type { Tx } from '../src/consensus/tx.js';
import { SCHNORR_BACKENDS, schnorrVerify, type SchnorrBackend } from './schnorr-backends.js';

/** What the verifier passes as Piscina's workerData: the BIP340 implementation to run. */
export interface SignatureWorkerData {
  backend: SchnorrBackend;
}

const requested = (workerData as Partial<SignatureWorkerData> | undefined)?.backend ?? 'noble';
if (!SCHNORR_BACKENDS.includes(requested)) throw new Error(`signature worker: unknown backend ${String(requested)}`);
const verify = schnorrVerify(requested);

export interface SignatureTask {
  /** position of checks[0] in the caller's list, so a failure can be named */
  offset: number;
  checks: { tx: Tx; spent: SpentOutput[] }[];
}

/** ok, or the first failing check's position in the caller's list with its verdict. */
export type SignatureTaskResult = { ok: true } | { ok: false; check: number; verdict: Verdict & { ok: false } };

export default function verifySignatures(task: SignatureTask): SignatureTaskResult {
  for (let i = 0; i < task.checks.length; i++) {
    const { tx, spent } = task.checks[i]!;
    const verdict = checkTxSignatures(tx, spent, verify);
    if (!verdict.ok) return { ok: false, check: task.offset + i, verdict };
  }
  return { ok: true };
}
