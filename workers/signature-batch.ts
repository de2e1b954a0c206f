/**
 * The layout of a signature batch: the SharedArrayBuffer a WorkerSignatureVerifier
 * writes and its worker threads (signature-worker.ts) read. Its own module so the
 * verifier can import the layout without running the worker's start-up code.
 */

/** Bytes per signature record: signature 64 | signature hash 32 | x-only key 32. */
export const SIGNATURE_RECORD_SIZE = 128;

/**
 * The Int32 control words at the start of a batch's buffer, then the records from
 * BATCH_HEADER_SIZE on.
 *   NEXT   the next record no thread has claimed (Atomics.add)
 *   STATE  records written so far × 2, plus 1 once the writer is done (so the last store
 *          always changes the word and wakes a waiting thread)
 *   FAILED the lowest record that failed to verify, or NONE_FAILED
 */
export const BATCH_NEXT = 0;
export const BATCH_STATE = 1;
export const BATCH_FAILED = 2;
export const BATCH_HEADER_SIZE = 16;
export const NONE_FAILED = 0x7fffffff;

/** One task: the shared batch, and how many records a thread claims at a time. */
export interface SignatureBatch {
  buffer: SharedArrayBuffer;
  /** records a thread claims at a time while the writer is still writing; fewer towards the end */
  claim: number;
  /** the threads working on this batch (the claims shrink to a share of what is left among them) */
  threads: number;
}
