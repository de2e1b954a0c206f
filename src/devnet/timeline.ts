/**
 * The dashboard's timeline, kept alike by the devnet supervisor and `toychain watch`: its
 * items, how many are kept, and the words for what a node reports about its reorgs and
 * peers. Scripts read the reorg line as it is ("… switched to a branch with more work: N
 * blocks replaced"), so it is written once here.
 */
import type { NodeEvent } from '../api/contract/events.js';

export interface TimelineItem {
  atMs: number;
  kind: 'block' | 'reorg' | 'split' | 'heal' | 'ban' | 'node' | 'mining' | 'link' | 'peer' | 'tx';
  /** the line in English, as scripts and the log read it */
  text: string;
  node?: number;
  /** the same line as a key of the page's message catalogue and its figures, so the page can say it in its language */
  message?: TimelineMessage;
}

/**
 * The lines the page translates: each key (the catalogue's `devnetText.KEY`, with
 * `_one`/`_other` forms where it has a `count`) and the figures its text takes. A key
 * missing from a catalogue, or a text that leaves a figure out, fails the catalogue test.
 */
export const TIMELINE_MESSAGES = {
  nodesStarted: ['count', 'network'],
  split: ['groups'],
  heal: [],
  healNotSplit: [],
  miningOn: ['node'],
  miningOff: ['node'],
  share: ['node', 'percent'],
  paused: [],
  resumed: [],
  restarted: ['node'],
  sent: ['from', 'amount', 'to', 'fee', 'txid'],
  txDoubleSpent: ['node', 'txid'],
  txDropped: ['node', 'txid', 'reason'],
  received: ['node', 'height', 'hash', 'ms'],
  receivedHeld: ['node', 'height', 'hash', 'ms'],
  mined: ['node', 'height', 'hash'],
  firstToHave: ['node', 'height', 'hash'],
  fromOutside: ['node', 'height', 'hash'],
  reorg: ['node', 'count'],
  ban: ['node', 'address', 'reason'],
  peerLeft: ['node', 'address', 'reason'],
  walletsAt: ['path'],
  linkEvery: ['delay', 'jitter', 'dropped'],
  linkNode: ['node', 'delay', 'jitter', 'dropped'],
  died: ['node', 'why', 'log'],
  watching: ['node', 'url'],
  stoppedWatching: ['node', 'url'],
  answersAgain: ['node'],
  found: ['node', 'url', 'peer'],
  hasBlock: ['node', 'height', 'hash'],
  bannedNode: ['node', 'banned', 'address', 'reason'],
} as const satisfies Record<string, readonly string[]>;

export type TimelineKey = keyof typeof TIMELINE_MESSAGES;

export interface TimelineMessage {
  key: TimelineKey;
  params: Record<string, string | number>;
}

/** message names a line's catalogue key and its figures (exactly the ones TIMELINE_MESSAGES lists for it). */
export function message<K extends TimelineKey>(key: K, params: Record<(typeof TIMELINE_MESSAGES)[K][number], string | number>): TimelineMessage {
  return { key, params };
}

/** The newest items kept: a page opened later sees these. */
export const TIMELINE_MAX = 300;

/** appendTimeline adds an item to the timeline, drops the oldest beyond TIMELINE_MAX, and returns the item. */
export function appendTimeline(timeline: TimelineItem[], kind: TimelineItem['kind'], text: string, node: number | undefined, atMs: number, said?: TimelineMessage): TimelineItem {
  const item: TimelineItem = { atMs, kind, text, ...(node === undefined ? {} : { node }), ...(said === undefined ? {} : { message: said }) };
  timeline.push(item);
  if (timeline.length > TIMELINE_MAX) timeline.splice(0, timeline.length - TIMELINE_MAX);
  return item;
}

export interface NodeEventNote {
  kind: 'reorg' | 'ban' | 'peer';
  text: string;
  message: TimelineMessage;
}

/** nodeEventNote is the timeline line for a node's reorg, ban or peer-left event, or undefined for other events. */
export function nodeEventNote(index: number, e: NodeEvent): NodeEventNote | undefined {
  switch (e.event) {
    case 'reorg':
      return { kind: 'reorg', text: `node ${index} switched to a branch with more work: ${e.data.depth} block${e.data.depth === 1 ? '' : 's'} replaced`, message: message('reorg', { node: index, count: e.data.depth }) };
    case 'ban':
      return { kind: 'ban', text: `node ${index} banned ${e.data.address}: ${e.data.reason}`, message: message('ban', { node: index, address: e.data.address, reason: e.data.reason }) };
    case 'peer-left':
      return { kind: 'peer', text: `node ${index} lost peer ${e.data.address} (${e.data.reason})`, message: message('peerLeft', { node: index, address: e.data.address, reason: e.data.reason }) };
    default:
      return undefined;
  }
}
