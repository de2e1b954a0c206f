/**
 * The devnet's own contract with its page: what GET /api/v1/devnet answers (DevnetView,
 * a NodeView per node) and what the merged event stream GET /api/v1/devnet/events sends
 * (DevnetEventMap, one data type per event name). The supervisor (devnet.ts) and
 * `toychain watch` (watcher.ts) build these, control-api.ts answers and streams them
 * typed, and the dashboard reads them as these types, so renaming a field or an event
 * fails to compile on both sides.
 *
 * Types only, from modules that are themselves plain: the node's answers are the API
 * contract's (src/api/contract/), the tree's blocks, the timeline, reorg cards and lessons
 * their own pure modules'. Nothing here runs, so the page takes it without Node's modules
 * (.dependency-cruiser.cjs keeps it that way).
 */
import type { NodeEventData } from '../api/contract/events.js';
import type { LinkShape, Status } from '../api/contract/responses.js';
import type { PropagationFigures, StaleFigures, TreeBlock } from './block-tree.js';
import type { LessonRun } from './lesson-view.js';
import type { ReorgCard } from './reorg-card.js';
import type { TimelineItem } from './timeline.js';
import type { Edge } from './topology.js';

/** A ban of one node by a watched node, as `toychain watch` and a classroom see it. */
export interface BanRecord {
  /** the watched node that banned it */
  node: number;
  /** the banned connecting address, as the node names it */
  address: string;
  reason: string;
  atMs: number;
}

export interface NodeView {
  index: number;
  /** starting, running, stopping, exited … (a watched node: running or unreachable) */
  state: string;
  alive: boolean;
  /** the node process (null: not started by this devnet, or not running) */
  pid: number | null;
  apiUrl: string | null;
  p2pUrl: string | null;
  /** its side of a split (0 when healed) */
  group: number;
  /** the address its block rewards pay (null: not known) */
  address: string | null;
  /** what the devnet wants: mining unless switched off or paused */
  miningWanted: boolean;
  /** share of the hash power: the fraction of time its miner hashes */
  share: number;
  /** the node's last GET /status, the API contract's type */
  status: Status | null;
  /** Unix milliseconds of the last good status */
  statusAt: number | null;
  unreachable: boolean;
  /** two or more blocks behind the best node of its group */
  lagging: boolean;
  exitInfo: string | null;
  /** its log file ('' for a node this devnet did not start) */
  log: string;
  /** what the node's mining address holds (coins), as the node reports it; null until read */
  balance: { spendable: string; unconfirmed: string } | null;
  /** what the page calls it besides its number (a classroom's "teacher"), if anything */
  label?: string;
  /** bans of this node by a watched node (toychain watch, classroom), newest first */
  bannedBy?: BanRecord[];
}

/** GET /api/v1/devnet: the network at a glance, and the answer of every control call. */
export interface DevnetView {
  network: string;
  targetSpacingSec: number;
  nodes: NodeView[];
  /** the groups of a split, or null when healed */
  groups: number[][] | null;
  paused: boolean;
  link: LinkShape;
  edges: Edge[];
  bestTip: string | null;
  /**
   * model: P(fork) ≈ 1 − e^(−delay/interval) with the link delay; modelByPropagation: the
   * same with the measured propagation time, which is several link delays (a block
   * travels as inv, getdata, block), or null before any block has been measured.
   */
  stale: StaleFigures & { window: number; model: number; modelByPropagation: number | null };
  propagation: PropagationFigures;
  /** each node's tip as last reported (tip events are faster than the status poll) */
  tips: Record<number, string>;
}

/** GET /api/v1/devnet/tree: the recent blocks every node has shown, and each node's tip. */
export interface DevnetTree {
  blocks: TreeBlock[];
  tips: Record<number, string>;
}

/**
 * The events of the devnet's one stream, by name, with their data. `status` only tells
 * the devnet's own listeners that a poll ended; the stream leaves it out (the page
 * polls GET /devnet for figures).
 */
export interface DevnetEventMap {
  status: null;
  /** a block no node of the devnet had before */
  block: TreeBlock;
  /** another node has a block now */
  seen: { hash: string; node: number; atMs: number };
  tip: { node: number } & NodeEventData<'tip'>;
  reorg: { node: number } & NodeEventData<'reorg'>;
  'reorg-card': ReorgCard;
  timeline: TimelineItem;
  lesson: LessonRun;
  /** a watched node banned another watched node */
  ban: { node: number; banned: number } & NodeEventData<'ban'>;
}

export type DevnetEventName = keyof DevnetEventMap;

/** One event as the devnet's emitters carry it: [name, data], the data typed by the name. */
export type DevnetEvent = { [K in DevnetEventName]: [name: K, data: DevnetEventMap[K]] }[DevnetEventName];

/** What the supervisor and the watcher emit: every event of the stream as `event`. */
export interface DevnetEvents {
  event: DevnetEvent;
}
