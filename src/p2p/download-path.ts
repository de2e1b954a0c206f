/**
 * The blocks a peer's best branch has that we still lack, lowest first: what block
 * download asks that peer for next. @see Core FindNextBlocksToDownload, which keeps
 * pindexLastCommonBlock per peer for the same reason as the cursor here.
 *
 * Walking from the peer's best header down to our active chain on every scheduling
 * pass costs the length of the branch each time: during initial sync (thousands of
 * headers ahead, a pass per block that arrives) that walk was quadratic and a tenth of
 * the sync's CPU (`npm run bench -- network`). So the path is walked once per new best
 * header, and a cursor moves past the blocks we have.
 *
 * Likewise the scan for blocks to ask for starts where the last one ended, not at the
 * cursor: with a deep download window the blocks between the cursor and the edge are
 * nearly all asked for or waiting to connect, and checking each again on every pass was
 * an eighth of a syncing node's CPU (`node --cpu-prof`, `npm run bench -- network`, (b)).
 * A block skipped then that needs asking again (its peer left, said notfound, or it
 * waited as an orphan too long) is found after `rescan()`, which sync.ts calls then and
 * on every tick, so at worst a second later.
 */
import { hasData, isFailed, type ChainEntry } from '../chain/block-index.js';

export class DownloadPath {
  /** the branch from just above its fork with our active chain up to `best`, lowest first */
  private path: ChainEntry[] = [];
  private best: ChainEntry | undefined;
  /** path entries below this one are active or stored */
  private cursor = 0;
  /** path entries below this one (and above the cursor) were handed out or skipped by the last scans */
  private scan = 0;

  /** rescan makes the next scan start at the cursor again, so blocks it skipped as taken are looked at anew. */
  rescan(): void {
    this.scan = 0;
  }

  /**
   * next returns up to `max` entries of the branch to `best` that have no data and that
   * `skip` does not exclude (already requested…), lowest first; none if the branch is
   * invalid. `isActive` says whether an entry is on our active chain.
   */
  next(best: ChainEntry, isActive: (e: ChainEntry) => boolean, skip: (e: ChainEntry) => boolean, max: number): ChainEntry[] {
    // Walk again for a new best header, or when our active chain left the path's fork (a reorg).
    const base = this.path[0]?.parent;
    if (best !== this.best || base === undefined || !isActive(base)) this.walk(best, isActive);
    while (this.cursor < this.path.length && (hasData(this.path[this.cursor]!) || isActive(this.path[this.cursor]!))) this.cursor++;
    const out: ChainEntry[] = [];
    let i = Math.max(this.cursor, this.scan);
    for (; i < this.path.length && out.length < max; i++) {
      const e = this.path[i]!;
      if (isFailed(e)) return [];
      if (!hasData(e) && !isActive(e) && !skip(e)) out.push(e);
    }
    this.scan = i;
    return out;
  }

  private walk(best: ChainEntry, isActive: (e: ChainEntry) => boolean): void {
    const path: ChainEntry[] = [];
    for (let e: ChainEntry | undefined = best; e !== undefined && !isActive(e); e = e.parent) path.push(e);
    this.path = path.reverse();
    this.best = best;
    this.cursor = 0;
    this.scan = 0;
  }
}
