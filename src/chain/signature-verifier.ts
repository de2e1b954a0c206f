/**
 * Running signature checks, the expensive part of validation (~333 BIP340 verifies per
 * second per thread with @noble, see docs/mining-kernel.md), off the event
 * loop. connectBlock (with deferSignatures) and the mempool hand their checks to a
 * SignatureVerifier:
 *
 * - WorkerSignatureVerifier splits them over a Piscina pool of worker threads
 *   (workers/signature-worker.ts), as Core's CCheckQueue splits script checks;
 * - InProcessSignatureVerifier runs them here, one after another (unit tests, and the
 *   default so a Chain opened without options behaves as before).
 *
 * Both report the same verdict: the failing check with the lowest position wins, so the
 * result does not depend on which thread finished first.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SignatureTask, SignatureTaskResult } from '../../workers/signature-worker.js';
import type { RejectReason } from '../consensus/reasons.js';
import { checkTxSignatures } from '../consensus/tx-check.js';
import type { SpentOutput } from '../consensus/sighash.js';
import type { Tx } from '../consensus/tx.js';

/** One transaction whose every input signature must verify against the outputs it spends. */
export interface TxSignatureCheck {
  tx: Tx;
  /** the outputs its inputs spend, in input order */
  spent: readonly SpentOutput[];
}

/** ok, or the first failing check (its position in the list) with the reason. */
export type SignatureVerdict = { ok: true } | { ok: false; reason: RejectReason; debug?: string; check: number };

export interface SignatureVerifier {
  /** verify resolves ok if every check passes, else names the first that fails. */
  verify(checks: readonly TxSignatureCheck[]): Promise<SignatureVerdict>;
  /** transactions checked so far (for tests and metrics) */
  readonly verifiedTxCount: number;
  /** destroy releases threads; the verifier must not be used afterwards */
  destroy(): Promise<void>;
}

/** InProcessSignatureVerifier runs the checks on the calling thread. */
export class InProcessSignatureVerifier implements SignatureVerifier {
  verifiedTxCount = 0;

  verify(checks: readonly TxSignatureCheck[]): Promise<SignatureVerdict> {
    for (let i = 0; i < checks.length; i++) {
      this.verifiedTxCount++;
      const verdict = checkTxSignatures(checks[i]!.tx, checks[i]!.spent);
      if (!verdict.ok) return Promise.resolve({ ...verdict, check: i });
    }
    return Promise.resolve({ ok: true });
  }

  destroy(): Promise<void> {
    return Promise.resolve();
  }
}

export interface WorkerSignatureVerifierOptions {
  /** worker threads; default os.availableParallelism() */
  threads?: number;
  /** checks per task at most, so a large block is spread over every thread (default 64) */
  maxChecksPerTask?: number;
}

const WORKER_FILE = fileURLToPath(new URL('../../workers/signature-worker.js', import.meta.url));

/** WorkerSignatureVerifier splits the checks into contiguous slices run by a pool of worker threads. */
export class WorkerSignatureVerifier implements SignatureVerifier {
  readonly threads: number;
  verifiedTxCount = 0;
  private readonly maxChecksPerTask: number;
  private readonly piscina: Piscina<SignatureTask, SignatureTaskResult>;

  constructor(options: WorkerSignatureVerifierOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`WorkerSignatureVerifier: threads must be a positive integer, got ${threads}`);
    this.threads = threads;
    this.maxChecksPerTask = options.maxChecksPerTask ?? 64;
    // min = max: the threads start now and stay warm (loading @noble takes a while).
    this.piscina = new Piscina({ filename: WORKER_FILE, minThreads: threads, maxThreads: threads, idleTimeout: 2 ** 31 - 1 });
  }

  async verify(checks: readonly TxSignatureCheck[]): Promise<SignatureVerdict> {
    if (checks.length === 0) return { ok: true };
    // Enough slices for every thread, none larger than maxChecksPerTask.
    const slices = Math.max(Math.min(this.threads, checks.length), Math.ceil(checks.length / this.maxChecksPerTask));
    const per = Math.ceil(checks.length / slices);
    const tasks: Promise<SignatureTaskResult>[] = [];
    for (let offset = 0; offset < checks.length; offset += per) {
      const slice = checks.slice(offset, offset + per).map((c) => ({ tx: c.tx, spent: [...c.spent] }));
      tasks.push(this.piscina.run({ offset, checks: slice }));
    }
    const results = await Promise.all(tasks);
    this.verifiedTxCount += checks.length;
    let first: SignatureVerdict = { ok: true };
    for (const r of results) {
      if (!r.ok && (first.ok || r.check < first.check)) first = { ...r.verdict, check: r.check };
    }
    return first;
  }

  destroy(): Promise<void> {
    return this.piscina.destroy();
  }
}
