/**
 * The scenario runner: a parsed scenario's steps, one after the other, on a running
 * devnet (the supervisor object, src/devnet/devnet.ts, in this process), with every step
 * and every block, tip, reorg, split and payment reported as an event as it happens.
 *
 * Two ways to make blocks, chosen by the devnet itself:
 * - `generate` (no miner is on, regtest): `mine` and `fund` make the blocks now on the
 *   named node, and wait until that node's group has them. Runs are deterministic.
 * - `mining` (the miners are on, the demo-paced devnet of `npm start`): `mine` and `fund`
 *   wait until the named node's miner has found the blocks. Every other step waits on
 *   conditions, never a fixed time, so a scenario runs the same way at either pace.
 *
 * A `wait` that times out, or a step that cannot be done (no coins, a node down), stops
 * the scenario; a missed `expect` is reported and the scenario goes on. The result says
 * how many expectations were met and missed.
 */
import { retargetInterval, type NetworkParams } from '../consensus/params.js';
import { formatCoins, parseCoins } from '../consensus/amount.js';
import { blockSubsidy } from '../consensus/subsidy.js';
import type { Status } from '../api/contract/responses.js';
import type { Devnet } from '../devnet/devnet.js';
import type { TreeBlock } from '../devnet/block-tree.js';
import { streamFor } from '../lab/seeds.js';
import type { Random } from '../lab/prng.js';
import { evaluate, type ConditionContext } from './conditions.js';
import type { LoggedEvent, ScenarioEvent, StepStatus } from './event-log.js';
import { addressOf, ScenarioStepError, sendDoubleSpend, sendPayment, spendableCoins, type ScenarioPayment } from './payments.js';
import type { Condition, Scenario, Step } from './scenario-file.js';

/** What the runner uses of a devnet: the supervisor's controls, its nodes and its event stream. */
export type ScenarioDevnet = Pick<Devnet, 'nodes' | 'split' | 'heal' | 'setLink' | 'setShare' | 'setMining' | 'generate' | 'view' | 'on' | 'off'> & { readonly options: { readonly params: NetworkParams } };

export interface RunOptions {
  /** picks the miner of each block of a `mine: { nodes: […] }` step, by share (default 1) */
  seed?: number;
  /** every event as it happens (the log's lines): step started / met / missed, blocks, reorgs… */
  onEvent?: (event: LoggedEvent) => void;
  /** stops the run between polls (the page's stop button); the result says so */
  signal?: AbortSignal;
  /**
   * put the devnet back as it was when the run ends, however it ends: heal a split the
   * scenario left, restore each node's hash-power share and the link delay (default true:
   * a lesson on the class's devnet must not leave it split)
   */
  restore?: boolean;
}

export interface StepOutcome {
  index: number;
  kind: Step['kind'];
  status: StepStatus | 'skipped';
  text: string;
}

export interface ScenarioResult {
  /** every expectation met and no step failed */
  ok: boolean;
  met: number;
  missed: number;
  /** why the scenario stopped early (a wait timed out, a step failed, it was stopped), or null */
  stoppedBy: string | null;
  steps: StepOutcome[];
  events: LoggedEvent[];
}

/** A devnet with fewer nodes than the scenario needs, or one that is not running. */
export class ScenarioRunError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScenarioRunError';
  }
}

const POLL_MS = 200;
/** How long the nodes of a group get to receive a block made by `generate`. */
const GROUP_SYNC_MS = 30_000;
/** How long the end of a run waits for the nodes' last tip events. */
const SETTLE_MS = 5_000;

/** runScenario runs every step of `scenario` on `devnet` and resolves with what was met and missed. */
export async function runScenario(scenario: Scenario, devnet: ScenarioDevnet, options: RunOptions = {}): Promise<ScenarioResult> {
  return new ScenarioRun(scenario, devnet, options).run();
}

