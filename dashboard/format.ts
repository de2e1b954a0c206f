// Formatting for people: hashes shortened, work and hashrates with SI prefixes, exact
// work with its digits grouped (so two different sums never print the same). Times in the page's language.
import { currentLanguage } from './i18n.js';

/** Okabe–Ito, one colour per node (black is kept for text). */
export const NODE_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#0072B2', '#D55E00', '#F0E442', '#999999'];

export function nodeColour(index: number): string {
  return NODE_COLOURS[index % NODE_COLOURS.length]!;
}

export function short(hash: string | null | undefined): string {
  return hash ? `…${hash.slice(-8)}` : '–';
}

export function si(n: number, unit = ''): string {
  if (!Number.isFinite(n)) return '–';
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < prefixes.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${prefixes[i]}${unit}`.trim();
}

/** work turns chainwork hex into a number of hashes (approximate above 2^53, which is fine to read). */
export function work(hex: string | null | undefined): number {
  return hex ? Number(BigInt(`0x${hex}`)) : 0;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : new Intl.NumberFormat(currentLanguage(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(currentLanguage());
}

/** exact prints a whole number (a decimal string or bigint) with every digit, grouped in threes by thin spaces. */
export function exact(n: string | bigint): string {
  const text = typeof n === 'bigint' ? n.toString() : n;
  const sign = text.startsWith('-') ? '−' : '';
  const digits = text.replace(/^[-+]/, '');
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** after says how long after `first` something happened, for "received (+31 ms)". */
export function after(ms: number): string {
  return ms < 10_000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(1)} s`;
}
