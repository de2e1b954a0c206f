/**
 * The watcher's view of the nodes it watches, computed from what it last read of them:
 * which of them are connected (edges from their actual outbound connections), the groups
 * those edges make, the best tip, and the DevnetView the page draws. Its own module
 * because this is a pure function of the readings, apart from the polling and the
 * event streams that gather them (watcher.ts).
 */
import type { Status } from '../api/contract/responses.js';
import { NO_SHAPING } from '../p2p/link-shaping.js';
import type { NetworkParams } from '../consensus/params.js';
import { modelForkProbability, STALE_WINDOW, type BlockTree } from './block-tree.js';
import type { EventFeed } from './event-feed.js';
import type { DevnetView, NodeView } from './devnet-view.js';
import type { Edge } from './topology.js';
import type { PeerBook, WatchedPeer } from './watched-peers.js';

/** One watched node and what was last read of it. */
export interface Watched {
  index: number;
  /** …/api/v1 */
  apiUrl: string;
  feed: EventFeed;
  /** what its GET /status last answered (the node API's contract), and when */
  status: { at: number; status: Status } | undefined;
  peers: WatchedPeer[];
  loaded: boolean;
  /** what the page calls it besides its number ("teacher"), if anything */
  label: string | undefined;
}

/** A node whose last status is older than this is shown unreachable. */
const UNREACHABLE_MS = 5_000;

/** What the view is computed from, besides the watched nodes. */
export interface WatchedNetwork {
  list: Watched[];
  tree: BlockTree;
  peerBook: PeerBook;
  tips: Record<number, string>;
  params: NetworkParams | undefined;
}

export function isUnreachable(w: Watched, now: number): boolean {
  return w.status === undefined || now - w.status.at > UNREACHABLE_MS;
}

/** watchedView is the devnet-shaped view (GET /api/v1/devnet) of the watched nodes as last read. */
export function watchedView({ list, tree, peerBook, tips, params }: WatchedNetwork, now: number): DevnetView {
  const first = list.find((w) => w.status !== undefined)?.status?.status.network;
  const spacingSec = params?.targetSpacing ?? 10;
  const edges = watchedEdges(list, peerBook);
  const groups = components(list.map((w) => w.index), edges);
  const groupOf = (index: number): number => (groups.length <= 1 ? 0 : groups.findIndex((g) => g.includes(index)));
  const best = bestTip(list);
  const propagation = best === undefined ? { blocks: 0, medianMs: null, p90Ms: null, meanMs: null, maxMs: null, heldBySplit: 0 } : tree.propagation(best, STALE_WINDOW);
  return {
    network: first ?? 'unknown',
    targetSpacingSec: spacingSec,
    blocksOnDemand: params?.mockableChain === true,
    nodes: list.map((w) => nodeView(w, now, groupOf, list, peerBook)),
    groups: groups.length <= 1 ? null : groups,
    paused: false,
    link: NO_SHAPING,
    edges,
    bestTip: best ?? null,
    stale: {
      ...(best === undefined ? { blocks: 0, stale: 0, rate: null, splitStale: 0 } : tree.staleFigures(best, STALE_WINDOW)),
      window: STALE_WINDOW,
      model: 0,
      modelByPropagation: propagation.meanMs === null ? null : modelForkProbability(propagation.meanMs, spacingSec * 1000),
    },
    propagation,
    tips: Object.fromEntries(list.filter((w) => tips[w.index] !== undefined).map((w) => [w.index, tips[w.index]!])),
  };
}

function nodeView(w: Watched, now: number, groupOf: (i: number) => number, list: Watched[], peerBook: PeerBook): NodeView {
  const s = w.status;
  const group = groupOf(w.index);
  const groupBest = Math.max(...list.filter((m) => groupOf(m.index) === group).map((m) => m.status?.status.height ?? -1));
  const unreachable = isUnreachable(w, now);
  const p2pPort = s?.status.p2pPort;
  return {
    index: w.index,
    state: unreachable ? 'unreachable' : 'running',
    alive: !unreachable,
    pid: null,
    apiUrl: w.apiUrl,
    p2pUrl: p2pPort === undefined ? null : `ws://${new URL(w.apiUrl).host.replace(/:\d+$/, '')}:${p2pPort}`,
    group,
    address: null,
    miningWanted: s?.status.mining.active ?? false,
    share: 1,
    status: s?.status ?? null,
    statusAt: s?.at ?? null,
    unreachable,
    lagging: s !== undefined && !unreachable && groupBest - s.status.height >= 2,
    exitInfo: unreachable ? `no answer from ${w.apiUrl}` : null,
    log: '',
    balance: null,
    ...(w.label === undefined ? {} : { label: w.label }),
    bannedBy: peerBook.bansOf(w.apiUrl),
  };
}

/** watchedEdges: each outbound connection whose address is a watched node's host and p2p port. */
export function watchedEdges(list: Watched[], peerBook: PeerBook): Edge[] {
  const byAddress = new Map<string, number>();
  for (const w of list) {
    const port = w.status?.status.p2pPort;
    if (port !== undefined && port > 0) byAddress.set(`${hostKey(new URL(w.apiUrl).hostname)}:${port}`, w.index);
  }
  const out: Edge[] = [];
  const seen = new Set<string>();
  const byApi = new Map(list.map((w) => [w.apiUrl, w.index]));
  for (const w of list) {
    if (w.status?.status.networkActive === false) continue;
    for (const p of w.peers) {
      // A peer that announced a watched node's API is that node, whichever way it connected (a student dialling the teacher).
      const announced = byApi.get(peerBook.apiOf(w.index, p.address) ?? '');
      if (announced !== undefined && announced !== w.index) {
        const [a, b] = w.index < announced ? [w.index, announced] : [announced, w.index];
        if (!seen.has(`${a}-${b}`)) (seen.add(`${a}-${b}`), out.push([a, b]));
        continue;
      }
      if (p.direction !== 'outbound') continue;
      let key: string;
      try {
        const url = new URL(p.address);
        key = `${hostKey(url.hostname)}:${url.port}`;
      } catch {
        continue;
      }
      const other = byAddress.get(key);
      if (other === undefined || other === w.index) continue;
      const [a, b] = w.index < other ? [w.index, other] : [other, w.index];
      if (seen.has(`${a}-${b}`)) continue;
      seen.add(`${a}-${b}`);
      out.push([a, b]);
    }
  }
  return out;
}

/** bestTip is the tip of the watched node with the most chain work. */
export function bestTip(list: Watched[]): string | undefined {
  let best: { tip: string; work: bigint } | undefined;
  for (const w of list) {
    if (w.status === undefined) continue;
    const work = BigInt(`0x${w.status.status.chainwork}`);
    if (best === undefined || work > best.work) best = { tip: w.status.status.tip, work };
  }
  return best?.tip;
}

/** components: the connected parts of the graph, each sorted, in order of their lowest node. */
export function components(nodes: number[], edges: Edge[]): number[][] {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (n: number): number => {
    let r = n;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(n, r);
    return r;
  };
  for (const [a, b] of edges) if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b));
  const groups = new Map<number, number[]>();
  for (const n of nodes) {
    const root = find(n);
    groups.set(root, [...(groups.get(root) ?? []), n]);
  }
  return [...groups.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => x[0]! - y[0]!);
}

/** hostKey: loopback names are one host (a peer dialled as 127.0.0.1 is the node watched as localhost). */
function hostKey(hostname: string): string {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(hostname) ? 'loopback' : hostname.toLowerCase();
}
