import { expect } from 'chai';
import { BlockIndex, type ChainEntry } from '../../src/chain/block-index.js';
import { regtest } from '../../src/consensus/params.js';
import { DownloadPath } from '../../src/p2p/download-path.js';
import { BlockStatus } from '../../src/storage/store.js';
import { genesisOf, mineChain } from '../helpers/blocks.js';

/** an index holding genesis (stored, active) and `n` headers above it without data */
function branch(n: number): { genesis: ChainEntry; entries: ChainEntry[] } {
  const index = new BlockIndex();
  const g = genesisOf(regtest);
  const genesis = index.add({ hash: g.hash, header: g.block.header, height: 0, chainwork: 1n, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, sequence: 0 });
  const entries = mineChain(regtest, g, n).map((b, i) => index.add({ hash: b.hash, header: b.block.header, height: i + 1, chainwork: BigInt(i + 2), status: 0, sequence: i + 1 }));
  return { genesis, entries };
}

describe('download path (which blocks to ask a peer for next)', () => {
  it('hands out the lowest blocks first, each once while it is taken, and goes on from where the last scan ended', () => {
    const { genesis, entries } = branch(10);
    const path = new DownloadPath();
    const taken = new Set<ChainEntry>();
    const isActive = (e: ChainEntry): boolean => e === genesis;
    const next = (max: number): number[] => {
      const out = path.next(entries.at(-1)!, isActive, (e) => taken.has(e), max);
      for (const e of out) taken.add(e);
      return out.map((e) => e.height);
    };
    expect(next(4)).to.deep.equal([1, 2, 3, 4]);
    expect(next(4)).to.deep.equal([5, 6, 7, 8]);
    // Block 2 is free again (its peer left), but the scan goes on past it...
    taken.delete(entries[1]!);
    expect(next(4)).to.deep.equal([9, 10]);
    expect(next(4)).to.deep.equal([]);
    // ...until told to look again.
    path.rescan();
    expect(next(4)).to.deep.equal([2]);
  });

  it('skips the blocks it has data for and starts anew for a new best header', () => {
    const { genesis, entries } = branch(6);
    const path = new DownloadPath();
    const isActive = (e: ChainEntry): boolean => e === genesis;
    expect(path.next(entries[2]!, isActive, () => false, 10).map((e) => e.height)).to.deep.equal([1, 2, 3]);
    entries[0]!.status |= BlockStatus.HAVE_DATA;
    expect(path.next(entries[5]!, isActive, () => false, 10).map((e) => e.height)).to.deep.equal([2, 3, 4, 5, 6]);
  });
});
