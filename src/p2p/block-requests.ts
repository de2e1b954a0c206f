/**
 * Which peer each block is asked of, and who else announced it. A block is asked of
 * one peer at a time; when that peer goes (it stalled, disconnected or said notfound)
 * the block is asked again of another peer that announced it, so one slow peer holds
 * nothing up. Apart from BlockSync so the request bookkeeping, which must stay in step
 * with each peer's in-flight set, is changed in one place only.
 */
import type { Logger } from 'pino';
import { fromDisplayHex } from '../consensus/bytes.js';
import { MAX_LACKS, type PeerSync } from './peer-sync.js';

export interface BlockRequestsOptions {
  /** the sync state of a connected peer, by id */
  peer: (peerId: number) => PeerSync | undefined;
  /** Unix milliseconds */
  clock: () => number;
  maxBlocksInFlight: number;
  logger: Logger;
}

export class BlockRequests {
  /** block id → id of the peer it is requested from */
  private readonly from = new Map<string, number>();
  /** block id requested from one peer → other peers that announced it, to ask if the first stalls */
  private readonly announcedBy = new Map<string, Set<number>>();

  constructor(private readonly opts: BlockRequestsOptions) {}

  /** size counts outstanding block requests. */
  get size(): number {
    return this.from.size;
  }

  has(id: string): boolean {
    return this.from.has(id);
  }

  /** peerOf is the id of the peer the block is asked of. */
  peerOf(id: string): number | undefined {
    return this.from.get(id);
  }

  /** ask records that the block is asked of `ps`'s peer at `at` (the caller sends the getdata). */
  ask(id: string, ps: PeerSync, at: number): void {
    this.from.set(id, ps.peer.id);
    ps.inFlight.set(id, at);
  }

  /** forget drops the request for a block, leaving its announcers to reRequest. */
  forget(id: string): void {
    this.from.delete(id);
  }

  noteAnnouncer(id: string, peerId: number): void {
    let set = this.announcedBy.get(id);
    if (set === undefined) {
      if (this.announcedBy.size >= MAX_LACKS) this.announcedBy.delete(this.announcedBy.keys().next().value!);
      set = new Set();
      this.announcedBy.set(id, set);
    }
    set.add(peerId);
  }

  /**
   * reRequest asks another peer that announced a block for it, once the peer it was
   * requested from is gone (stalled or disconnected). @see Core's block stalling logic,
   * which frees the block for download from another peer.
   */
  reRequest(id: string): void {
    const announcers = this.announcedBy.get(id);
    this.announcedBy.delete(id);
    if (announcers === undefined || this.from.has(id)) return;
    for (const peerId of announcers) {
      const ps = this.opts.peer(peerId);
      if (ps === undefined || !ps.peer.ready || ps.inFlight.size >= this.opts.maxBlocksInFlight || ps.lacks.has(id)) continue;
      this.ask(id, ps, this.opts.clock());
      this.opts.logger.info({ peer: peerId, block: id }, 'block request re-sent to another peer that announced it');
      ps.peer.send({ type: 'getdata', items: [{ type: 'block', hash: fromDisplayHex(id) }] });
      const rest = new Set([...announcers].filter((p) => p !== peerId));
      if (rest.size > 0) this.announcedBy.set(id, rest);
      return;
    }
  }

  /** release forgets the request for a block that arrived, from whichever peer it was asked of. */
  release(id: string): void {
    this.announcedBy.delete(id);
    const from = this.from.get(id);
    if (from === undefined) return;
    this.from.delete(id);
    this.opts.peer(from)?.inFlight.delete(id);
  }
}
