/**
 * Running signature checks, the expensive part of validation, off the event loop.
 * connectBlock (with deferSignatures) and the mempool hand their checks to a
 * SignatureVerifier:
 *
 * - WorkerSignatureVerifier splits them over a Piscina pool of worker threads
 *   (workers/signature-worker.ts), as Core's CCheckQueue splits script checks;
 * - InProcessSignatureVerifier runs them here, one after another (unit tests, and the
 *   default so a Chain opened without options behaves as before).
 *
 * Both run libsecp256k1 (tiny-secp256k1's WebAssembly build) by default: about 5x
 * @noble/curves per thread (`npm run bench -- signatures`); @noble/curves, the reference
 * of the consensus code, is the fallback where libsecp256k1 does not load, and can be
 * chosen (`backend: 'noble'`). The worker pool starts its threads on first use and lets
 * them go after `idleTimeoutMs` without work, so an idle node holds no verifier threads.
 *
 * Both report the same verdict: the failing check with the lowest position wins, so the
 * result does not depend on which thread finished first.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SignatureTask, SignatureTaskResult, SignatureWorkerData } from '../../workers/signature-worker.js';
import { defaultSchnorrBackend, schnorrVerify, type SchnorrBackend } from '../../workers/schnorr-backends.js';
import type { RejectReason } from '../consensus/reasons.js';
import type { SchnorrVerify } from '../consensus/signature.js';
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
  readonly backend: SchnorrBackend;
  private readonly schnorr: SchnorrVerify;

  /** backend: the BIP340 implementation (default libsecp256k1 where it loads, else noble) */
  constructor(options: { backend?: SchnorrBackend } = {}) {
    this.backend = options.backend ?? defaultSchnorrBackend();
    this.schnorr = schnorrVerify(this.backend);
  }

  verify(checks: readonly TxSignatureCheck[]): Promise<SignatureVerdict> {
    for (let i = 0; i < checks.length; i++) {
      this.verifiedTxCount++;
      const verdict = checkTxSignatures(checks[i]!.tx, checks[i]!.spent, this.schnorr);
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
  /** the BIP340 implementation (default libsecp256k1 where it loads, else noble) */
  backend?: SchnorrBackend;
  /** a thread with no work this long exits; the next check starts it again (default 10 s) */
  idleTimeoutMs?: number;
}

/** Default idle time after which verifier threads exit: long enough to span a block's burst of checks. */
export const DEFAULT_VERIFIER_IDLE_MS = 10_000;

const WORKER_FILE = fileURLToPath(new URL('../../workers/signature-worker.js', import.meta.url));

/** WorkerSignatureVerifier splits the checks into contiguous slices run by a pool of worker threads. */
export class WorkerSignatureVerifier implements SignatureVerifier {
  readonly threads: number;
  readonly backend: SchnorrBackend;
  verifiedTxCount = 0;
  private readonly maxChecksPerTask: number;
  private readonly piscina: Piscina<SignatureTask, SignatureTaskResult>;

  constructor(options: WorkerSignatureVerifierOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`WorkerSignatureVerifier: threads must be a positive integer, got ${threads}`);
    const idleTimeout = options.idleTimeoutMs ?? DEFAULT_VERIFIER_IDLE_MS;
    if (!(Number.isInteger(idleTimeout) && idleTimeout > 0)) throw new RangeError('WorkerSignatureVerifier: idleTimeoutMs must be a positive integer');
    this.threads = threads;
    this.maxChecksPerTask = options.maxChecksPerTask ?? 64;
    this.backend = options.backend ?? defaultSchnorrBackend();
    const workerData: SignatureWorkerData = { backend: this.backend };
    // minThreads 0: no thread until the first check, and each exits after idleTimeout
    // without work (an idle node holds none; a thread boots in tens of milliseconds).
    this.piscina = new Piscina({ filename: WORKER_FILE, workerData, minThreads: 0, maxThreads: threads, idleTimeout });
  }

  /** liveThreads is how many worker threads exist right now (0 before the first check and after idling). */
  get liveThreads(): number {
    return this.piscina.threads.length;
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
