/**
 * The `toychain lab` experiments beside double-spend: selfish, fork-rate, partition,
 * finality, time-warp. Each reads its flags (named usage errors, exit 2), runs, and
 * prints a short table, or the result as JSON with --json.
 */
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import type { RunCounts } from '../lab/double-spend.js';
import { finalityTable } from '../lab/finality.js';
import { forkRate } from '../lab/fork-rate.js';
import { partition, PAYMENTS_DOUBLE_SPENT, PAYMENTS_PER_BLOCK } from '../lab/partition.js';
import { selfish } from '../lab/selfish.js';
import { timeWarp } from '../lab/time-warp.js';
import { parseCount, parseDurationMs, parseSeed, parseShare } from './lab-arguments.js';

type Flags = Record<string, string | boolean | undefined>;
/** text reads a flag as commander gives it: every option below has its default there, once. */
const text = (flags: Flags, name: string): string => {
  const value = flags[name];
  if (typeof value !== 'string') throw new Error(`--${name} has no default in its option`);
  return value;
};
const f = (x: number, digits = 4): string => x.toFixed(digits);
const ci = ([lo, hi]: readonly [number, number]): string => `[${f(lo)}, ${f(hi)}]`;

function speedLine(counts: RunCounts, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  return `(${counts.blocks} blocks through the real Chain in ${seconds.toFixed(1)} s)`;
}

