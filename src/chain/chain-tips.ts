/**
 * Chain tips, as Core's getchaintips reports them: every block no other block builds
 * on, plus the active tip, with the length of the branch that joins it to the active
 * chain and its status.
 */
import { hasData, isFailed, type BlockIndex, type ChainEntry } from './block-index.js';
import { BlockStatus } from '../storage/store.js';

/**
 * active: the tip of the active chain. valid-fork: a branch off the active chain whose
 * blocks all passed full validation. valid-headers: a branch whose blocks are all here
 * and passed the header and block checks but were never connected, so their spends
 * are not checked yet. headers-only: a branch missing some blocks' data. invalid: a
 * branch containing a block that broke a rule.
 */
export type ChainTipStatus = 'active' | 'valid-fork' | 'valid-headers' | 'headers-only' | 'invalid';

export interface ChainTip {
  hash: string;
  height: number;
  branchLength: number;
  status: ChainTipStatus;
}

export function chainTips(index: BlockIndex, tip: ChainEntry, isActive: (e: ChainEntry) => boolean): ChainTip[] {
  const tips: ChainTip[] = [];
  for (const entry of index.entries()) {
    if (entry !== tip && index.children(entry).length > 0) continue;
    let branchLength = 0;
    let status: ChainTipStatus = 'valid-fork';
    let cur: ChainEntry | undefined = entry;
    while (cur !== undefined && !isActive(cur)) {
      if (isFailed(cur)) status = 'invalid';
      else if (status !== 'invalid' && !hasData(cur)) status = 'headers-only';
      else if (status === 'valid-fork' && (cur.status & BlockStatus.VALID) === 0) status = 'valid-headers';
      branchLength++;
      cur = cur.parent;
    }
    if (entry === tip) status = 'active';
    tips.push({ hash: entry.id, height: entry.height, branchLength, status });
  }
  return tips.sort((a, b) => b.height - a.height || a.hash.localeCompare(b.hash));
}
