/**
 * Parsing the `toychain lab` flags: each bad value is a UsageError naming the flag, the
 * value and what it takes (exit 2, no stack), before any experiment starts.
 */
import { UsageError } from './usage-error.js';

/** share parses a fraction of the hash power strictly between `min` and `max`. */
export function parseShare(flag: string, text: string, min: number, max: number, hint: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || !(x > min && x < max)) {
    throw new UsageError(`${flag} '${text}' is not a number between ${min} and ${max}`, hint);
  }
  return x;
}

/** parseCount parses a whole number in [min, max]. */
export function parseCount(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} '${text}' is not a whole number from ${min} to ${max}`, `e.g. ${flag} ${Math.max(min, Math.min(max, 1000))}`);
  }
  return Number(text);
}

/** parseSeed parses `--seed`: a whole number from 0 to 2^53 − 1. */
export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to 2^53 − 1`, 'e.g. --seed 42: the same seed gives the same result, byte for byte');
  }
  return Number(text);
}

/** parseZList parses `--z`: a number (6), a range (0-10) or a range with a step (0-50:5). */
export function parseZList(text: string): number[] {
  const hint = 'write --z 6, --z 0-10 or --z 0-50:5 (from-to:step, both ends included)';
  const m = /^\s*(\d+)(?:\s*-\s*(\d+)(?:\s*:\s*(\d+))?)?\s*$/.exec(text);
  if (m === null) throw new UsageError(`--z '${text}' is not a number of confirmations or a range`, hint);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (to < from) throw new UsageError(`--z '${text}': the range ends before it starts`, hint);
  if (step < 1) throw new UsageError(`--z '${text}': the step must be at least 1`, hint);
  if (to > 10_000) throw new UsageError(`--z '${text}': at most 10000 confirmations`, hint);
  const zs: number[] = [];
  for (let z = from; z <= to; z += step) zs.push(z);
  if (zs.length > 1000) throw new UsageError(`--z '${text}' asks for ${zs.length} rows; at most 1000`, hint);
  return zs;
}

/** parseDurationMs parses 250ms, 2s, 10m or 1h into milliseconds (> 0). */
export function parseDurationMs(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const ms = m === null ? NaN : Number(m[1]) * units[m[2]!]!;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`${flag} '${text}' is not a duration`, `write it with a unit: ${flag} 500ms, 2s, 10m or 1h`);
  return ms;
}
