/**
 * Amounts as a person types and reads them: coins with up to 8 decimals ("1.5",
 * "0.00000001"), held as bigint base units (1 coin = 10^8 units), so no float ever
 * touches a value. Output always has exactly 8 decimals: "1.50000000".
 *
 * Bitcoin: the same unit split as BTC and satoshis (Core's ParseFixedPoint / FormatMoney).
 * Here, beside COIN and MAX_MONEY, because the API, the wallet and the devnet all show
 * and read amounts, and must do it the one same way.
 */
import { COIN, MAX_MONEY } from './subsidy.js';

/** Decimals in one coin: the base unit is 0.00000001. */
export const COIN_DECIMALS = 8;

/** AmountError: a typed amount that is not a valid number of coins; the message says why. */
export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmountError';
  }
}

/**
 * parseCoins reads a coin amount into base units. It accepts digits with an optional
 * point and at most 8 decimals ("21", "0.5", "1.", ".25"), and rejects with a message
 * naming the problem: an empty string, a sign, an exponent, thousands separators, more
 * than 8 decimals, anything else that is not a plain decimal, and more than MAX_MONEY.
 */
export function parseCoins(text: string): bigint {
  const s = text.trim();
  if (s === '') throw new AmountError('amount is empty: write a number of coins such as 1.5');
  if (s.startsWith('-')) throw new AmountError(`amount "${s}" is negative: an amount is more than zero coins`);
  if (s.startsWith('+')) throw new AmountError(`amount "${s}" has a sign: write the number alone, e.g. ${s.slice(1)}`);
  if (/^[0-9.]*[eE][+-]?[0-9]*$/.test(s)) {
    throw new AmountError(`amount "${s}" uses exponent notation: write it out in full, e.g. 0.00000100 instead of 1e-6`);
  }
  if (/^[0-9]+(,[0-9]{3})+(\.[0-9]*)?$/.test(s)) {
    throw new AmountError(`amount "${s}" has thousands separators: write it without commas, e.g. ${s.replaceAll(',', '')}`);
  }
  const match = /^([0-9]*)(?:\.([0-9]*))?$/.exec(s);
  if (match === null || (match[1] === '' && (match[2] ?? '') === '')) {
    throw new AmountError(`amount "${s}" is not a number of coins: write digits with an optional decimal point, e.g. 1.5 or 0.00000001`);
  }
  const whole = match[1] === '' ? '0' : match[1]!;
  const fraction = match[2] ?? '';
  if (fraction.length > COIN_DECIMALS) {
    throw new AmountError(
      `amount "${s}" has ${fraction.length} decimals: the smallest amount is 0.00000001 (${COIN_DECIMALS} decimals)`,
    );
  }
  const value = BigInt(whole) * COIN + BigInt(fraction.padEnd(COIN_DECIMALS, '0'));
  if (value > MAX_MONEY) {
    throw new AmountError(`amount "${s}" is more than the 21000000 coins that can ever exist`);
  }
  return value;
}

/** formatCoins writes base units as coins with exactly 8 decimals: 150000000n → "1.50000000". */
export function formatCoins(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / COIN}.${(abs % COIN).toString().padStart(COIN_DECIMALS, '0')}`;
}
