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
  text: string;
  node?: number;
}

/** The newest items kept: a page opened later sees these. */
export const TIMELINE_MAX = 300;

/** appendTimeline adds an item to the timeline, drops the oldest beyond TIMELINE_MAX, and returns the item. */
export function appendTimeline(timeline: TimelineItem[], kind: TimelineItem['kind'], text: string, node: number | undefined, atMs: number): TimelineItem {
  const item: TimelineItem = node === undefined ? { atMs, kind, text } : { atMs, kind, text, node };
  timeline.push(item);
  if (timeline.length > TIMELINE_MAX) timeline.splice(0, timeline.length - TIMELINE_MAX);
  return item;
}

export interface NodeEventNote {
  kind: 'reorg' | 'ban' | 'peer';
  text: string;
}

/** nodeEventNote is the timeline line for a node's reorg, ban or peer-left event, or undefined for other events. */
export function nodeEventNote(index: number, e: NodeEvent): NodeEventNote | undefined {
  switch (e.event) {
    case 'reorg':
      return { kind: 'reorg', text: `node ${index} switched to a branch with more work: ${e.data.depth} block${e.data.depth === 1 ? '' : 's'} replaced` };
    case 'ban':
      return { kind: 'ban', text: `node ${index} banned ${e.data.address}: ${e.data.reason}` };
    case 'peer-left':
      return { kind: 'peer', text: `node ${index} lost peer ${e.data.address} (${e.data.reason})` };
    default:
      return undefined;
  }
}
