/**
 * Reading a reorg's two branches from the node that made it (GET /blocks/:hash walks
 * back from each tip to the fork point; the node keeps side-branch blocks), then
 * explaining it with buildReorgCard.
 */
import type { ExplorerNode } from './explorer.js';
import { buildReorgCard, type BranchSource, type ReorgCard } from './reorg-card.js';

/** The newest cards kept, for a page opened after the heal. */
export const REORG_CARDS_MAX = 50;

/** A branch is listed up to this many blocks from its tip; its sum stays exact beyond (see reorg-card.ts). */
export const CARD_BRANCH_MAX = 200;

type BlockRead = Omit<BranchSource, 'miner' | 'txs'> & { txs: Array<BranchSource['txs'][number] & { outputs: { address: string }[] }> };

/** readReorgCard reads both branches of reorg `r` from `node` and explains it. Throws if the node cannot answer. */
export async function readReorgCard(id: number, atMs: number, node: ExplorerNode, r: { oldTip: string; newTip: string; fork: string }, minerOf: (address: string) => number | null): Promise<ReorgCard> {
  const read = (hash: string) => node.api<BlockRead>('GET', `/blocks/${hash}`);
  const branch = async (tip: string): Promise<BranchSource[]> => {
    const out: BranchSource[] = [];
    for (let hash = tip; hash !== r.fork && out.length < CARD_BRANCH_MAX; ) {
      const v = await read(hash);
      out.unshift({ hash: v.hash, height: v.height, prevHash: v.prevHash, chainwork: v.chainwork, bits: v.bits, miner: minerOf(v.txs[0]?.outputs[0]?.address ?? ''), txs: v.txs });
      hash = v.prevHash;
    }
    return out;
  };
  const fork = await read(r.fork);
  return buildReorgCard(id, atMs, node.index, fork, await branch(r.oldTip), await branch(r.newTip));
}

/**
 * keepReorgCard puts a card first among the kept ones (at most REORG_CARDS_MAX) and
 * returns the timeline lines for the transactions the switch dropped: a transaction of
 * the old branch whose coin the new branch spent never comes back.
 */
export function keepReorgCard(cards: ReorgCard[], card: ReorgCard): string[] {
  cards.unshift(card);
  cards.splice(REORG_CARDS_MAX);
  return card.dropped.map(
    (d) => `node ${card.node} dropped transaction ${d.txid.slice(0, 16)}…: ${d.conflictsWith ? `a double spend, the branch it switched to spent the same coin in ${d.conflictsWith.slice(0, 16)}…` : 'it spent a dropped transaction'}`,
  );
}
