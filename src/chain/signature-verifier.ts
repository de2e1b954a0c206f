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
import type { Piscina } from 'piscina';
import type { SignatureWorkerData } from '../../workers/signature-worker.js';
import { BATCH_FAILED, BATCH_HEADER_SIZE, BATCH_STATE, NONE_FAILED, SIGNATURE_RECORD_SIZE, type SignatureBatch } from '../../workers/signature-batch.js';
import { defaultSchnorrBackend, schnorrVerify, type SchnorrBackend } from '../../workers/schnorr-backends.js';
import type { RejectReason } from '../consensus/reasons.js';
import { SIGNATURE_SIZE, type SchnorrVerify } from '../consensus/signature.js';
import { checkTxSignatures } from '../consensus/tx-check.js';
import { sighashCache, signatureHash, type SpentOutput } from '../consensus/sighash.js';
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
  /** signatures a thread takes from the batch at a time (default 16: a few milliseconds of work) */
  maxChecksPerTask?: number;
  /** the BIP340 implementation (default libsecp256k1 where it loads, else noble) */
  backend?: SchnorrBackend;
  /** a thread with no work this long exits; the next check starts it again (default 10 s) */
  idleTimeoutMs?: number;
}

/** Default idle time after which verifier threads exit: long enough to span a block's burst of checks. */
export const DEFAULT_VERIFIER_IDLE_MS = 10_000;

/** Records written between two wake-ups of the threads waiting for them. */
const PUBLISH_EVERY = 16;

const WORKER_FILE = fileURLToPath(new URL('../../workers/signature-worker.js', import.meta.url));

/**
 * WorkerSignatureVerifier checks a batch's signatures on a pool of worker threads. This
 * thread computes each input's signature hash and writes it, with the signature and the
 * key, into one SharedArrayBuffer while the threads already verify the records written
 * so far (workers/signature-worker.ts). Structured-cloning every transaction to a worker
 * cost more than it saved (`npm run bench -- signatures` measured the pool at 0.78x one
 * thread), and one transaction's inputs now spread over every thread too.
 */
export class WorkerSignatureVerifier implements SignatureVerifier {
  readonly threads: number;
  verifiedTxCount = 0;
  /** the backend asked for; undefined: each thread takes the default where it runs */
  private readonly chosen: SchnorrBackend | undefined;
  private readonly claim: number;
  private readonly poolOptions: { filename: string; workerData: SignatureWorkerData; minThreads: number; maxThreads: number; idleTimeout: number };
  /** made on the first check: Piscina itself is loaded then, not at start */
  private pool: Promise<Piscina<SignatureBatch, number>> | undefined;
  private piscina: Piscina<SignatureBatch, number> | undefined;
  private destroyed = false;

  constructor(options: WorkerSignatureVerifierOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`WorkerSignatureVerifier: threads must be a positive integer, got ${threads}`);
    const idleTimeout = options.idleTimeoutMs ?? DEFAULT_VERIFIER_IDLE_MS;
    if (!(Number.isInteger(idleTimeout) && idleTimeout > 0)) throw new RangeError('WorkerSignatureVerifier: idleTimeoutMs must be a positive integer');
    const claim = options.maxChecksPerTask ?? 16;
    if (!(Number.isInteger(claim) && claim > 0)) throw new RangeError('WorkerSignatureVerifier: maxChecksPerTask must be a positive integer');
    this.threads = threads;
    this.claim = claim;
    // The default is not resolved here: that loads libsecp256k1's WebAssembly (a few MB) on
    // this thread, which an idle node does not need. Each worker thread resolves it.
    this.chosen = options.backend;
    const workerData: SignatureWorkerData = this.chosen === undefined ? {} : { backend: this.chosen };
    // minThreads 0: no thread until the first check, and each exits after idleTimeout
    // without work (an idle node holds none; a thread boots in tens of milliseconds).
    this.poolOptions = { filename: WORKER_FILE, workerData, minThreads: 0, maxThreads: threads, idleTimeout };
  }

  private threadPool(): Promise<Piscina<SignatureBatch, number>> {
    this.pool ??= import('piscina').then(({ Piscina }) => (this.piscina = new Piscina(this.poolOptions)));
    return this.pool;
  }

  /** the BIP340 implementation the threads run (reading the default loads it on this thread) */
  get backend(): SchnorrBackend {
    return this.chosen ?? defaultSchnorrBackend();
  }

  /** liveThreads is how many worker threads exist right now (0 before the first check and after idling). */
  get liveThreads(): number {
    return this.piscina?.threads.length ?? 0;
  }

  async verify(checks: readonly TxSignatureCheck[]): Promise<SignatureVerdict> {
    let count = 0;
    for (const c of checks) count += c.tx.inputs.length;
    if (count === 0) return { ok: true };
    if (this.destroyed) throw new Error('WorkerSignatureVerifier: destroyed');
    const piscina = await this.threadPool();
    const buffer = new SharedArrayBuffer(BATCH_HEADER_SIZE + count * SIGNATURE_RECORD_SIZE);
    const control = new Int32Array(buffer, 0, BATCH_HEADER_SIZE / 4);
    control[BATCH_FAILED] = NONE_FAILED;
    // The threads start before the records are written: they verify while this thread hashes.
    const threads = Math.min(this.threads, Math.ceil(count / this.claim));
    const tasks = Array.from({ length: threads }, () => piscina.run({ buffer, claim: this.claim, threads }));
    let written: WrittenBatch;
    try {
      written = writeRecords(checks, new Uint8Array(buffer, BATCH_HEADER_SIZE), control);
    } catch (error) {
      await Promise.allSettled(tasks); // writeRecords marked the batch done: the threads stop

      throw error;
    }
    await Promise.all(tasks);
    this.verifiedTxCount += checks.length;
    const failed = Atomics.load(control, BATCH_FAILED);
    const first = Math.min(failed === NONE_FAILED ? checks.length : written.owner[failed]!, written.badSize ?? checks.length);
    if (first === checks.length) return { ok: true };
    // Name the failure exactly as the in-process verifier does: run the rule on that transaction.
    const verdict = checkTxSignatures(checks[first]!.tx, checks[first]!.spent, schnorrVerify(this.backend));
    if (verdict.ok) throw new Error(`signature verifier: worker and in-process verdicts differ for check ${first}`);
    return { ...verdict, check: first };
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const pool = this.pool;
    if (pool !== undefined) await (await pool).destroy();
  }
}

interface WrittenBatch {
  /** owner[r] is the position in checks of the transaction record r belongs to */
  owner: Int32Array;
  /** the first check with a witness that is not one signature (bad-txns-sig-size), if any */
  badSize?: number;
}

/**
 * writeRecords writes one record per input (signature | signature hash | key) and
 * publishes them to the threads as it goes. It stops at the first witness that is not
 * 64 bytes: that check fails whatever comes after it.
 */
function writeRecords(checks: readonly TxSignatureCheck[], records: Uint8Array, control: Int32Array): WrittenBatch {
  const owner = new Int32Array(records.length / SIGNATURE_RECORD_SIZE);
  let r = 0;
  let badSize: number | undefined;
  try {
    for (let c = 0; c < checks.length && badSize === undefined; c++) {
      const { tx, spent } = checks[c]!;
      const cache = sighashCache(tx, spent);
      for (let i = 0; i < tx.inputs.length; i++) {
        const witness = tx.inputs[i]!.witness;
        if (witness.length !== SIGNATURE_SIZE) {
          badSize = c;
          break;
        }
        const at = r * SIGNATURE_RECORD_SIZE;
        records.set(witness, at);
        records.set(signatureHash(tx, i, spent, cache), at + 64);
        records.set(spent[i]!.pubkey, at + 96);
        owner[r++] = c;
        if (r % PUBLISH_EVERY === 0) {
          Atomics.store(control, BATCH_STATE, r * 2);
          Atomics.notify(control, BATCH_STATE);
        }
      }
    }
  } finally {
    // Done (also when a caller bug throws): the threads check what is written and stop.
    Atomics.store(control, BATCH_STATE, r * 2 + 1);
    Atomics.notify(control, BATCH_STATE);
  }
  return badSize === undefined ? { owner } : { owner, badSize };
}
