/**
 * Transaction rules, in Core's three stages: the context-free sanity checks
 * (CheckTransaction), the checks against the coins being spent (Consensus::CheckTxInputs),
 * and last the signatures, because they are the expensive part.
 */
import type { Coin, UtxoView } from './coin.js';
import { MAX_MONEY, moneyRange } from './subsidy.js';
import { reject, type Verdict } from './reasons.js';
import { sighashCache, type SpentOutput } from './sighash.js';
import { checkInputSignature, verifySignature, type SchnorrVerify } from './signature.js';
import { encodeTx, isCoinbase, isNullOutpoint, outpointKey, type Tx } from './tx.js';

/** Smallest and largest coinbase witness (Core: coinbase scriptSig size), in bytes. */
export const MIN_COINBASE_DATA_SIZE = 2;
export const MAX_COINBASE_DATA_SIZE = 100;

/**
 * checkTransaction ensures a transaction is sane on its own: it has inputs and outputs,
 * fits in a block, every output value and their sum is within the money range, no
 * outpoint is spent twice, a coinbase's data is 2–100 bytes, and no other input spends
 * the null outpoint. These checks are context free.
 * @see Core CheckTransaction (src/consensus/tx_check.cpp), btcd CheckTransactionSanity.
 * Rejects: bad-txns-vin-empty, bad-txns-vout-empty, bad-txns-oversize,
 * bad-txns-vout-negative, bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge,
 * bad-txns-inputs-duplicate, bad-cb-length, bad-txns-prevout-null. Context-free.
 * Bitcoin: like Core for Taproot outputs, output keys are not checked to be on the curve.
 * Differs from Bitcoin: the size limit is on the serialized size, not weight.
 */
export function checkTransaction(tx: Tx, params: { maxBlockSize: number }): Verdict {
  // A transaction must have at least one input.
  if (tx.inputs.length === 0) return reject('bad-txns-vin-empty');
  // A transaction must have at least one output.
  if (tx.outputs.length === 0) return reject('bad-txns-vout-empty');
  // A transaction must fit in a block.
  const size = encodeTx(tx).length;
  if (size > params.maxBlockSize) {
    return reject('bad-txns-oversize', `size ${size} above the block limit ${params.maxBlockSize}`);
  }
  // Every output value, and their running sum, must be within [0, MAX_MONEY]. Checking the
  // sum stops the value-overflow bug of CVE-2010-5139 (two outputs summing past 2^63).
  let valueOut = 0n;
  for (const [i, output] of tx.outputs.entries()) {
    if (output.value < 0n) return reject('bad-txns-vout-negative', `output ${i} value ${output.value}`);
    if (output.value > MAX_MONEY) return reject('bad-txns-vout-toolarge', `output ${i} value ${output.value}`);
    valueOut += output.value;
    if (!moneyRange(valueOut)) return reject('bad-txns-txouttotal-toolarge', `outputs sum to ${valueOut}`);
  }
  // A transaction must not spend the same outpoint twice (see CVE-2018-17144: a block
  // with such a transaction could inflate the money supply, or crash the node).
  const seen = new Set<string>();
  for (const [i, input] of tx.inputs.entries()) {
    const key = outpointKey(input.prevout);
    if (seen.has(key)) return reject('bad-txns-inputs-duplicate', `input ${i} spends ${key} again`);
    seen.add(key);
  }
  if (isCoinbase(tx)) {
    // A coinbase's data (Core: scriptSig) must be 2 to 100 bytes.
    const length = tx.inputs[0]!.witness.length;
    if (length < MIN_COINBASE_DATA_SIZE || length > MAX_COINBASE_DATA_SIZE) {
      return reject('bad-cb-length', `coinbase data is ${length} bytes`);
    }
  } else {
    // Only a coinbase may spend the null outpoint.
    for (const [i, input] of tx.inputs.entries()) {
      if (isNullOutpoint(input.prevout)) return reject('bad-txns-prevout-null', `input ${i}`);
    }
  }
  return { ok: true };
}

