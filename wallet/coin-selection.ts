/**
 * Coin selection: which spendable coins pay `amount` plus the fee at a fee rate, and
 * whether a change output is worth making.
 *
 * The size of a transaction is known before it is signed, because every field has a
 * fixed size (src/consensus/tx.ts): an input is prevout 32 + 4 bytes and a witness of
 * one length byte + a 64-byte BIP340 signature; an output is value 8 + key 32 bytes.
 *
 * Differs from Bitcoin Core: Core tries Branch-and-Bound, then knapsack and
 * single-random-draw; we first look for one coin that pays without change, then take
 * coins largest first. Fewer inputs means a smaller fee, and the rule is easy to follow.
 */
import { formatCoins } from '../src/consensus/amount.js';

/** Bytes of one input: prevout txid 32 + index 4 + witness length 1 + signature 64. */
export const INPUT_SIZE = 32 + 4 + 1 + 64;
/** Bytes of one output: value 8 + x-only key 32. */
export const OUTPUT_SIZE = 8 + 32;
/** Change below this many base units is not worth an output (Bitcoin's classic dust limit); it goes to the fee. */
export const DUST_LIMIT = 546n;
/** Fee rate the wallet uses unless told otherwise, in base units per byte. */
export const DEFAULT_FEE_RATE = 2n;

/** InsufficientFundsError: the spendable coins do not cover the amount and the fee. */
export class InsufficientFundsError extends Error {
  constructor(
    readonly needed: bigint,
    readonly available: bigint,
    readonly amount: bigint,
  ) {
    super(
      `insufficient funds: sending ${formatCoins(amount)} coins needs ${formatCoins(needed)} with the fee, ` +
        `but only ${formatCoins(available)} coins are spendable`,
    );
    this.name = 'InsufficientFundsError';
  }
}

export interface Selection<T> {
  inputs: T[];
  /** base units paid to miners: the outputs' shortfall from the inputs */
  fee: bigint;
  /** base units for the change output; 0n when there is none */
  change: bigint;
}

/** compactSizeLength is the length of Bitcoin's CompactSize encoding of n. */
function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** estimateTxSize is the exact encoded size of a signed transaction with these counts. */
export function estimateTxSize(inputs: number, outputs: number): number {
  return 4 + compactSizeLength(inputs) + inputs * INPUT_SIZE + compactSizeLength(outputs) + outputs * OUTPUT_SIZE + 4;
}

/**
 * selectCoins chooses coins to pay `amount` (base units, > 0) at `feeRate` base units per
 * byte. With change, the fee is for two outputs and the change is at least DUST_LIMIT;
 * otherwise one output, and what is left over goes to the fee. Throws
 * InsufficientFundsError (needed vs available) when all the coins are not enough.
 */
export function selectCoins<T extends { value: bigint }>(
  coins: readonly T[],
  amount: bigint,
  feeRate: bigint,
  dustLimit = DUST_LIMIT,
): Selection<T> {
  if (amount <= 0n) throw new RangeError(`amount: must be more than zero, got ${amount}`);
  if (feeRate < 0n) throw new RangeError(`feeRate: must not be negative, got ${feeRate}`);
  const fee = (inputs: number, outputs: number): bigint => BigInt(estimateTxSize(inputs, outputs)) * feeRate;

  // One coin that pays exactly (leftover below dust) needs no change: the cheapest transaction.
  const single = [...coins]
    .filter((c) => c.value >= amount + fee(1, 1) && c.value < amount + fee(1, 2) + dustLimit)
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))[0];
  if (single !== undefined) return { inputs: [single], fee: single.value - amount, change: 0n };

  // Otherwise largest first until the coins pay the amount and the fee.
  const sorted = [...coins].sort((a, b) => (a.value > b.value ? -1 : a.value < b.value ? 1 : 0));
  const inputs: T[] = [];
  let total = 0n;
  for (const coin of sorted) {
    inputs.push(coin);
    total += coin.value;
    const change = total - amount - fee(inputs.length, 2);
    if (change >= dustLimit) return { inputs, fee: fee(inputs.length, 2), change };
    if (total >= amount + fee(inputs.length, 1)) return { inputs, fee: total - amount, change: 0n };
  }
  throw new InsufficientFundsError(amount + fee(Math.max(1, coins.length), 1), total, amount);
}
