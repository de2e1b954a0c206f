/**
 * The scenario file: a lesson's text for the class and its timed steps, as YAML or JSON.
 * Each step is an object with one key, the step's kind (`split`, `mine`, `wait`…), whose
 * value is that kind's settings. A file is read whole and checked before anything runs:
 * a bad one fails with a ScenarioFileError that lists every problem by its place in the
 * file (`steps[3].split: …`), so nothing half-runs. docs/scenarios.md describes the format.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { networks } from '../consensus/params.js';

/** A bad scenario file: each problem names where it is (`steps[2].send.amount`) and what is wrong. */
export class ScenarioFileError extends Error {
  readonly code = 'bad-scenario';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: not a usable scenario:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioFileError';
  }
}

const MAX_NODES = 64;
const MAX_STEPS = 500;
const MAX_MS = 3_600_000;
/** The largest block spacing a mine step may ask for: well inside the 2 h a block may be ahead of a node's clock. */
const MAX_SPACING_MS = 30 * 60_000;

const node = z.number({ error: 'a node is a number, counted from 0' }).int('a node is a whole number').min(0, 'nodes are counted from 0').max(MAX_NODES - 1);
const nodeList = z.array(node, { error: 'a list of node numbers, e.g. [0, 1]' }).min(1, 'name at least one node');
/** `all` or a list of node numbers. */
const nodes = z.union([z.literal('all'), nodeList], { error: "nodes are 'all' or a list of node numbers, e.g. [0, 1]" });
const label = z.string({ error: 'a label is a short name, e.g. pay-merchant' }).regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'a label starts with a letter and has letters, digits, - or _ (at most 40)');
const coins = z.string({ error: 'coins are a string, e.g. "1.5" (quoted, so YAML keeps every digit)' }).regex(/^\d{1,8}(\.\d{1,8})?$/, 'coins are a number with at most 8 decimals, e.g. "1.5"');
/** A duration: "500ms", "30s", "2m" or a number of milliseconds. */
const duration = z
  .union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration is like 500ms, 30s or 2m')], { error: 'a duration is like 500ms, 30s or 2m' })
  .transform((d) => (typeof d === 'number' ? d : durationMs(d)))
  .refine((ms) => ms <= MAX_MS, `a duration is at most ${MAX_MS / 60_000} minutes`);

function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text)!;
  return Math.round(Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1));
}

// ---- conditions: what `wait` waits for and `expect` checks ---------------------------------

/** The condition kinds, each checked against the devnet's nodes now (src/scenario/conditions.ts). */
export const conditionSchemas = {
  /** every listed node reports the same tip */
  sameTip: nodes,
  /** these two nodes report different tips (the network has forked) */
  tipsDiffer: z.tuple([node, node], { error: 'tipsDiffer names two nodes, e.g. [0, 2]' }),
  /** every listed node is at least this high (absolute), or this many blocks above where it was when the scenario started */
  height: z.strictObject({ nodes: nodes.default('all'), atLeast: z.number().int().min(0).optional(), gained: z.number().int().min(1).optional() }).refine((h) => (h.atLeast === undefined) !== (h.gained === undefined), 'say atLeast (a height) or gained (blocks since the start), one of them'),
  /** node `node` has strictly more chainwork than node `than` */
  moreWork: z.strictObject({ node, than: node }),
  /** node `node`'s chain has strictly more blocks than node `than`'s (longer, which is not the same as more work) */
  longer: z.strictObject({ node, than: node }),
  /** a labelled block is on the active chain of every listed node */
  onChain: z.strictObject({ block: label, nodes: nodes.default('all') }),
  /** a labelled block is not on the active chain of any listed node (it went stale) */
  offChain: z.strictObject({ block: label, nodes: nodes.default('all') }),
  /** a node (or any) reorganised since the scenario started, at least this deep */
  reorg: z.strictObject({ node: node.optional(), depthAtLeast: z.number().int().min(1).default(1) }),
  /** a labelled payment, as every listed node sees it */
  payment: z.strictObject({
    label,
    status: z.enum(['confirmed', 'pending', 'reversed'], { error: 'status is confirmed, pending or reversed' }),
    confirmations: z.number().int().min(1).optional(),
    nodes: nodes.default('all'),
  }),
  /** a node's mining key can spend at least this many coins */
  balance: z.strictObject({ node, atLeast: coins }),
} as const;

