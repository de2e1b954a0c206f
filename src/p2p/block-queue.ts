/**
 * Blocks that arrived during block download and wait for the chain: they are handed to
 * it in runs (Chain.processBlocks), each run one store write, while the peers' next
 * blocks are received and decoded. Before, each block was connected before the next
 * frame was read, one store write per block (`npm run bench -- network`, initial sync).
 * @see Core's BLOCK_DOWNLOAD_WINDOW: blocks may arrive ahead of the tip, out of order
 * across peers, and wait for their parents here, up to MAX_QUEUED_BLOCKS and
 * MAX_QUEUED_BYTES; beyond that a block takes the one-by-one path.
 */
import { hasData, isFailed, type ChainEntry } from '../chain/block-index.js';
import type { Block } from '../consensus/block.js';
import type { DisplayHex } from '../consensus/bytes.js';
import { blockSize } from '../storage/block-bytes.js';
import type { Peer } from './peer.js';

export const MAX_QUEUED_BLOCKS = 1024;
export const MAX_QUEUED_BYTES = 32_000_000;
/** blocks handed to the chain in one run (one store batch) */
export const MAX_RUN_BLOCKS = 256;

export interface QueuedBlock {
  id: DisplayHex;
  block: Block;
  entry: ChainEntry;
  /** who sent it: an offence it turns out to be is theirs */
  peer: Peer;
}

export class BlockQueue {
  private readonly byId = new Map<string, QueuedBlock>();
  /** taken for the chain and not yet settled: still not to be asked for again */
  private readonly connecting = new Set<string>();
  private bytes = 0;

  get size(): number {
    return this.byId.size;
  }

  /** has: the block waits here or is being connected, so it is not to be fetched again */
  has(id: DisplayHex): boolean {
    return this.byId.has(id) || this.connecting.has(id);
  }

  /** full: no more blocks may wait (the caller takes the one-by-one path, and asks for no more) */
  get full(): boolean {
    return this.byId.size >= MAX_QUEUED_BLOCKS || this.bytes >= MAX_QUEUED_BYTES;
  }

  add(item: QueuedBlock): void {
    if (this.byId.has(item.id)) return;
    this.byId.set(item.id, item);
    this.bytes += blockSize(item.block);
  }

  /**
   * takeReady removes and returns what the chain can take now, in order: the run of
   * blocks that builds on `tip` one after another (at most MAX_RUN_BLOCKS), then any
   * block whose parent is stored or known invalid (a side branch: the chain decides).
   * Blocks whose parent has not arrived yet stay. What it returns counts as here
   * (`has`) until `settled`.
   */
  takeReady(tip: ChainEntry): QueuedBlock[] {
    const byParent = new Map<ChainEntry, QueuedBlock>();
    for (const q of this.byId.values()) if (q.entry.parent !== undefined) byParent.set(q.entry.parent, q);
    const out: QueuedBlock[] = [];
    for (let q = byParent.get(tip); q !== undefined && out.length < MAX_RUN_BLOCKS; q = byParent.get(q.entry)) out.push(q);
    const taken = new Set(out);
    for (const q of this.byId.values()) {
      const parent = q.entry.parent;
      if (!taken.has(q) && parent !== undefined && (hasData(parent) || isFailed(parent))) out.push(q);
    }
    for (const q of out) {
      this.remove(q);
      this.connecting.add(q.id);
    }
    return out;
  }

  /** settled: the chain has had these blocks (takeReady's), connected or not. */
  settled(items: readonly QueuedBlock[]): void {
    for (const q of items) this.connecting.delete(q.id);
  }

  /** clear drops every waiting block (the node is stopping). */
  clear(): void {
    this.byId.clear();
    this.connecting.clear();
    this.bytes = 0;
  }

  private remove(q: QueuedBlock): void {
    if (this.byId.delete(q.id)) this.bytes -= blockSize(q.block);
  }
}
