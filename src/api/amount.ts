/**
 * Amounts as the API shows them: integer base units (bigint) written as a coin
 * string with 8 decimals, "50.00000000", so no float ever touches a value.
 */
import { COIN } from '../consensus/subsidy.js';

/** formatCoins writes base units as coins with exactly 8 decimals: 5000000000n → "50.00000000". */
export function formatCoins(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / COIN}.${(abs % COIN).toString().padStart(8, '0')}`;
}
