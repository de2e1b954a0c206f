/** The double-spend race for people: fixed-width tables, one line per row as it is measured. */
import type { DoubleSpendRow } from './double-spend.js';
import { GIVE_UP_BELOW } from './double-spend.js';
import type { ZForTargetRow } from './double-spend-tables.js';

const p7 = (x: number): string => x.toFixed(7);
const interval = ([lo, hi]: readonly [number, number]): string => `[${p7(lo)}, ${p7(hi)}]`;
/** marks a row whose interval misses the exact value (about 1 in 20 rows of a correct lab) */
const mark = (row: DoubleSpendRow): string => (row.exact >= row.ci95[0] && row.exact <= row.ci95[1] ? ' ' : '!');

export function doubleSpendHeader(q: number, trials: number, seed: number): string {
  return [
    `double-spend race, attacker share q = ${q}, ${trials} trials per row, seed ${seed}`,
    '   z   trials  successes   measured   95% interval             Nakamoto 2008  exact (ties: first seen)',
  ].join('\n');
}

export function doubleSpendLine(row: DoubleSpendRow): string {
  return `${String(row.z).padStart(4)} ${String(row.trials).padStart(8)} ${String(row.successes).padStart(10)}   ${p7(row.probability)}  ${interval(row.ci95)}${mark(row)}  ${p7(row.nakamoto)}      ${p7(row.exact)}`;
}

export function zForTargetHeader(trials: number, seed: number): string {
  return [
    `z for P < 0.1 %: the fewest confirmations by each formula, and the race measured at the exact model's z (${trials} trials, seed ${seed})`,
    '     q  Nakamoto z  Rosenfeld z  exact z   successes   measured   95% interval             exact at z',
  ].join('\n');
}

export function zForTargetLine(row: ZForTargetRow): string {
  const m = row.measured;
  return `  ${row.q.toFixed(2)}  ${String(row.nakamotoZ).padStart(10)}  ${String(row.rosenfeldZ).padStart(11)}  ${String(row.exactZ).padStart(7)}  ${String(m.successes).padStart(10)}   ${p7(m.probability)}  ${interval(m.ci95)}${mark(m)}  ${p7(m.exact)}`;
}

export function doubleSpendFooter(blocks: number, seconds: number, cpuSeconds: number): string {
  return [
    'Nakamoto 2008: Poisson attacker, a tie counts as caught up. exact: the race simulated here (negative-binomial attacker, Rosenfeld 2012,',
    "one block more than a tie, since the chain keeps the first-seen branch on equal work). '!': the interval misses the exact value.",
    `The attacker gives up when its chance to still win (exact model) is below ${GIVE_UP_BELOW}: a bias below ${GIVE_UP_BELOW} per row.`,
    `Through the real Chain: ${blocks} blocks in ${seconds.toFixed(1)} s (${Math.round(blocks / Math.max(seconds, 1e-9))} blocks/s; ${Math.round(blocks / Math.max(cpuSeconds, 1e-9))} per CPU second).`,
  ].join('\n');
}
