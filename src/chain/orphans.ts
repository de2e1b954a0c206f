/**
 * Orphan blocks: blocks whose parent is not known yet wait here until it arrives. The
 * pool is bounded (count and bytes) because anyone can send blocks with an unknown
 * parent for free; when full, the oldest orphan goes first.
 */
import type { Block } from '../consensus/block.js';
import { toDisplayHex, type DisplayHex } from '../consensus/bytes.js';

export interface OrphanLimits {
  maxOrphans: number;
  maxOrphanBytes: number;
}

export const DEFAULT_ORPHAN_LIMITS: OrphanLimits = { maxOrphans: 100, maxOrphanBytes: 20_000_000 };

interface Orphan {
  id: DisplayHex;
  parentId: DisplayHex;
  block: Block;
  size: number;
}

export class OrphanPool {
  /** insertion order is age order: Map iterates oldest first */
  private readonly byId = new Map<string, Orphan>();
  private bytes = 0;

  constructor(private readonly limits: OrphanLimits = DEFAULT_ORPHAN_LIMITS) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: DisplayHex): boolean {
    return this.byId.has(id);
  }

  /** add keeps an orphan, evicting the oldest while over either limit. */
  add(id: DisplayHex, block: Block, size: number): void {
    if (this.byId.has(id) || size > this.limits.maxOrphanBytes) return;
    this.byId.set(id, { id, parentId: toDisplayHex(block.header.prevHash), block, size });
    this.bytes += size;
    for (const oldest of this.byId.values()) {
      if (this.byId.size <= this.limits.maxOrphans && this.bytes <= this.limits.maxOrphanBytes) break;
      this.remove(oldest.id);
    }
  }

  /** takeChildren removes and returns the orphans whose parent is `parentId`. */
  takeChildren(parentId: DisplayHex): Block[] {
    const out: Block[] = [];
    for (const orphan of [...this.byId.values()]) {
      if (orphan.parentId === parentId) {
        out.push(orphan.block);
        this.remove(orphan.id);
      }
    }
    return out;
  }

  /** missingParents lists the parents orphans wait for that are not orphans themselves (what to ask peers for). */
  missingParents(): string[] {
    const out = new Set<string>();
    for (const o of this.byId.values()) if (!this.byId.has(o.parentId)) out.add(o.parentId);
    return [...out];
  }

  private remove(id: DisplayHex): void {
    const orphan = this.byId.get(id);
    if (orphan === undefined) return;
    this.byId.delete(id);
    this.bytes -= orphan.size;
  }
}
