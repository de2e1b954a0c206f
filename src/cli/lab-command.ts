/**
 * `toychain lab …`: experiments on the real chain code with an injected clock. Each
 * prints a table for people, or with --json the result for scripts (the shapes are a
 * contract). The experiments live in src/lab/; this file reads flags and prints.
 */
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { doubleSpend, type DoubleSpendRow, type RunCounts } from '../lab/double-spend.js';
import { doubleSpendFooter, doubleSpendHeader, doubleSpendLine, zForTargetHeader, zForTargetLine } from '../lab/double-spend-report.js';
import { paperTables, TABLE_1, TABLE_2 } from '../lab/double-spend-tables.js';
import { parseCount, parseSeed, parseShare, parseZList } from './lab-arguments.js';
import { registerLabExperiments } from './lab-experiments.js';
import { registerLabReplay } from './lab-replay-command.js';

/** What commander gives the action: every option with a value has its default there, once. */
interface DoubleSpendFlags {
  q: string;
  z: string;
  trials: string;
  seed: string;
  table?: boolean;
  json?: boolean;
}

export function registerLabCommand(program: Command): void {
  const lab = program
    .command('lab')
    .description('classroom experiments on the real chain code: double-spend race, selfish mining, fork rate, partition, finality, time warp');

  lab
    .command('double-spend')
    .description("Nakamoto 2008 §11's race: an attacker with share q against a merchant waiting z confirmations")
    .option('--q <share>', "the attacker's share of the hash power, between 0 and 0.5", '0.1')
    .option('--z <n|from-to|from-to:step>', 'confirmations the merchant waits: 6, 0-10 or 0-50:5', '6')
    .option('--trials <n>', 'races per row', '1000')
    .option('--seed <n>', 'random seed: the same seed gives the same result, byte for byte', '1')
    .option('--table', "print the paper's three tables (q = 0.1, z = 0..10; q = 0.3, z = 0..50 step 5; z for P < 0.1 %), measured")
    .option('--json', 'print JSON for scripts: an array of { q, z, trials, successes, probability, ci95, nakamoto, exact }')
    .action(async (flags: DoubleSpendFlags) => {
      const trials = parseCount('--trials', flags.trials, 1, 10_000_000);
      const seed = parseSeed(flags.seed);
      const started = timer();
      const counts: RunCounts = { blocks: 0 };
      if (flags.table === true) {
        if (flags.json !== true) {
          console.log(`${doubleSpendHeader(TABLE_1.q, trials, seed)}`);
        }
        let printed: 1 | 2 | 3 = 1;
        const tables = await paperTables({
          trials,
          seed,
          onRow: (table, row) => {
            if (flags.json === true) return;
            if (table !== printed) {
              printed = table;
              console.log(`\n${table === 2 ? doubleSpendHeader(TABLE_2.q, trials, seed) : zForTargetHeader(trials, seed)}`);
            }
            console.log(table === 3 ? zForTargetLine(row as never) : doubleSpendLine(row as DoubleSpendRow));
          },
        }, counts);
        if (flags.json === true) console.log(JSON.stringify([...tables.table1, ...tables.table2, ...tables.table3.map((r) => r.measured)]));
        else console.log(`\n${doubleSpendFooter(counts.blocks, ...started())}`);
        return;
      }
      const q = parseShare('--q', flags.q, 0, 0.5, 'the attacker share is a fraction, e.g. --q 0.1; at 0.5 or more the attacker always catches up');
      const zs = parseZList(flags.z);
      if (flags.json !== true) console.log(doubleSpendHeader(q, trials, seed));
      const rows: DoubleSpendRow[] = [];
      for (const z of zs) {
        const row = await doubleSpend({ q, z, trials, seed }, counts);
        rows.push(row);
        if (flags.json !== true) console.log(doubleSpendLine(row));
      }
      if (flags.json === true) console.log(JSON.stringify(rows));
      else console.log(`\n${doubleSpendFooter(counts.blocks, ...started())}`);
    });

  registerLabExperiments(lab);
  registerLabReplay(lab);

  lab.action(() => {
    throw new UsageError('toychain lab needs an experiment', 'one of: double-spend, selfish, fork-rate, partition, finality, time-warp, replay (toychain lab --help)');
  });
}

/** timer returns a function giving the wall and CPU seconds since it was made (for the footer line only, never the JSON). */
export function timer(): () => [number, number] {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return [(performance.now() - wall) / 1000, (used.user + used.system) / 1e6];
  };
}