export type ConditionKind = keyof typeof conditionSchemas;
export type Condition = { [K in ConditionKind]: { kind: K; value: z.output<(typeof conditionSchemas)[K]> } }[ConditionKind];
export const CONDITION_KINDS = Object.keys(conditionSchemas) as ConditionKind[];

// ---- steps ---------------------------------------------------------------------------

const groups = z.array(nodeList, { error: 'split takes groups: a list of lists of node numbers, e.g. [[0, 1], [2]]' }).min(2, 'a split needs at least two groups');

export const stepSchemas = {
  /** a line for the class, printed as the step runs */
  note: z.string({ error: 'note is a sentence for the class' }).min(1).max(500),
  /** split the nodes into groups that drop and refuse each other until heal */
  split: groups,
  /** reconnect every node */
  heal: z.union([z.null(), z.literal(true), z.strictObject({})], { error: 'heal takes nothing: write `- heal: {}`' }).transform(() => ({})),
  /** the link delay of every node's messages, or one node's */
  delay: z.strictObject({ delayMs: z.number().int().min(0).max(5000), jitterMs: z.number().int().min(0).max(5000).default(0), node: node.optional() }),
  /** one node's share of the hash power (0 < share ≤ 1) */
  share: z.strictObject({ node, share: z.number().gt(0, 'a share is above 0').max(1, 'a share is at most 1') }),
  /** switch these nodes' miners off (they find no blocks) or on again (mining mode; generate mode makes blocks only in mine steps anyway) */
  mining: z.strictObject({ nodes: nodeList, active: z.boolean({ error: 'active is true (mining) or false (resting)' }) }),
  /** make sure a node's key can spend `coins` (regtest: generate until its coinbases mature; mining: wait for it) */
  fund: z.strictObject({ node, coins, timeout: duration.optional() }),
  /**
   * blocks by one node, or by several picked by their shares with the seed (regtest: generate; mining: wait for them).
   * On a network whose clock can be set, `spacing` stamps each block that long after its parent, and `windowLeft`
   * mines on past `blocks` until that many blocks are left before the next retarget (blocks made on demand only).
   */
  mine: z
    .strictObject({
      node: node.optional(),
      nodes: nodeList.optional(),
      blocks: z.number().int().min(1).max(200),
      label: label.optional(),
      timeout: duration.optional(),
      spacing: duration.refine((ms) => ms % 1000 === 0 && ms >= 1000 && ms <= MAX_SPACING_MS, `a spacing is whole seconds, from 1s to ${MAX_SPACING_MS / 60_000}m (a header's time counts seconds)`).optional(),
      windowLeft: z.number().int().min(0, 'windowLeft is how many blocks are left before the next retarget: 0 or more').max(1000).optional(),
    })
    .refine((m) => (m.node === undefined) !== (m.nodes === undefined), 'say node (one miner) or nodes (several, picked by share), one of them'),
  /** pay coins from a node's mining key to another node (or an address), sent through `via` (default: the payer) */
  send: z.strictObject({ from: node, to: z.union([node, z.string().min(1).max(120)], { error: 'to is a node number or an address' }), amount: coins, label: label.optional(), via: node.optional() }),
  /** spend the same coins as payment `of` again, to `to` (default: back to the payer), sent through `via`: a double spend */
  doubleSpend: z.strictObject({ of: label, to: node.optional(), via: node, label: label.optional() }),
  /** wait until a condition holds; a timeout ends the scenario as missed */
  wait: z.record(z.string(), z.unknown()),
  /** check a condition, allowing it `within` to become true; a miss is reported and the scenario goes on */
  expect: z.record(z.string(), z.unknown()),
} as const;

export type StepKind = keyof typeof stepSchemas;
export const STEP_KINDS = Object.keys(stepSchemas) as StepKind[];

type Plain<K extends Exclude<StepKind, 'wait' | 'expect'>> = { kind: K; value: z.output<(typeof stepSchemas)[K]> };
export type Step =
  | { [K in Exclude<StepKind, 'wait' | 'expect'>]: Plain<K> }[Exclude<StepKind, 'wait' | 'expect'>]
  | { kind: 'wait'; value: { condition: Condition; timeoutMs: number } }
  | { kind: 'expect'; value: { condition: Condition; withinMs: number } };

/** Default bound of a wait, and how long an expectation may take to become true. */
export const DEFAULT_WAIT_MS = 60_000;
export const DEFAULT_WITHIN_MS = 10_000;