class ScenarioRun {
  private readonly startedAt = Date.now();
  private readonly events: LoggedEvent[] = [];
  private readonly blocks = new Map<string, string>();
  private readonly payments = new Map<string, ScenarioPayment>();
  private readonly reorgs: { node: number; depth: number }[] = [];
  /** blocks first connected since the start, in order: what a `mine` step counts in mining mode */
  private readonly found: { hash: string; miner: number | null }[] = [];
  /** a delay step ran (the devnet keeps no per-node delay to compare with) */
  private linkTouched = false;
  /** each node's tip as the log last says */
  private readonly lastTips = new Map<number, string>();
  private startHeights: number[] = [];
  private readonly random: Random;
  private readonly mode: 'generate' | 'mining';
  private readonly params: NetworkParams;

  constructor(
    private readonly scenario: Scenario,
    private readonly devnet: ScenarioDevnet,
    private readonly options: RunOptions,
  ) {
    this.random = streamFor(options.seed ?? 1, `scenario ${scenario.title}`);
    this.mode = devnet.view().nodes.some((n) => n.miningWanted) ? 'mining' : 'generate';
    this.params = devnet.options.params;
  }

  async run(): Promise<ScenarioResult> {
    const { scenario, devnet } = this;
    if (devnet.nodes.length < scenario.nodes) throw new ScenarioRunError('too-few-nodes', `the scenario needs ${scenario.nodes} nodes; the devnet has ${devnet.nodes.length}: start it with --nodes ${scenario.nodes}`);
    const down = devnet.nodes.slice(0, scenario.nodes).filter((n) => !n.alive);
    if (down.length > 0) throw new ScenarioRunError('node-down', `node ${down.map((n) => n.index).join(', ')} is not running: restart it first`);
    const refusal = refusalOf(scenario, this.params, this.mode);
    if (refusal !== null) throw new ScenarioRunError(refusal.code, refusal.message);
    const view = devnet.view();
    const before = { groups: view.groups, link: view.link, shares: view.nodes.map((n) => n.share), mining: view.nodes.map((n) => n.miningWanted) };
    const listener = (name: string, data: unknown): void => this.onDevnetEvent(name, data);
    devnet.on('event', listener);
    const outcomes: StepOutcome[] = [];
    let met = 0;
    let missed = 0;
    let stoppedBy: string | null = null;
    try {
      this.emit({ kind: 'scenario', title: scenario.title, network: this.params.name, nodes: scenario.nodes, seed: this.options.seed ?? 1, mode: this.mode, addresses: devnet.nodes.slice(0, scenario.nodes).map((n) => n.wallet?.address ?? null), startedAt: this.startedAt });
      const statuses = await Promise.all(devnet.nodes.slice(0, scenario.nodes).map((n) => n.api<Status>('GET', '/status')));
      this.startHeights = statuses.map((s) => s.height);
      statuses.forEach((s, i) => this.lastTips.set(i, s.tip));
      this.emit({ kind: 'snapshot', tips: Object.fromEntries(statuses.map((s, i) => [String(i), { hash: s.tip, height: s.height }])) });
      if (scenario.shares !== undefined && this.mode === 'mining') for (const [i, share] of scenario.shares.entries()) await devnet.setShare(i, share);
      for (const [index, step] of scenario.steps.entries()) {
        if (stoppedBy !== null) {
          outcomes.push({ index, kind: step.kind, status: 'skipped', text: 'not run' });
          continue;
        }
        this.emit({ kind: 'step', index, step: step.kind, status: 'started', text: describe(step) });
        let status: StepStatus;
        let text: string;
        try {
          ({ status, text } = await this.runStep(step));
        } catch (e) {
          status = 'failed';
          text = e instanceof Error ? e.message : String(e);
        }
        if (this.options.signal?.aborted === true && status !== 'met' && status !== 'done') {
          status = 'failed';
          text = 'stopped';
        }
        this.emit({ kind: 'step', index, step: step.kind, status, text });
        outcomes.push({ index, kind: step.kind, status, text });
        if (status === 'met' && step.kind === 'expect') met++;
        if (status === 'missed' && step.kind === 'expect') missed++;
        if (status === 'failed') stoppedBy = `steps[${index}] ${step.kind} failed: ${text}`;
        if (status === 'missed' && step.kind === 'wait') stoppedBy = `steps[${index}] wait timed out: ${text}`;
      }
      await this.settle();
    } finally {
      if (this.options.restore !== false) await this.restore(before).catch((e: Error) => (stoppedBy ??= `could not put the devnet back: ${e.message}`));
      devnet.off('event', listener);
    }
    const ok = stoppedBy === null && missed === 0;
    this.emit({ kind: 'end', met, missed, ok, stoppedBy });
    return { ok, met, missed, stoppedBy, steps: outcomes, events: this.events };
  }

