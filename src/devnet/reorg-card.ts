/**
 * A reorg explained by the work of its two branches: the fork point, each branch from
 * it block by block with its own work, each branch's sum and their difference, and what
 * happened to the transactions of the branch left behind. The devnet keeps these cards
 * so a page opened after the heal still shows them.
 *
 * Work is exact: decimal strings of whole hashes (bigint), never rounded, so two
 * different sums never print the same. A block's work is floor(2^256 / (target + 1)) of
 * its bits; a branch's sum is its tip's chainwork − the fork point's, so it stays exact
 * even when a very long branch is listed only in part.
 */
import { blockWork } from '../consensus/pow.js';

/** A block of a branch as the devnet read it from the node that reorganised (GET /blocks/:hash). */
export interface BranchSource {
  hash: string;
  height: number;
  prevHash: string;
  /** hex */
  chainwork: string;
  /** compact target, hex */
  bits: string;
  miner: number | null;
  txs: { txid: string; coinbase: boolean; inputs: Array<{ prevout?: { txid: string; index: number } }> }[];
}

export interface CardBlock {
  hash: string;
  height: number;
  /** this block's work in hashes, decimal */
  work: string;
  bits: string;
  miner: number | null;
  txCount: number;
}

export interface CardBranch {
  tip: string;
  blocks: CardBlock[];
  /** blocks of the branch (nearest the fork point) not listed: a branch is listed up to a limit */
  omitted: number;
  /** sum of the blocks' work from the fork point, decimal */
  work: string;
}

export interface ReorgCard {
  id: number;
  atMs: number;
  node: number;
  fork: { hash: string; height: number };
  /** the branch the node left */
  old: CardBranch;
  /** the branch it switched to */
  new: CardBranch;
  /** new.work − old.work, decimal (positive: that is why it switched) */
  difference: string;
  /** why in words: "one block more, at the same difficulty", "fewer blocks but more work"… */
  because: string;
  /** the same as a key of the page's catalogue (`reorgs.because.KEY`) and its block count, for the page to translate */
  becauseKey: BecauseKey;
  /** blocks more on the new branch than on the old (negative: fewer) */
  moreBlocks: number;
  rule: string;
  disconnected: number;
  connected: number;
  /** transactions of the old branch not in the new one that are valid again: back to the mempool */
  backToMempool: string[];
  /** transactions of the old branch the new one double-spent (or that spent those): dropped */
  dropped: Array<{ txid: string; conflictsWith: string | null }>;
}

export const REORG_RULE = 'the branch with the most cumulative work wins, not the one with the most blocks';

/**
 * buildReorgCard explains one reorg. `oldBlocks` and `newBlocks` run from the fork point
 * up (the fork itself excluded); `forkChainwork` is the fork point's chainwork (hex).
 */
export function buildReorgCard(id: number, atMs: number, node: number, fork: { hash: string; height: number; chainwork: string }, oldBlocks: BranchSource[], newBlocks: BranchSource[]): ReorgCard {
  const oldBranch = branchOf(fork, oldBlocks);
  const newBranch = branchOf(fork, newBlocks);
  const difference = BigInt(newBranch.work) - BigInt(oldBranch.work);
  const { backToMempool, dropped } = fateOfTransactions(oldBlocks, newBlocks);
  return {
    id,
    atMs,
    node,
    fork: { hash: fork.hash, height: fork.height },
    old: oldBranch,
    new: newBranch,
    difference: difference.toString(),
    ...because(oldBlocks, newBlocks),
    rule: REORG_RULE,
    disconnected: oldBlocks.length + oldBranch.omitted,
    connected: newBlocks.length + newBranch.omitted,
    backToMempool,
    dropped,
  };
}

function branchOf(fork: { height: number; chainwork: string }, blocks: BranchSource[]): CardBranch {
  const out = blocks.map((b) => ({ hash: b.hash, height: b.height, work: blockWork(parseInt(b.bits, 16)).toString(), bits: b.bits, miner: b.miner, txCount: b.txs.length }));
  const tip = blocks.at(-1);
  const sum = tip === undefined ? 0n : BigInt(`0x${tip.chainwork}`) - BigInt(`0x${fork.chainwork}`);
  return { tip: tip?.hash ?? '', blocks: out, omitted: tip === undefined ? 0 : tip.height - fork.height - blocks.length, work: sum.toString() };
}

/** How the new branch has more work than the old one, by key (the page's `reorgs.because.KEY`). */
export type BecauseKey = 'moreSameDifficulty' | 'moreOtherDifficulty' | 'fewerButHarder' | 'asManyButHarder';

/** because says in words (and by key) how the new branch has more work than the old one. */
function because(oldBlocks: BranchSource[], newBlocks: BranchSource[]): Pick<ReorgCard, 'because' | 'becauseKey' | 'moreBlocks'> {
  const n = (newBlocks.at(-1)?.height ?? 0) - (oldBlocks.at(-1)?.height ?? 0);
  const bits = new Set([...oldBlocks, ...newBlocks].map((b) => b.bits));
  const blocks = (k: number) => (k === 1 ? 'one block' : `${k} blocks`);
  if (n > 0 && bits.size <= 1) return { because: `${blocks(n)} more, at the same difficulty`, becauseKey: 'moreSameDifficulty', moreBlocks: n };
  if (n > 0) return { because: `${blocks(n)} more (the difficulty differs between them)`, becauseKey: 'moreOtherDifficulty', moreBlocks: n };
  if (n < 0) return { because: 'fewer blocks but more work: its blocks are harder', becauseKey: 'fewerButHarder', moreBlocks: n };
  return { because: 'as many blocks, but harder ones', becauseKey: 'asManyButHarder', moreBlocks: n };
}

/**
 * fateOfTransactions: a transaction of the old branch that the new branch also holds is
 * simply confirmed again. One whose input the new branch spends differently is a double
 * spend that lost: dropped, and so is anything spending its outputs. The rest go back
 * to the mempool (Core's MaybeUpdateMempoolForReorg).
 */
function fateOfTransactions(oldBlocks: BranchSource[], newBlocks: BranchSource[]): Pick<ReorgCard, 'backToMempool' | 'dropped'> {
  const key = (p: { txid: string; index: number }) => `${p.txid}:${p.index}`;
  const inNew = new Set(newBlocks.flatMap((b) => b.txs.map((t) => t.txid)));
  const spentByNew = new Map<string, string>();
  for (const b of newBlocks) for (const t of b.txs) for (const i of t.inputs) if (i.prevout !== undefined) spentByNew.set(key(i.prevout), t.txid);
  const backToMempool: string[] = [];
  const dropped: ReorgCard['dropped'] = [];
  const droppedIds = new Set<string>();
  for (const b of oldBlocks) {
    for (const t of b.txs) {
      if (t.coinbase || inNew.has(t.txid)) continue;
      const prevouts = t.inputs.flatMap((i) => (i.prevout === undefined ? [] : [i.prevout]));
      const winner = prevouts.map((p) => spentByNew.get(key(p))).find((w) => w !== undefined);
      const parentDropped = prevouts.some((p) => droppedIds.has(p.txid));
      if (winner !== undefined || parentDropped) {
        droppedIds.add(t.txid);
        dropped.push({ txid: t.txid, conflictsWith: winner ?? null });
      } else backToMempool.push(t.txid);
    }
  }
  return { backToMempool, dropped };
}
