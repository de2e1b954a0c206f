/**
 * The devnet supervisor's view of its own nodes (GET /api/v1/devnet): each node's card
 * from its process state and last status, the groups and edges as wired, the best tip
 * and the stale and propagation figures. Its own module because the view is a pure
 * function of what the supervisor has read (devnet.ts), apart from starting, wiring and
 * reading the nodes — as watched-network.ts is for the watcher.
 */
import { join } from 'node:path';
import type { Status } from '../api/contract/responses.js';
import type { NetworkParams } from '../consensus/params.js';
import type { LinkShape } from '../p2p/link-shaping.js';
import { modelForkProbability, STALE_WINDOW, type BlockTree } from './block-tree.js';
import type { ChildNode } from './child-node.js';
import type { DevnetView, NodeView } from './devnet-view.js';
import type { DevnetWiring } from './devnet-wiring.js';
import type { NodeBalance } from './node-payments.js';

/** A running node whose last status is older than this is shown unreachable. */
const UNREACHABLE_MS = 5_000;

/** What the supervisor has read and been asked, the view's inputs. */
export interface SupervisedNetwork {
  params: NetworkParams;
  nodes: readonly ChildNode[];
  statuses: ReadonlyMap<number, { at: number; status: Status }>;
  balances: ReadonlyMap<number, NodeBalance>;
  tips: Record<number, string>;
  tree: BlockTree;
  wiring: DevnetWiring;
  miningWanted: readonly boolean[];
  shares: readonly number[];
  paused: boolean;
  link: LinkShape;
}

export function devnetView(net: SupervisedNetwork, now: number): DevnetView {
  const { params, tree, link } = net;
  const bestTip = bestTipOf(net.statuses);
  const spacingMs = params.targetSpacing * 1000;
  const propagation = bestTip === undefined ? { blocks: 0, medianMs: null, p90Ms: null, meanMs: null, maxMs: null, heldBySplit: 0 } : tree.propagation(bestTip, STALE_WINDOW);
  return {
    network: params.name,
    targetSpacingSec: params.targetSpacing,
    blocksOnDemand: params.mockableChain === true,
    nodes: net.nodes.map((n) => nodeView(net, n, now)),
    groups: net.wiring.groups,
    paused: net.paused,
    link,
    edges: net.wiring.currentEdges(),
    bestTip: bestTip ?? null,
    stale: {
      ...(bestTip === undefined ? { blocks: 0, stale: 0, rate: null, splitStale: 0 } : tree.staleFigures(bestTip, STALE_WINDOW)),
      window: STALE_WINDOW,
      model: modelForkProbability(link.delayMs + link.jitterMs / 2, spacingMs),
      modelByPropagation: propagation.medianMs === null ? null : modelForkProbability(propagation.medianMs, spacingMs),
    },
    propagation,
    tips: { ...net.tips },
  };
}

function nodeView(net: SupervisedNetwork, n: ChildNode, now: number): NodeView {
  const { statuses, wiring } = net;
  const s = statuses.get(n.index);
  const group = wiring.groupOf(n.index);
  const groupBest = Math.max(...net.nodes.filter((m) => wiring.groupOf(m.index) === group).map((m) => statuses.get(m.index)?.status.height ?? -1));
  const unreachable = n.alive && (s === undefined || now - s.at > UNREACHABLE_MS);
  return {
    index: n.index,
    state: n.state,
    alive: n.alive,
    pid: n.pid ?? null,
    apiUrl: n.endpoints?.apiUrl ?? null,
    p2pUrl: n.endpoints?.p2pUrl ?? null,
    group,
    address: n.wallet?.address ?? null,
    miningWanted: net.miningWanted[n.index]! && !net.paused,
    share: net.shares[n.index]!,
    status: s?.status ?? null,
    statusAt: s?.at ?? null,
    unreachable,
    lagging: s !== undefined && n.alive && groupBest - s.status.height >= 2,
    exitInfo: n.exitInfo ?? null,
    log: join(n.options.datadir, 'node.log'),
    balance: net.balances.get(n.index) ?? null,
  };
}

/** bestTipOf is the tip with the most chainwork any reachable node reports. */
export function bestTipOf(statuses: ReadonlyMap<number, { status: Status }>): string | undefined {
  let best: { tip: string; work: bigint } | undefined;
  for (const { status } of statuses.values()) {
    const work = BigInt(`0x${status.chainwork}`);
    if (best === undefined || work > best.work) best = { tip: status.tip, work };
  }
  return best?.tip;
}
