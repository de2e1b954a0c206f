/**
 * Replay: a scenario's event log reduced to the block tree as it was at a moment. Pure:
 * the same events and the same moment give the same state, so `toychain scenario
 * replay --at T` and the dashboard's slider show the same tree. Nothing here reads a
 * clock or a node.
 */
import type { LoggedEvent, StepStatus } from './event-log.js';

export interface ReplayBlock {
  hash: string;
  prevHash: string | null;
  height: number;
  /** the node whose key the coinbase pays (null: none of the devnet's) */
  miner: number | null;
  /** the first node that had it */
  node: number;
  /** ms since the start when it appeared */
  t: number;
}

export interface ReplayReorg {
  t: number;
  node: number;
  depth: number;
  oldTip: string;
  newTip: string;
  fork: string;
}

export interface ReplayBranch {
  /** a block no known block builds on */
  tip: string;
  height: number;
  /** nodes whose tip it is at that moment */
  nodes: number[];
  /** the newest block it shares with the branch of the most nodes (itself for that branch) */
  fork: string | null;
}

export interface ReplayState {
  /** the moment: ms since the start; events with t ≤ this are applied */
  t: number;
  title: string;
  nodes: number;
  blocks: ReplayBlock[];
  /** each node's tip at that moment */
  tips: Record<number, { hash: string; height: number }>;
  groups: number[][] | null;
  reorgs: ReplayReorg[];
  /** each step's latest status by then */
  steps: { index: number; step: string; status: StepStatus; text: string }[];
  payments: { txid: string; label: string | null; t: number; doubleSpendOf: string | null }[];
  ended: { met: number; missed: number; ok: boolean } | null;
}

/** replayAt applies the events up to moment `t` (default: all of them) and returns the state then. */
export function replayAt(events: readonly LoggedEvent[], t = Number.POSITIVE_INFINITY): ReplayState {
  const first = events[0];
  const state: ReplayState = { t, title: first?.kind === 'scenario' ? first.title : '', nodes: first?.kind === 'scenario' ? first.nodes : 0, blocks: [], tips: {}, groups: null, reorgs: [], steps: [], payments: [], ended: null };
  const known = new Set<string>();
  for (const e of events) {
    if (e.t > t) break;
    switch (e.kind) {
      case 'snapshot':
        for (const [node, tip] of Object.entries(e.tips)) state.tips[Number(node)] = tip;
        break;
      case 'block':
        if (known.has(e.hash)) break;
        known.add(e.hash);
        state.blocks.push({ hash: e.hash, prevHash: e.prevHash, height: e.height, miner: e.miner, node: e.node, t: e.t });
        break;
      case 'tip':
        state.tips[e.node] = { hash: e.hash, height: e.height };
        break;
      case 'reorg':
        state.reorgs.push({ t: e.t, node: e.node, depth: e.depth, oldTip: e.oldTip, newTip: e.newTip, fork: e.fork });
        break;
      case 'split':
        state.groups = e.groups.map((g) => [...g]);
        break;
      case 'heal':
        state.groups = null;
        break;
      case 'tx':
        state.payments.push({ txid: e.txid, label: e.label, t: e.t, doubleSpendOf: e.doubleSpendOf });
        break;
      case 'step': {
        const i = state.steps.findIndex((s) => s.index === e.index);
        const entry = { index: e.index, step: e.step, status: e.status, text: e.text };
        if (i < 0) state.steps.push(entry);
        else state.steps[i] = entry;
        break;
      }
      case 'end':
        state.ended = { met: e.met, missed: e.missed, ok: e.ok };
        break;
      default:
        break;
    }
  }
  if (t === Number.POSITIVE_INFINITY) state.t = events.at(-1)?.t ?? 0;
  return state;
}

/** moments are the times at which the tree or the tips changed: the stops of a replay slider. */
export function moments(events: readonly LoggedEvent[]): number[] {
  const out: number[] = [];
  for (const e of events) if ((e.kind === 'block' || e.kind === 'tip' || e.kind === 'reorg' || e.kind === 'split' || e.kind === 'heal') && out.at(-1) !== e.t) out.push(e.t);
  return out;
}

/** branches lists the tree's leaves at that moment with the nodes on each, most nodes first. */
export function branches(state: ReplayState): ReplayBranch[] {
  const byHash = new Map(state.blocks.map((b) => [b.hash, b]));
  const hasChild = new Set(state.blocks.map((b) => b.prevHash).filter((h): h is string => h !== null));
  const leaves = new Map<string, ReplayBranch>();
  for (const b of state.blocks) if (!hasChild.has(b.hash)) leaves.set(b.hash, { tip: b.hash, height: b.height, nodes: [], fork: null });
  for (const [node, tip] of Object.entries(state.tips)) {
    const leaf = leaves.get(tip.hash) ?? { tip: tip.hash, height: tip.height, nodes: [], fork: null };
    leaf.nodes.push(Number(node));
    leaves.set(tip.hash, leaf);
  }
  const list = [...leaves.values()].sort((a, b) => b.nodes.length - a.nodes.length || b.height - a.height);
  const main = list[0];
  if (main === undefined) return [];
  const mainChain = new Set<string>();
  for (let h: string | null = main.tip; h !== null && !mainChain.has(h); h = byHash.get(h)?.prevHash ?? null) mainChain.add(h);
  for (const leaf of list) {
    let h: string | null = leaf.tip;
    while (h !== null && !mainChain.has(h)) h = byHash.get(h)?.prevHash ?? null;
    leaf.fork = h;
  }
  return list;
}
