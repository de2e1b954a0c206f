/** Money: the base unit, the money range, and the block subsidy with its halvings. */

/** Base units per coin, as Bitcoin's COIN (10^8 satoshis). */
export const COIN = 100_000_000n;
/** No amount may exceed this: 21 million coins, as Bitcoin's MAX_MONEY. */
export const MAX_MONEY = 21_000_000n * COIN;

/** moneyRange says whether an amount is within [0, MAX_MONEY]. @see Core MoneyRange. */
export function moneyRange(value: bigint): boolean {
  return value >= 0n && value <= MAX_MONEY;
}

/** The subsidy schedule a network sets. */
export interface SubsidyParams {
  initialSubsidy: bigint;
  subsidyHalvingInterval: number;
}

/**
 * blockSubsidy is the new money a block at `height` may create: the initial subsidy
 * halved every subsidyHalvingInterval blocks, and zero from the 64th halving on (a
 * shift by 64 or more is undefined in C++, so Core stops there explicitly).
 * @see Core GetBlockSubsidy.
 */
export function blockSubsidy(height: number, params: SubsidyParams): bigint {
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`height: not a non-negative integer: ${height}`);
  const halvings = Math.floor(height / params.subsidyHalvingInterval);
  if (halvings >= 64) return 0n;
  return params.initialSubsidy >> BigInt(halvings);
}