export function registerLabExperiments(lab: Command): void {
  lab
    .command('selfish')
    .description("Eyal & Sirer 2014's selfish mining: a pool with share alpha withholds blocks")
    .option('--alpha <share>', "the selfish pool's share, between 0 and 0.5", '0.3')
    .option('--gamma <share>', "share of honest miners that mine on the pool's block in a tie, 0 to 1", '0.5')
    .option('--blocks <n>', 'blocks found in all (split into 10 runs for the interval)', '10000')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print { alpha, gamma, blocks, relativeRevenue, ci95, eyalSirer, threshold }')
    .action(async (flags: Flags) => {
      const alpha = parseShare('--alpha', text(flags, 'alpha'), 0, 0.5, 'e.g. --alpha 0.3');
      const gammaText = text(flags, 'gamma');
      const gamma = gammaText.trim() === '0' || gammaText.trim() === '1' ? Number(gammaText) : parseShare('--gamma', gammaText, 0, 1, 'e.g. --gamma 0.5 (0 to 1)');
      const blocks = parseCount('--blocks', text(flags, 'blocks'), 100, 10_000_000);
      const seed = parseSeed(text(flags, 'seed'));
      const started = performance.now();
      const counts: RunCounts = { blocks: 0 };
      const r = await selfish({ alpha, gamma, blocks, seed }, counts);
      if (flags.json === true) return console.log(JSON.stringify(r));
      console.log(`selfish mining: pool share alpha = ${alpha}, gamma = ${gamma}, ${blocks} blocks, seed ${seed}`);
      console.log(`  relative revenue measured  ${f(r.relativeRevenue)}  95% interval ${ci(r.ci95)}`);
      console.log(`  Eyal & Sirer 2014          ${f(r.eyalSirer)}   (honest mining would earn ${f(alpha)})`);
      console.log(`  profitable above alpha =   ${f(r.threshold)}   ((1 − gamma)/(3 − 2·gamma)): ${alpha > r.threshold ? 'selfish mining pays here' : 'selfish mining does not pay here'}`);
      console.log(speedLine(counts, started));
    });

  lab
    .command('fork-rate')
    .description('nodes that hear each block after a delay: how many blocks go stale')
    .option('--delay <time>', 'how long a block takes to reach the other nodes, e.g. 2s', '2s')
    .option('--interval <time>', 'the block interval T, e.g. 10s', '10s')
    .option('--nodes <n>', 'mining nodes with equal shares', '5')
    .option('--blocks <n>', 'blocks found', '2000')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print { delayMs, intervalMs, nodes, blocks, staleRate, ci95, model, modelPerMiner }')
    .action(async (flags: Flags) => {
      const delayMs = parseDurationMs('--delay', text(flags, 'delay'));
      const intervalMs = parseDurationMs('--interval', text(flags, 'interval'));
      const nodes = parseCount('--nodes', text(flags, 'nodes'), 2, 50);
      const blocks = parseCount('--blocks', text(flags, 'blocks'), 1, 1_000_000);
      const seed = parseSeed(text(flags, 'seed'));
      const started = performance.now();
      const counts: RunCounts = { blocks: 0 };
      const r = await forkRate({ delayMs, intervalMs, nodes, blocks, seed }, counts);
      if (flags.json === true) return console.log(JSON.stringify(r));
      console.log(`fork rate: ${nodes} nodes, delay ${delayMs} ms, interval ${intervalMs} ms, ${blocks} blocks, seed ${seed}`);
      console.log(`  stale rate measured        ${f(r.staleRate)}  95% interval ${ci(r.ci95)}`);
      console.log(`  1 − e^(−d/T)               ${f(r.model)}`);
      console.log(`  per miner Σ s(1 − e^(−(1−s)d/T))  ${f(r.modelPerMiner)}   (a miner does not race its own block)`);
      console.log(speedLine(counts, started));
    });

  lab
    .command('partition')
    .description('safety and liveness in a network split: Nakamoto consensus beside a majority-quorum commit rule')
    .option('--minority <share>', "the minority side's share of hash power and voters, between 0 and 0.5", '0.3')
    .option('--duration <time>', 'how long the partition lasts, e.g. 10m', '10m')
    .option('--interval <time>', 'the block interval', '10s')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print the counts as JSON')
    .action(async (flags: Flags) => {
      const minority = parseShare('--minority', text(flags, 'minority'), 0, 0.5, 'e.g. --minority 0.3');
      const durationMs = parseDurationMs('--duration', text(flags, 'duration'));
      const intervalMs = parseDurationMs('--interval', text(flags, 'interval'));
      if (durationMs / intervalMs > 100_000) throw new UsageError('--duration is more than 100,000 block intervals', 'shorten --duration or lengthen --interval');
      const seed = parseSeed(text(flags, 'seed'));
      const r = await partition({ minority, durationMs, intervalMs, seed });
      if (flags.json === true) return console.log(JSON.stringify(r));
      const n = r.nakamoto;
      console.log(`partition: minority ${minority} of the hash power (and voters) cut off for ${durationMs / 1000} s, ${intervalMs / 1000} s blocks, seed ${seed}`);
      console.log('                         made  committed  reversed');
      const line = (name: string, c: { made: number; committed: number; reversed: number }): string => `  ${name.padEnd(22)}${String(c.made).padStart(5)}${String(c.committed).padStart(11)}${String(c.reversed).padStart(10)}`;
      console.log('Nakamoto (both sides live; the lighter history is undone at the heal)');
      console.log(line('majority side blocks', n.majority));
      console.log(line('minority side blocks', n.minority));
      console.log(`  reorg at the heal: ${n.reorgDepth} blocks deep; payments reversed ${n.payments.reversed} (${PAYMENTS_PER_BLOCK} per block): ${n.payments.minedAgain} mined again, ${n.payments.droppedAsDoubleSpends} dropped as double spends (${PAYMENTS_DOUBLE_SPENT * 100} % had a conflicting spend)`);
      console.log('Majority quorum, as Raft or Paxos (the minority stalls; nothing committed is reversed)');
      console.log(line('majority side entries', r.quorum.majority));
      console.log(line('minority side entries', r.quorum.minority));
    });

  lab
    .command('finality')
    .description('P(reversal) of a block by its depth, for an attacker with share q')
    .option('--q <share>', "the attacker's share, between 0 and 0.5", '0.1')
    .option('--max-depth <n>', 'deepest depth listed', '10')
    .option('--json', 'print { q, depths: [{ depth, probability, nakamoto }] }')
    .action((flags: Flags) => {
      const q = parseShare('--q', text(flags, 'q'), 0, 0.5, 'e.g. --q 0.1');
      const maxDepth = parseCount('--max-depth', text(flags, 'maxDepth'), 0, 10_000);
      const t = finalityTable(q, maxDepth);
      if (flags.json === true) return console.log(JSON.stringify(t));
      console.log(`finality: P(an attacker with q = ${q} reverses a block at this depth)`);
      console.log('  depth  P(reversal), exact   Nakamoto 2008');
      for (const d of t.depths) console.log(`  ${String(d.depth).padStart(5)}  ${d.probability.toExponential(4).padStart(18)}   ${d.nakamoto.toExponential(4)}`);
      console.log('exact: first-seen ties, negative-binomial attacker (the model `toychain lab double-spend` measures)');
    });

  lab
    .command('time-warp')
    .description("a majority miner's timestamps at retarget boundaries, on demo's rules with and without BIP94")
    .option('--share <share>', "the warping miner's share of the hash power, above 0.5", '1')
    .option('--periods <n>', 'retarget periods to run (20 blocks each)', '8')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print { share, periods, runs: [{ rule, blocks, seconds, lastPeriodSpacing, difficultyDrop, refused? }] }')
    .action(async (flags: Flags) => {
      const shareText = text(flags, 'share');
      const share = shareText.trim() === '1' ? 1 : parseShare('--share', shareText, 0.5, 1, 'a majority: e.g. --share 0.7, or 1');
      const periods = parseCount('--periods', text(flags, 'periods'), 2, 50);
      const seed = parseSeed(text(flags, 'seed'));
      const started = performance.now();
      const counts: RunCounts = { blocks: 0 };
      const r = await timeWarp({ share, periods, seed }, counts);
      if (flags.json === true) return console.log(JSON.stringify(r));
      console.log(`time warp: a miner with ${share} of the hash power, ${periods} retarget periods of 20 blocks (demo's rules, times scaled to 1 s blocks), seed ${seed}`);
      console.log('  rule            blocks  time (s)  s/block, last period  difficulty fell by');
      for (const run of r.runs) console.log(`  ${run.rule.padEnd(14)}${String(run.blocks).padStart(8)}${f(run.seconds, 1).padStart(10)}${f(run.lastPeriodSpacing, 3).padStart(22)}${(f(run.difficultyDrop, 2) + 'x').padStart(20)}`);
      const refused = r.runs.find((run) => run.refused !== undefined)?.refused;
      if (refused !== undefined) console.log(`  with BIP94 the Chain refused the warped first block of a period: ${refused}`);
      console.log('  (the drop is capped at 32x here: the lab network\'s powLimit over its genesis target)');
      console.log(speedLine(counts, started));
    });
}