const header = z.strictObject({
  title: z.string({ error: 'title is the lesson\'s name' }).min(1).max(120),
  idea: z.string({ error: 'idea is two sentences of the idea, for the class' }).min(1).max(1000),
  question: z.string({ error: 'question is what to ask the class' }).min(1).max(500),
  /** nodes the scenario needs */
  nodes: z.number({ error: 'nodes is how many nodes the scenario needs' }).int().min(1).max(MAX_NODES),
  /** the network the lesson needs (default: any); `scenario run` starts its devnet on it */
  network: z.enum(Object.keys(networks) as [string, ...string[]], { error: `network is one of the built-in networks: ${Object.keys(networks).join(', ')}` }).optional(),
  /** each node's share of the hash power, set before the first step */
  shares: z.array(z.number().gt(0, 'a share is above 0').max(1, 'a share is at most 1')).optional(),
  steps: z.array(z.unknown(), { error: 'steps is a list of steps' }).min(1, 'a scenario has at least one step').max(MAX_STEPS),
});

export interface Scenario {
  title: string;
  idea: string;
  question: string;
  nodes: number;
  /** the network it needs, if it needs one */
  network?: string;
  shares?: number[];
  steps: Step[];
}

/** parseScenario reads YAML (JSON is YAML too) and checks it; `source` names the file in errors. */
export function parseScenario(text: string, source: string): Scenario {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new ScenarioFileError(source, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  return checkScenario(doc.toJS({ maxAliasCount: 100 }) as unknown, source);
}

/** loadScenarioFile reads and checks a scenario file; an unreadable file is a ScenarioFileError too. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioFileError(path, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseScenario(text, path);
}

/** checkScenario validates an already-parsed value (a page may send the object itself). */
export function checkScenario(value: unknown, source: string): Scenario {
  const problems: string[] = [];
  const top = header.safeParse(value);
  if (!top.success) throw new ScenarioFileError(source, top.error.issues.map((i) => `${where(i.path)}: ${i.message}`));
  const h = top.data;
  // Each step keeps its place in the file, so a problem found later names the right one.
  const checked: [number, Step][] = [];
  h.steps.forEach((raw, i) => {
    const step = checkStep(raw, `steps[${i}]`, problems);
    if (step !== undefined) checked.push([i, step]);
  });
  const steps = checked.map(([, s]) => s);
  if (h.shares !== undefined && h.shares.length !== h.nodes) problems.push(`shares: ${h.shares.length} shares for ${h.nodes} nodes: give one share per node`);
  for (const [i, s] of checked) for (const n of nodesOf(s)) if (n >= h.nodes) problems.push(`steps[${i}].${s.kind}: node ${n} does not exist: the scenario has nodes 0 to ${h.nodes - 1}`);
  checkLabels(checked, problems);
  if (problems.length > 0) throw new ScenarioFileError(source, problems);
  return { title: h.title, idea: h.idea, question: h.question, nodes: h.nodes, ...(h.network === undefined ? {} : { network: h.network }), ...(h.shares === undefined ? {} : { shares: h.shares }), steps };
}

function checkStep(raw: unknown, at: string, problems: string[]): Step | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at}: a step is an object with one key, its kind (${STEP_KINDS.join(', ')})`);
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    problems.push(`${at}: a step has exactly one key, its kind; this one has ${keys.length === 0 ? 'none' : keys.join(', ')}`);
    return undefined;
  }
  const kind = keys[0]!;
  const body = (raw as Record<string, unknown>)[kind];
  if (!(kind in stepSchemas)) {
    problems.push(`${at}: unknown step '${kind}'${suggest(kind, STEP_KINDS)}`);
    return undefined;
  }
  if (kind === 'wait' || kind === 'expect') return checkConditionStep(kind, body, `${at}.${kind}`, problems);
  const parsed = stepSchemas[kind as Exclude<StepKind, 'wait' | 'expect'>].safeParse(body);
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push(`${at}.${kind}${i.path.length > 0 ? where(i.path, true) : ''}: ${i.message}`);
    return undefined;
  }
  return { kind, value: parsed.data } as Step;
}

/** A wait or expect body: one condition key, plus `timeout` (wait) or `within` (expect). */
function checkConditionStep(kind: 'wait' | 'expect', body: unknown, at: string, problems: string[]): Step | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    problems.push(`${at}: name one condition (${CONDITION_KINDS.join(', ')}), e.g. { sameTip: all }`);
    return undefined;
  }
  const bound = kind === 'wait' ? 'timeout' : 'within';
  const { [bound]: boundValue, ...rest } = body as Record<string, unknown>;
  const keys = Object.keys(rest);
  if (keys.length !== 1) {
    problems.push(`${at}: name exactly one condition (${CONDITION_KINDS.join(', ')})${keys.length === 0 ? '' : `; found ${keys.join(', ')}`}`);
    return undefined;
  }
  const ckind = keys[0]!;
  if (!(ckind in conditionSchemas)) {
    problems.push(`${at}: unknown condition '${ckind}'${suggest(ckind, [...CONDITION_KINDS, bound])}`);
    return undefined;
  }
  const parsed = conditionSchemas[ckind as ConditionKind].safeParse(rest[ckind]);
  const ms = boundValue === undefined ? { success: true as const, data: kind === 'wait' ? DEFAULT_WAIT_MS : DEFAULT_WITHIN_MS } : duration.safeParse(boundValue);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${at}.${ckind}${i.path.length > 0 ? where(i.path, true) : ''}: ${i.message}`);
  if (!ms.success) for (const i of ms.error.issues) problems.push(`${at}.${bound}: ${i.message}`);
  if (!parsed.success || !ms.success) return undefined;
  const condition = { kind: ckind, value: parsed.data } as Condition;
  return kind === 'wait' ? { kind, value: { condition, timeoutMs: ms.data } } : { kind, value: { condition, withinMs: ms.data } };
}

