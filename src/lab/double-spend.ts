/**
 * `toychain lab double-spend`: the race of Nakamoto 2008 §11, run on the real Chain.
 *
 * Each trial: the attacker (share q) pays a merchant in the next honest block and at the
 * same moment starts mining, in private, a branch from before that block (where its
 * conflicting spend would go). Honest miners build on the merchant's Chain tip. When the
 * honest branch has z blocks from the fork point (the payment's block included, as Core
 * counts confirmations) the merchant hands over the goods and the attacker publishes
 * every block it has, then each new one as it finds it. The attacker wins when the
 * merchant's Chain moves its tip onto the attacker's branch: that is the Chain's fork
 * choice deciding (most work; on equal work the first seen stays), not the lab.
 *
 * The attacker gives up when its chance to still win, by the exact model from the
 * race's current state, falls below GIVE_UP_BELOW: each give-up can hide at most that
 * much probability, so the bias it adds is below 1e-9, far inside any interval the lab
 * can measure (the narrowest, at a million trials, is wider than 1e-6).
 *
 * What goes through the Chain: every block of every trial, honest and attacker, as a real
 * block (header with proof of work, coinbase) in Chain.processBlock, on memory stores.
 * The blocks carry no transactions: the payment and the double spend are the two
 * branches' first blocks, and they do not change who wins the race.
 */
import type { ForkChoiceRule } from '../chain/fork-choice.js';
import { regtest, type NetworkParams } from '../consensus/params.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import { BlockFinds } from './block-finds.js';
import { checkAttackerShare, exactProbability, nakamotoProbability, successFromState } from './double-spend-math.js';
import { LabClock } from './lab-clock.js';
import { LabNode } from './lab-node.js';
import { streamFor } from './seeds.js';
import { wilsonInterval } from './statistics.js';

/** The attacker stops when its chance to still win falls below this. */
export const GIVE_UP_BELOW = 1e-9;
/** A fresh Chain (and store) after this many blocks, so long runs stay small in memory. */
const BLOCKS_PER_CHAIN = 20_000;
/** No trial is this long at q < 0.5 with the give-up rule; reaching it is a bug. */
const MAX_FINDS_PER_TRIAL = 1_000_000;

const HONEST = 0;
const ATTACKER = 1;

/** One row of the result: the contract `--json` prints. */
export interface DoubleSpendRow {
  q: number;
  z: number;
  trials: number;
  successes: number;
  probability: number;
  ci95: [number, number];
  nakamoto: number;
  exact: number;
}

export interface DoubleSpendOptions {
  q: number;
  z: number;
  trials: number;
  seed: number;
  /** the network whose rules the Chain runs (default regtest: minimal difficulty, no retarget) */
  params?: NetworkParams;
  /** replace the Chain's fork choice (tests: show that the Chain's rule decides the race) */
  forkChoice?: ForkChoiceRule;
}

/** What a run did besides its row: blocks through the Chain, for the speed line. */
export interface RunCounts {
  blocks: number;
}

/** doubleSpend runs `trials` races at one q and z and returns their row. */
export async function doubleSpend(opts: DoubleSpendOptions, counts: RunCounts = { blocks: 0 }): Promise<DoubleSpendRow> {
  checkAttackerShare(opts.q);
  if (!Number.isInteger(opts.trials) || opts.trials < 1) throw new RangeError(`trials must be a whole number ≥ 1, got ${opts.trials}`);
  const params = opts.params ?? regtest;
  const random = streamFor(opts.seed, `double-spend q=${opts.q} z=${opts.z}`);
  const builder = new BlockBuilder(params);
  const giveUp = new GiveUpRule(opts.q, opts.z);
  let successes = 0;
  let race: Race | undefined;
  try {
    for (let trial = 0; trial < opts.trials; trial++) {
      if (race === undefined || race.node.submitted >= BLOCKS_PER_CHAIN) {
        counts.blocks += race?.node.submitted ?? 0;
        await race?.node.close();
        const clock = new LabClock(params.genesis.time);
        const node = await LabNode.open(builder, clock, opts.forkChoice === undefined ? {} : { forkChoice: opts.forkChoice });
        race = { node, clock, base: clock.exact, finds: new BlockFinds(random, [1 - opts.q, opts.q], params.targetSpacing) };
      }
      if (await runTrial(race, builder, opts.z, giveUp)) successes++;
    }
  } finally {
    counts.blocks += race?.node.submitted ?? 0;
    await race?.node.close();
  }
  return {
    q: opts.q,
    z: opts.z,
    trials: opts.trials,
    successes,
    probability: successes / opts.trials,
    ci95: wilsonInterval(successes, opts.trials),
    nakamoto: nakamotoProbability(opts.q, opts.z),
    exact: exactProbability(opts.q, opts.z),
  };
}

/** A Chain with its clock and the finds that drive it; BlockFinds times count from `base`. */
interface Race {
  node: LabNode;
  clock: LabClock;
  base: number;
  finds: BlockFinds;
}

/** runTrial races once from the merchant's current tip; true when the Chain ends on the attacker's branch. */
async function runTrial({ node, clock, finds, base }: Race, builder: BlockBuilder, z: number, giveUp: GiveUpRule): Promise<boolean> {
  let attackerTip: LabBlock = node.tip;
  const withheld: LabBlock[] = [];
  let honest = 0;
  let attacker = 0;
  for (let step = 0; step < MAX_FINDS_PER_TRIAL; step++) {
    const find = finds.take();
    clock.advanceTo(base + find.time);
    if (find.miner === HONEST) {
      await node.submit(builder.buildOn(node.tip, { now: clock.now(), miner: HONEST }));
      honest++;
    } else {
      attackerTip = builder.buildOn(attackerTip, { now: clock.now(), miner: ATTACKER });
      withheld.push(attackerTip);
      attacker++;
    }
    if (honest >= z) {
      for (const block of withheld) await node.submit(block);
      withheld.length = 0;
      if (attacker > 0 && node.isActive(attackerTip.id)) return true;
    }
    if (giveUp.hopeless(honest, attacker)) return false;
  }
  throw new Error(`double-spend: a trial ran ${MAX_FINDS_PER_TRIAL} block finds without an end`);
}

/** The give-up test, with the chance from each state computed once. */
class GiveUpRule {
  private readonly memo = new Map<number, boolean>();

  constructor(
    private readonly q: number,
    private readonly z: number,
  ) {}

  hopeless(honest: number, attacker: number): boolean {
    // Past z only the lead matters; before it, both counts do.
    const key = honest >= this.z ? -1 - (honest - attacker) : honest * 1_000_003 + attacker;
    let hopeless = this.memo.get(key);
    if (hopeless === undefined) {
      hopeless = successFromState(this.q, this.z, honest, attacker) < GIVE_UP_BELOW;
      this.memo.set(key, hopeless);
    }
    return hopeless;
  }
}