  /** restore heals a split the scenario made and puts back the shares, miners and link delay it changed. */
  private async restore(before: { groups: number[][] | null; link: { delayMs: number; jitterMs: number; dropRate: number }; shares: number[]; mining: boolean[] }): Promise<void> {
    const now = this.devnet.view();
    if (now.groups !== null && before.groups === null) {
      this.emit({ kind: 'heal' });
      await this.devnet.heal();
    }
    for (const [i, share] of before.shares.entries()) if (now.nodes[i]?.share !== share && this.devnet.nodes[i]?.alive === true) await this.devnet.setShare(i, share);
    for (const [i, wanted] of before.mining.entries()) if (now.nodes[i]?.miningWanted !== wanted && this.devnet.nodes[i]?.alive === true) await this.devnet.setMining(i, wanted);
    if (this.linkTouched) await this.devnet.setLink(before.link);
  }

  /**
   * settle waits (bounded) until the log's last tip of each node is what the node says now,
   * so a replay of the log ends where the devnet did: the nodes' tip events travel on
   * their own streams and may trail the REST answers the last step read.
   */
  private async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const statuses = await Promise.all(this.devnet.nodes.slice(0, this.scenario.nodes).map((n) => n.api<Status>('GET', '/status').catch(() => undefined)));
      if (statuses.every((s, i) => s === undefined || this.lastTips.get(i) === s.tip) || Date.now() >= deadline) return;
      await pause(POLL_MS);
    }
  }

  private emit(event: ScenarioEvent): void {
    const logged = { ...event, t: Date.now() - this.startedAt } as LoggedEvent;
    this.events.push(logged);
    this.options.onEvent?.(logged);
  }

  private onDevnetEvent(name: string, data: unknown): void {
    const d = data as Record<string, unknown>;
    if (typeof d !== 'object' || d === null) return;
    if (name === 'block') {
      const b = data as TreeBlock;
      const first = Object.entries(b.seenBy).sort((x, y) => x[1] - y[1])[0];
      if (first === undefined) return;
      this.found.push({ hash: b.hash, miner: b.miner ?? null });
      this.emit({ kind: 'block', hash: b.hash, prevHash: b.prevHash, height: b.height, chainwork: b.chainwork, time: b.time, miner: b.miner ?? null, node: Number(first[0]), ...(b.reachable === undefined ? {} : { reachable: b.reachable }) });
    } else if (name === 'seen') {
      this.emit({ kind: 'seen', hash: String(d.hash), node: Number(d.node) });
    } else if (name === 'tip') {
      this.lastTips.set(Number(d.node), String(d.hash));
      this.emit({ kind: 'tip', node: Number(d.node), hash: String(d.hash), height: Number(d.height) });
    } else if (name === 'reorg') {
      this.reorgs.push({ node: Number(d.node), depth: Number(d.depth) });
      this.emit({ kind: 'reorg', node: Number(d.node), oldTip: String(d.oldTip), newTip: String(d.newTip), fork: String(d.fork), depth: Number(d.depth) });
    }
  }

  private context(): ConditionContext {
    return { nodes: this.devnet.nodes, count: this.scenario.nodes, blocks: this.blocks, payments: this.payments, startHeights: this.startHeights, reorgs: this.reorgs };
  }

  private async runStep(step: Step): Promise<{ status: StepStatus; text: string }> {
    const { devnet } = this;
    switch (step.kind) {
      case 'note':
        return { status: 'done', text: step.value };
      case 'split':
        await devnet.split(step.value);
        this.emit({ kind: 'split', groups: step.value });
        return { status: 'done', text: `split into ${step.value.map((g) => `{${g.join(', ')}}`).join(' | ')}` };
      case 'heal':
        // The log must hold each side's tips before the heal, and the heal before the blocks
        // it lets through: a replay just before it then shows the branches the class saw.
        await this.settle();
        this.emit({ kind: 'heal' });
        await devnet.heal();
        return { status: 'done', text: 'healed: every node reconnects' };
      case 'delay':
        this.linkTouched = true;
        await devnet.setLink({ delayMs: step.value.delayMs, jitterMs: step.value.jitterMs, dropRate: 0 }, step.value.node);
        return { status: 'done', text: `${step.value.node === undefined ? 'every node' : `node ${step.value.node}`}: link delay ${step.value.delayMs} ms` };
      case 'mining': {
        const { nodes, active } = step.value;
        if (this.mode === 'generate') return { status: 'done', text: `node ${nodes.join(', ')}: ${active ? 'mining' : 'resting'} (blocks made on demand come only from mine steps)` };
        for (const n of nodes) await devnet.setMining(n, active);
        return { status: 'done', text: `node ${nodes.join(', ')}: miner ${active ? 'on' : 'off'}` };
      }
      case 'share':
        if (this.mode === 'mining') await devnet.setShare(step.value.node, step.value.share);
        this.shares()[step.value.node] = step.value.share;
        return { status: 'done', text: `node ${step.value.node}: ${Math.round(step.value.share * 100)} % of the hash power` };
      case 'fund':
        return this.fund(step.value.node, parseCoins(step.value.coins), step.value.timeout);
      case 'mine':
        return this.mine(step.value);
      case 'send': {
        const v = step.value;
        const payer = this.nodeAt(v.from);
        const via = this.nodeAt(v.via ?? v.from);
        const to = addressOf(devnet.nodes, v.to);
        const payment = await sendPayment(payer, via, to, parseCoins(v.amount), this.params);
        if (v.label !== undefined) this.payments.set(v.label, payment);
        this.emit({ kind: 'tx', txid: payment.txid, label: v.label ?? null, from: v.from, to, amount: v.amount, via: via.index, doubleSpendOf: null });
        return { status: 'done', text: `node ${v.from} paid ${v.amount} coins to ${typeof v.to === 'number' ? `node ${v.to}` : v.to} through node ${via.index}: ${payment.txid}` };
      }
      case 'doubleSpend': {
        const v = step.value;
        const original = this.payments.get(v.of)!;
        const to = addressOf(devnet.nodes, v.to ?? original.from);
        const payment = await sendDoubleSpend(original, this.nodeAt(v.via), to, this.params);
        if (v.label !== undefined) this.payments.set(v.label, payment);
        this.emit({ kind: 'tx', txid: payment.txid, label: v.label ?? null, from: original.from, to, amount: formatCoins(payment.amount), via: v.via, doubleSpendOf: original.txid });
        return { status: 'done', text: `node ${original.from} spent the coins of ${v.of} again, to ${v.to === undefined ? 'itself' : `node ${v.to}`}, through node ${v.via}: ${payment.txid}` };
      }
      case 'wait':
        return this.until(step.value.condition, step.value.timeoutMs);
      case 'expect':
        return this.until(step.value.condition, step.value.withinMs);
    }
  }

  /** until polls a condition until it holds (met) or `ms` pass (missed). */
  private async until(condition: Condition, ms: number): Promise<{ status: StepStatus; text: string }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const verdict = await evaluate(condition, this.context());
      if (verdict.met) return { status: 'met', text: verdict.seen };
      if (Date.now() >= deadline || this.options.signal?.aborted === true) return { status: 'missed', text: `after ${Math.round(ms / 1000)} s: ${verdict.seen}` };
      await pause(POLL_MS);
    }
  }

  private async fund(index: number, units: bigint, timeoutMs: number | undefined): Promise<{ status: StepStatus; text: string }> {
    const node = this.nodeAt(index);
    const have = await spendableCoins(node);
    if (have >= units) return { status: 'done', text: `node ${index} can already spend ${formatCoins(have)} coins` };
    if (this.mode === 'generate') {
      // Coinbases mature after coinbaseMaturity blocks: mine enough rewards, then that many more.
      const height = (await node.api<Status>('GET', '/status')).height;
      let rewards = 0n;
      let blocks = 0;
      while (rewards < units - have && blocks < 10_000) rewards += blockSubsidy(height + 1 + blocks++, this.params);
      await this.generateOn(index, blocks + this.params.coinbaseMaturity);
    }
    const bound = timeoutMs ?? this.miningBound(this.params.coinbaseMaturity + 2);
    const verdict = await this.until({ kind: 'balance', value: { node: index, atLeast: formatCoins(units) } }, bound);
    if (verdict.status !== 'met') throw new ScenarioStepError('not-funded', `node ${index} could not spend ${formatCoins(units)} coins: ${verdict.text}`);
    return { status: 'done', text: verdict.text };
  }

  private async mine(m: { node?: number; nodes?: number[]; blocks: number; label?: string; timeout?: number; spacing?: number; windowLeft?: number }): Promise<{ status: StepStatus; text: string }> {
    const miners = m.node !== undefined ? [m.node] : m.nodes!;
    let last: string | undefined;
    const by: number[] = [];
    if (this.mode === 'generate') {
      const spacingSec = m.spacing === undefined ? undefined : m.spacing / 1000;
      const more = async (): Promise<boolean> => {
        if (by.length < m.blocks) return true;
        if (m.windowLeft === undefined) return false;
        return (await this.blocksLeftInWindow(miners[0]!)) !== m.windowLeft;
      };
      // Bounded: at most one retarget interval past `blocks` lines the tip up.
      for (let i = 0; i < m.blocks + retargetInterval(this.params) && (await more()); i++) {
        const miner = miners.length === 1 ? miners[0]! : this.pick(miners);
        last = (await this.generateOn(miner, 1, spacingSec)).at(-1);
        by.push(miner);
      }
    } else {
      const from = this.found.length;
      const deadline = Date.now() + (m.timeout ?? this.miningBound(m.blocks));
      for (;;) {
        const mine = this.found.slice(from).filter((b) => b.miner !== null && miners.includes(b.miner));
        if (mine.length >= m.blocks) {
          last = mine[m.blocks - 1]!.hash;
          by.push(...mine.slice(0, m.blocks).map((b) => b.miner!));
          break;
        }
        if (Date.now() >= deadline || this.options.signal?.aborted === true) throw new ScenarioStepError('mining-timeout', `node ${miners.join(' or ')} found ${mine.length} of ${m.blocks} blocks in time`);
        await pause(POLL_MS);
      }
    }
    if (m.label !== undefined && last !== undefined) this.blocks.set(m.label, last);
    const count = (n: number): number => by.filter((b) => b === n).length;
    return { status: 'done', text: `${miners.map((n) => `node ${n} mined ${count(n)}`).join(', ')}${last === undefined ? '' : `; last ${last}`}${m.label === undefined ? '' : ` (${m.label})`}` };
  }

  /**
   * blocksLeftInWindow: how many blocks node `index` can add before the next one is a
   * retarget block (0: the next block is the first of a new window's difficulty).
   */
  private async blocksLeftInWindow(index: number): Promise<number> {
    const interval = retargetInterval(this.params);
    const { height } = await this.nodeAt(index).api<Status>('GET', '/status');
    return interval - 1 - (height % interval);
  }

  /** generateOn makes blocks on one node now and waits until every node of its group has them (so the next block builds on them). */
  private async generateOn(index: number, blocks: number, spacingSec?: number): Promise<string[]> {
    const hashes: string[] = [];
    // The node's API takes a bounded count a call.
    for (let left = blocks; left > 0; left -= 100) hashes.push(...(await this.devnet.generate(index, Math.min(100, left), spacingSec === undefined ? {} : { spacingSec })));
    const tip = hashes.at(-1);
    if (tip === undefined) throw new ScenarioStepError('not-mined', `node ${index} made no block`);
    const groups = this.devnet.view().groups;
    const group = (groups?.find((g) => g.includes(index)) ?? this.devnet.nodes.map((n) => n.index)).filter((n) => n < this.scenario.nodes && this.devnet.nodes[n]!.alive);
    const deadline = Date.now() + GROUP_SYNC_MS;
    for (;;) {
      const statuses = await Promise.all(group.map((n) => this.devnet.nodes[n]!.api<Status>('GET', '/status').catch(() => undefined)));
      if (statuses.every((s) => s?.tip === tip)) return hashes;
      if (Date.now() >= deadline) throw new ScenarioStepError('not-relayed', `block ${tip} did not reach every node of node ${index}'s group {${group.join(', ')}} within ${GROUP_SYNC_MS / 1000} s`);
      await pause(POLL_MS);
    }
  }

  private shareCache: number[] | undefined;
  private shares(): number[] {
    this.shareCache ??= this.scenario.shares?.slice() ?? Array.from({ length: this.scenario.nodes }, () => 1);
    return this.shareCache;
  }

  /** pick draws the miner of the next block among `miners` by their shares, from the seeded stream. */
  private pick(miners: number[]): number {
    const shares = this.shares();
    const total = miners.reduce((s, n) => s + shares[n]!, 0);
    let u = this.random.uniform() * total;
    for (const n of miners) {
      u -= shares[n]!;
      if (u < 0) return n;
    }
    return miners.at(-1)!;
  }

  /** miningBound: a generous bound for `blocks` blocks of live mining (ten times the expected time of the whole network, at least a minute). */
  private miningBound(blocks: number): number {
    return Math.max(60_000, blocks * this.params.targetSpacing * 1000 * 10);
  }

  private nodeAt(index: number) {
    const node = this.devnet.nodes[index];
    if (node === undefined) throw new ScenarioStepError('no-such-node', `there is no node ${index}`);
    return node;
  }
}

