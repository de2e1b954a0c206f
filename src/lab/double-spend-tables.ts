/**
 * `toychain lab double-spend --table`: the three tables of Nakamoto 2008 §11, measured.
 * Table 1: q = 0.1, z = 0..10. Table 2: q = 0.3, z = 0..50 step 5. Table 3: "solving for
 * P less than 0.1 %" for q = 0.10 … 0.45, with Nakamoto's z, Rosenfeld's z, the exact
 * model's z, and the race measured at the exact model's z.
 */
import { doubleSpend, type DoubleSpendRow, type RunCounts } from './double-spend.js';
import { exactProbability, minConfirmations, nakamotoProbability, rosenfeldProbability } from './double-spend-math.js';

export const TABLE_1 = { q: 0.1, zs: range(0, 10, 1) };
export const TABLE_2 = { q: 0.3, zs: range(0, 50, 5) };
export const TABLE_3_QS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45];
/** Nakamoto's target: P < 0.1 %. */
export const TABLE_3_TARGET = 0.001;

export interface ZForTargetRow {
  q: number;
  nakamotoZ: number;
  rosenfeldZ: number;
  exactZ: number;
  /** the race measured at exactZ */
  measured: DoubleSpendRow;
}

export interface PaperTables {
  table1: DoubleSpendRow[];
  table2: DoubleSpendRow[];
  table3: ZForTargetRow[];
}

export interface TableRunOptions {
  trials: number;
  seed: number;
  /** called as each row is done (for a person watching a long run) */
  onRow?: (table: 1 | 2 | 3, row: DoubleSpendRow | ZForTargetRow) => void;
}

export async function paperTables(opts: TableRunOptions, counts: RunCounts = { blocks: 0 }): Promise<PaperTables> {
  const table1: DoubleSpendRow[] = [];
  for (const z of TABLE_1.zs) {
    const row = await doubleSpend({ q: TABLE_1.q, z, trials: opts.trials, seed: opts.seed }, counts);
    table1.push(row);
    opts.onRow?.(1, row);
  }
  const table2: DoubleSpendRow[] = [];
  for (const z of TABLE_2.zs) {
    const row = await doubleSpend({ q: TABLE_2.q, z, trials: opts.trials, seed: opts.seed }, counts);
    table2.push(row);
    opts.onRow?.(2, row);
  }
  const table3: ZForTargetRow[] = [];
  for (const q of TABLE_3_QS) {
    const exactZ = minConfirmations(exactProbability, q, TABLE_3_TARGET);
    const row: ZForTargetRow = {
      q,
      nakamotoZ: minConfirmations(nakamotoProbability, q, TABLE_3_TARGET),
      rosenfeldZ: minConfirmations(rosenfeldProbability, q, TABLE_3_TARGET),
      exactZ,
      measured: await doubleSpend({ q, z: exactZ, trials: opts.trials, seed: opts.seed }, counts),
    };
    table3.push(row);
    opts.onRow?.(3, row);
  }
  return { table1, table2, table3 };
}

/** range lists from..to by step, both ends included. */
export function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let z = from; z <= to; z += step) out.push(z);
  return out;
}
