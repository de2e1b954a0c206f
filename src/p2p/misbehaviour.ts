/**
 * Misbehaviour: the one table that says what each offence a peer can commit costs.
 * Consensus returns reasons and the codec returns faults; punishing is decided here
 * only (STYLE.md, "Punishing peers is not a consensus concern"), as Core's
 * net_processing decides from a validation result's category.
 *
 * Scores add up per connection; at BAN_SCORE the peer is disconnected and its address
 * banned (peer-manager.ts) for the configured time.
 */
import { REASON_KINDS, type RejectReason } from '../consensus/reasons.js';
import type { FrameFault } from './messages.js';

/** A peer's score reaching this is disconnected and banned. Bitcoin: DISCOURAGEMENT_THRESHOLD = 100. */
export const BAN_SCORE = 100;

export type Offence =
  /** a block that breaks a consensus rule for good (bad PoW, bad coinbase, bad spend…) */
  | 'invalid-block'
  /** a block body that does not match its header (merkle root, CVE-2012-2459 duplicates), known header or not */
  | 'mutated-block'
  /** a transaction that breaks a consensus rule whatever the chain (bad signature, amounts, duplicate inputs…) */
  | 'invalid-tx'
  /** a header that breaks a rule for good (high-hash, bad-diffbits, time-too-old, known invalid) */
  | 'invalid-header'
  /** a headers message whose first header's parent we do not know */
  | 'headers-not-connecting'
  /** a headers message whose headers do not each build on the one before */
  | 'headers-non-continuous'
  /** more headers than an announcement carries, sent without our getheaders */
  | 'unrequested-headers'
  /** a frame above the maximum message size */
  | 'oversize'
  /** messages faster than the per-peer rate limit */
  | 'flood'
  /** a getdata naming an item twice or more blocks than anyone asks at once (amplification) */
  | 'getdata-abuse'
  /** a payload that does not decode, or a text frame, or a truncated envelope */
  | 'malformed'
  /** a frame that does not start with this network's magic (and is not another network's version) */
  | 'bad-magic'
  | 'bad-checksum'
  | 'unknown-command'
  /** a second version or verack, or another message before the handshake is done */
  | 'unexpected-handshake';

/**
 * What each offence costs. Bitcoin Core's scores where Core has one: an invalid block or
 * header 100 (MaybePunishNodeForBlock), an oversized message disconnects, a headers
 * message that is not continuous 100 (older Core: 20). Differs from Bitcoin: Core
 * tolerates headers that do not connect (up to 10 messages, then 20) because it
 * announces blocks by headers. toychain announces by inv only and sends headers only in
 * answer to a getheaders whose locator ends at genesis, so an honest answer always
 * connects: one that does not is an attack on the header tree and costs 100.
 */
export const OFFENCE_SCORES: Readonly<Record<Offence, number>> = {
  'invalid-block': 100,
  // Core: BLOCK_MUTATED is punished. Frames carry a checksum, so the sender built the body.
  'mutated-block': 100,
  'invalid-header': 100,
  // Core: a transaction failing consensus (TX_CONSENSUS) is punished like an invalid block.
  'invalid-tx': 100,
  'headers-not-connecting': 100,
  'headers-non-continuous': 100,
  // Not Core's (Core asks for what an announcement skips): toychain's own peers send more
  // than an announcement's worth of headers only when asked, so a flood of them unasked
  // is an attempt to fill the header tree; scored like the other wasteful requests.
  'unrequested-headers': 20,
  oversize: 100,
  flood: 50,
  'getdata-abuse': 20,
  malformed: 20,
  'bad-magic': 20,
  'bad-checksum': 10,
  'unknown-command': 10,
  'unexpected-handshake': 10,
};

/** frameOffence maps a codec fault to its offence (one name each). */
export function frameOffence(fault: FrameFault): Offence {
  return fault;
}

/**
 * blockOffence says what a rejected block costs its sender, from the reason's kind
 * (consensus/reasons.ts REASON_KINDS): a transient reason (time-too-new, an orphan) is
 * not punished: undefined. A mutated body is 'mutated-block'.
 */
export function blockOffence(reason: RejectReason): Offence | undefined {
  // A body mutated against its header is not recorded invalid (the hash may be good), but its sender built it.
  if (reason === 'bad-txnmrklroot' || reason === 'bad-txns-duplicate') return 'mutated-block';
  return REASON_KINDS[reason] === 'transient' ? undefined : 'invalid-block';
}

/** headerOffence is blockOffence for a header received in a headers message. */
export function headerOffence(reason: RejectReason): Offence | undefined {
  return REASON_KINDS[reason] === 'transient' ? undefined : 'invalid-header';
}

/**
 * txOffence: only a transaction that breaks a rule whatever the chain (a permanent
 * reason) costs its sender; one refused against our view (contextual) is what an honest
 * peer on another tip sends.
 */
export function txOffence(reason: RejectReason): Offence | undefined {
  return REASON_KINDS[reason] === 'permanent' ? 'invalid-tx' : undefined;
}