/**
 * checkTxInputs ensures every input spends an existing unspent coin, coinbase coins have
 * matured, the input values and their sum are within the money range, and the inputs
 * cover the outputs. On success it returns the fee and the spent coins in input order
 * (for checkTxSignatures and the block's undo data).
 * @see Core Consensus::CheckTxInputs (src/consensus/tx_verify.cpp), btcd CheckTransactionInputs.
 * Rejects: bad-txns-inputs-missingorspent, bad-txns-premature-spend-of-coinbase,
 * bad-txns-inputvalues-outofrange, bad-txns-in-belowout, bad-txns-fee-outofrange.
 * Needs the UTXO view and the height of the block that spends (`spendHeight`).
 * The transaction MUST NOT be a coinbase and MUST have already passed checkTransaction.
 */
export function checkTxInputs(
  tx: Tx,
  view: UtxoView,
  spendHeight: number,
  params: { coinbaseMaturity: number },
): Verdict<{ fee: bigint; spent: Coin[] }> {
  // Every input must spend a coin that exists and is unspent.
  const spent: Coin[] = [];
  for (const [i, input] of tx.inputs.entries()) {
    const coin = view.getCoin(input.prevout);
    if (coin === undefined) {
      return reject('bad-txns-inputs-missingorspent', `input ${i} spends ${outpointKey(input.prevout)}`);
    }
    spent.push(coin);
  }
  let valueIn = 0n;
  for (const [i, coin] of spent.entries()) {
    // A coinbase output may only be spent coinbaseMaturity blocks after it was mined.
    if (coin.coinbase && spendHeight - coin.height < params.coinbaseMaturity) {
      return reject(
        'bad-txns-premature-spend-of-coinbase',
        `input ${i}: tried to spend coinbase at depth ${spendHeight - coin.height}, needs ${params.coinbaseMaturity}`,
      );
    }
    // Each input value, and their running sum, must be within the money range.
    valueIn += coin.value;
    if (!moneyRange(coin.value) || !moneyRange(valueIn)) {
      return reject('bad-txns-inputvalues-outofrange', `input ${i} value ${coin.value}, sum ${valueIn}`);
    }
  }
  // The inputs must pay for the outputs.
  const valueOut = tx.outputs.reduce((sum, output) => sum + output.value, 0n);
  if (valueIn < valueOut) {
    return reject('bad-txns-in-belowout', `value in (${valueIn}) < value out (${valueOut})`);
  }
  // The fee must be within the money range (Core keeps this as a belt-and-braces check).
  const fee = valueIn - valueOut;
  if (!moneyRange(fee)) return reject('bad-txns-fee-outofrange', `fee ${fee}`);
  return { ok: true, fee, spent };
}

/**
 * checkTxSignatures ensures every input carries a valid BIP340 signature by the key of
 * the coin it spends; the first failure wins and `debug` names its input index. It runs
 * after every cheaper check because signatures are the expensive part. The four shared
 * hashes are computed once for the whole transaction (see sighash.ts).
 * @see Core CheckInputScripts, BIP340, BIP341. Rejects: bad-txns-sig-size, bad-txns-sig.
 * Needs the spent coins (from checkTxInputs; only their values and keys are read). The transaction MUST NOT be a coinbase and
 * MUST have already passed checkTransaction and checkTxInputs; `spent` MUST be the coins
 * its inputs spend, in input order (a length mismatch throws RangeError). `verify` is the
 * BIP340 check (default: verifySignature, @noble/curves; any other MUST agree with it).
 */
export function checkTxSignatures(tx: Tx, spent: readonly SpentOutput[], verify: SchnorrVerify = verifySignature): Verdict {
  const cache = sighashCache(tx, spent);
  for (let i = 0; i < tx.inputs.length; i++) {
    const verdict = checkInputSignature(tx, i, spent, cache, verify);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