/**
 * refusalOf says why `scenario` cannot run on a devnet of `params` made at `mode`, in the
 * words of what to do, or null: the wrong network, or block times and retarget windows
 * asked of miners that cannot be told when to find their blocks.
 */
export function refusalOf(scenario: Scenario, params: NetworkParams, mode: 'generate' | 'mining'): { code: string; message: string } | null {
  if (scenario.network !== undefined && scenario.network !== params.name) {
    return { code: 'wrong-network', message: `this lesson needs a ${scenario.network} devnet and this one runs ${params.name}: start one with toychain devnet --network ${scenario.network} (toychain scenario run FILE starts one by itself)` };
  }
  const timed = scenario.steps.filter((s) => s.kind === 'mine' && (s.value.spacing !== undefined || s.value.windowLeft !== undefined));
  if (timed.length === 0) return null;
  if (mode === 'mining') return { code: 'needs-generate', message: 'this lesson sets when its blocks are found and lines them up with the retarget, which only blocks made on demand allow: switch every miner off (Mining: off)' };
  if (params.mockableChain !== true) return { code: 'mocktime-not-allowed', message: `this lesson stamps its blocks' times, and ${params.name}'s clock cannot be set: run it on regtest-retarget (toychain devnet --network regtest-retarget)` };
  if (params.noRetargeting && scenario.steps.some((s) => s.kind === 'mine' && s.value.windowLeft !== undefined)) return { code: 'no-retarget', message: `this lesson lines its blocks up with the retarget, and ${params.name} never retargets: run it on regtest-retarget (toychain devnet --network regtest-retarget)` };
  return null;
}

/** describe is a step in a few words, printed as it starts. */
export function describe(step: Step): string {
  switch (step.kind) {
    case 'wait':
    case 'expect':
      return `${step.kind} ${step.value.condition.kind} ${JSON.stringify(step.value.condition.value)}`;
    case 'note':
      return step.value;
    default:
      return `${step.kind} ${JSON.stringify(step.value)}`;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