/** Every label is given once before it is used, so a typo is caught before the devnet starts. */
function checkLabels(steps: [number, Step][], problems: string[]): void {
  const blocks = new Set<string>();
  const payments = new Set<string>();
  steps.forEach(([i, s]) => {
    const at = `steps[${i}].${s.kind}`;
    const define = (set: Set<string>, name: string | undefined): void => {
      if (name === undefined) return;
      if (blocks.has(name) || payments.has(name)) problems.push(`${at}.label: '${name}' is already used by an earlier step: pick another name`);
      set.add(name);
    };
    const use = (set: Set<string>, name: string, what: string): void => {
      if (!set.has(name)) problems.push(`${at}: no earlier step labels a ${what} '${name}'${suggest(name, [...set])}`);
    };
    if (s.kind === 'mine') define(blocks, s.value.label);
    if (s.kind === 'send') define(payments, s.value.label);
    if (s.kind === 'doubleSpend') {
      use(payments, s.value.of, 'payment');
      define(payments, s.value.label);
    }
    if (s.kind === 'wait' || s.kind === 'expect') {
      const c = s.value.condition;
      if (c.kind === 'onChain' || c.kind === 'offChain') use(blocks, c.value.block, 'block');
      if (c.kind === 'payment') use(payments, c.value.label, 'payment');
    }
  });
}

/** nodesOf lists the node numbers a step names, to check them against the scenario's `nodes`. */
function nodesOf(s: Step): number[] {
  const list = (n: 'all' | number[]): number[] => (n === 'all' ? [] : n);
  switch (s.kind) {
    case 'split':
      return s.value.flat();
    case 'delay':
      return s.value.node === undefined ? [] : [s.value.node];
    case 'share':
    case 'fund':
      return [s.value.node];
    case 'mining':
      return s.value.nodes;
    case 'mine':
      return s.value.node !== undefined ? [s.value.node] : (s.value.nodes ?? []);
    case 'send':
      return [s.value.from, ...(typeof s.value.to === 'number' ? [s.value.to] : []), ...(s.value.via === undefined ? [] : [s.value.via])];
    case 'doubleSpend':
      return [s.value.via, ...(s.value.to === undefined ? [] : [s.value.to])];
    case 'wait':
    case 'expect': {
      const c = s.value.condition;
      switch (c.kind) {
        case 'sameTip':
          return list(c.value);
        case 'tipsDiffer':
          return [...c.value];
        case 'moreWork':
        case 'longer':
          return [c.value.node, c.value.than];
        case 'reorg':
          return c.value.node === undefined ? [] : [c.value.node];
        case 'balance':
          return [c.value.node];
        default:
          return list(c.value.nodes);
      }
    }
    default:
      return [];
  }
}

/** where writes a zod path as it reads in the file: `steps[2]` at the top, `.amount` or `[1]` below a step. */
function where(path: PropertyKey[], below = false): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' && !below ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

/** suggest names the closest known word (one or two letters off), as a hint. */
function suggest(word: string, known: string[]): string {
  const close = known.find((k) => k.toLowerCase() === word.toLowerCase() || editDistance(k.toLowerCase(), word.toLowerCase()) <= 2);
  if (close !== undefined) return ` (did you mean ${close}?)`;
  return known.length === 0 ? '' : `; known: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}
