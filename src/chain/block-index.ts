/**
 * The block index: every block header the node knows, linked to its parent, with its
 * height, cumulative chainwork and validation status. The active chain is an array by
 * height over the same entries.
 */
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import { BlockStatus, type BlockRecord } from '../storage/store.js';

/** A block index entry: the stored record plus the link to its parent. */
export interface ChainEntry extends BlockRecord {
  /** display hex of `hash`, the key of the index */
  id: DisplayHex;
  parent: ChainEntry | undefined;
}

export function isFailed(entry: ChainEntry): boolean {
  return (entry.status & (BlockStatus.FAILED | BlockStatus.FAILED_PARENT)) !== 0;
}

export function hasData(entry: ChainEntry): boolean {
  return (entry.status & BlockStatus.HAVE_DATA) !== 0;
}

export class BlockIndex {
  private readonly byId = new Map<string, ChainEntry>();
  private readonly childrenById = new Map<string, ChainEntry[]>();

  get size(): number {
    return this.byId.size;
  }

  get(id: DisplayHex): ChainEntry | undefined {
    return this.byId.get(id);
  }

  /** getByHash finds an entry by its hash in internal byte order (what headers, messages and the store carry). */
  getByHash(hash: Hash32): ChainEntry | undefined {
    return this.byId.get(toDisplayHex(hash));
  }

  /** add links a record to its parent (which MUST already be in the index, except for genesis). */
  add(record: BlockRecord): ChainEntry {
    const id = toDisplayHex(record.hash);
    const parentId = toDisplayHex(record.header.prevHash);
    const parent = record.height === 0 ? undefined : this.byId.get(parentId);
    if (record.height > 0 && parent === undefined) throw new Error(`block index: parent ${parentId} of ${id} is missing`);
    const entry: ChainEntry = { ...record, id, parent };
    this.byId.set(id, entry);
    if (parent !== undefined) {
      const siblings = this.childrenById.get(parent.id);
      if (siblings === undefined) this.childrenById.set(parent.id, [entry]);
      else siblings.push(entry);
    }
    return entry;
  }

  children(entry: ChainEntry): readonly ChainEntry[] {
    return this.childrenById.get(entry.id) ?? [];
  }

  entries(): IterableIterator<ChainEntry> {
    return this.byId.values();
  }

  /** descendants lists every entry built on `entry`, breadth first. */
  descendants(entry: ChainEntry): ChainEntry[] {
    const out: ChainEntry[] = [];
    const queue = [...this.children(entry)];
    while (queue.length > 0) {
      const next = queue.shift()!;
      out.push(next);
      queue.push(...this.children(next));
    }
    return out;
  }
}

/** ancestor walks back from `entry` to its ancestor at `height` (or undefined above entry). */
export function ancestor(entry: ChainEntry, height: number): ChainEntry | undefined {
  if (height > entry.height || height < 0) return undefined;
  let cur: ChainEntry | undefined = entry;
  while (cur !== undefined && cur.height > height) cur = cur.parent;
  return cur;
}

/** findFork returns the last common ancestor of two entries. @see Core LastCommonAncestor. */
export function findFork(a: ChainEntry, b: ChainEntry): ChainEntry {
  let x: ChainEntry | undefined = a;
  let y: ChainEntry | undefined = b;
  while (x !== undefined && y !== undefined && x !== y) {
    if (x.height > y.height) x = x.parent;
    else if (y.height > x.height) y = y.parent;
    else {
      x = x.parent;
      y = y.parent;
    }
  }
  if (x === undefined || y === undefined) throw new Error('findFork: entries share no ancestor');
  return x;
}
