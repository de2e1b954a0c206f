/**
 * `npm run bench -- lab`: the double-spend race's three tables from Nakamoto 2008 §11,
 * measured on the real Chain, with the time each takes, then the other experiments once.
 * LAB_TRIALS sets the races per row (default 1000; the README's tables used the count
 * they print). Speed is reported as blocks through the Chain per wall second and per CPU
 * second, the second being what one core does on a machine shared with other work.
 */
import type { RunCounts } from '../src/lab/double-spend.js';
import { doubleSpendFooter, doubleSpendHeader, doubleSpendLine, zForTargetHeader, zForTargetLine } from '../src/lab/double-spend-report.js';
import { paperTables, TABLE_1, TABLE_2, type ZForTargetRow } from '../src/lab/double-spend-tables.js';
import type { DoubleSpendRow } from '../src/lab/double-spend.js';
import { forkRate } from '../src/lab/fork-rate.js';
import { selfish } from '../src/lab/selfish.js';
import { timeWarp } from '../src/lab/time-warp.js';
import type { BenchSection } from './run.js';

function clock(): () => [number, number] {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return [(performance.now() - wall) / 1000, (used.user + used.system) / 1e6];
  };
}

export const labBench: BenchSection = {
  name: 'lab',
  async run() {
    const trials = Number(process.env.LAB_TRIALS ?? 1000);
    if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`LAB_TRIALS must be a whole number ≥ 1, got ${process.env.LAB_TRIALS}`);
    const seed = 1;
    const all = clock();
    const counts: RunCounts = { blocks: 0 };
    let table: 1 | 2 | 3 = 1;
    let tableClock = clock();
    let tableBlocks = 0;
    const endTable = (): void => {
      const [wall, cpu] = tableClock();
      console.log(`  table ${table}: ${counts.blocks - tableBlocks} blocks, ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU`);
      tableBlocks = counts.blocks;
      tableClock = clock();
    };
    console.log(doubleSpendHeader(TABLE_1.q, trials, seed));
    await paperTables({
      trials,
      seed,
      onRow: (t, row) => {
        if (t !== table) {
          endTable();
          table = t;
          console.log(`\n${t === 2 ? doubleSpendHeader(TABLE_2.q, trials, seed) : zForTargetHeader(trials, seed)}`);
        }
        console.log(t === 3 ? zForTargetLine(row as ZForTargetRow) : doubleSpendLine(row as DoubleSpendRow));
      },
    }, counts);
    endTable();
    console.log(`\n${doubleSpendFooter(counts.blocks, ...all())}`);

    const other = clock();
    const s = await selfish({ alpha: 0.3, gamma: 0.5, blocks: 10_000, seed }, counts);
    console.log(`\nselfish α=0.3 γ=0.5, 10000 blocks: revenue ${s.relativeRevenue.toFixed(4)} [${s.ci95.map((x) => x.toFixed(4)).join(', ')}], Eyal & Sirer ${s.eyalSirer.toFixed(4)}, threshold ${s.threshold.toFixed(4)}`);
    const f = await forkRate({ delayMs: 2000, intervalMs: 10_000, nodes: 5, blocks: 2000, seed }, counts);
    console.log(`fork-rate d=2s T=10s 5 nodes, 2000 blocks: stale ${f.staleRate.toFixed(4)} [${f.ci95.map((x) => x.toFixed(4)).join(', ')}], 1−e^(−d/T) ${f.model.toFixed(4)}, per miner ${f.modelPerMiner.toFixed(4)}`);
    const w = await timeWarp({ share: 1, periods: 8, seed }, counts);
    for (const run of w.runs) console.log(`time-warp ${run.rule}: difficulty fell ${run.difficultyDrop.toFixed(2)}x, last period ${run.lastPeriodSpacing.toFixed(3)} s/block${run.refused === undefined ? '' : `, warp refused: ${run.refused}`}`);
    const [wall, cpu] = other();
    console.log(`  other experiments: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU`);
  },
};
