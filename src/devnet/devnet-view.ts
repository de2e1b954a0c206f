/**
 * The devnet's own contract with its page: what GET /api/v1/devnet answers (DevnetView,
 * a NodeView per node) and what the merged event stream GET /api/v1/devnet/events sends
 * (DevnetEventMap, one data type per event name), and the explorer's answers (a node's
 * block, transaction or address with what only the devnet knows). The supervisor (devnet.ts) and
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
import type { AddressInfo, Block, LinkShape, Status, Tx, TxLookup } from '../api/contract/responses.js';
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
  /** true on a network made for tests (regtest, regtest-retarget): blocks come when asked for (generate), no miners run */
  blocksOnDemand: boolean;
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

/** What an input spent, when the coin could be read: its amount, address and whose mining key that is. */
export type InputDetail = { coinbase: true } | { prevout: { txid: string; index: number }; value: string | null; address: string | null; miner: number | null };

/**
 * A transaction as the explorer shows it: a node's (in a block the contract's Tx, from
 * GET /tx with its status), each input's coin and the fee (null where a coin could not
 * be read; inputDetails null beyond the first transactions of a big block).
 */
export type ExplorerTx = Tx & Partial<Pick<TxLookup, 'status' | 'confirmations' | 'blockHash' | 'height'>> & { fee: string | null; inputDetails: InputDetail[] | null };

/** GET /devnet/tx/:txid: the transaction, and where each node has it (null: not at all). */
export type ExplorerTxDetails = ExplorerTx & { nodes: Record<number, { status: string; blockHash: string | null; confirmations: number } | null> };

/** GET /devnet/blocks/:id: a node's block with its target, work, miner, who has it since when. */
export type ExplorerBlock = Omit<Block, 'txs'> & {
  /** the target its bits name, 64 hex digits */
  target: string;
  /** its own work in hashes (decimal), null when its parent could not be read */
  work: string | null;
  /** the devnet node whose key its coinbase pays, null for another key */
  miner: number | null;
  /** Unix milliseconds each node first had it, by node index */
  seenBy: Record<number, number>;
  /** the nodes that could hear its first node then; the others got it across a split, at the heal */
  reachable: number[] | null;
  /** the node that answered */
  answeredBy: number;
  txs: ExplorerTx[];
};

/** GET /devnet/address/:address: the most-work node's answer and whose mining key it is. */
export type ExplorerAddress = AddressInfo & { miner: number | null; answeredBy: number };

/** GET /devnet/search?q=: what a height, hash, txid or address names. */
export interface SearchAnswer {
  kind: 'block' | 'tx' | 'address';
  id: string;
}

export interface MempoolTx {
  txid: string;
  fee: string;
  inputs: Array<{ txid: string; index: number }>;
  outputs: Array<{ value: string; address: string }>;
  /** another node's mempool holds a different transaction spending one of these inputs */
  conflict: boolean;
}

/** GET /devnet/mempools: every node's mempool, and the coins two different transactions spend (double spends in flight). */
export interface Mempools {
  nodes: { node: number; count: number; txs: MempoolTx[] }[];
  conflicts: { coin: string; spenders: { txid: string; nodes: number[] }[] }[];
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
