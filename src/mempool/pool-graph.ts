/**
 * The pool's transactions and their links: by txid, by the outpoints they spend, and by
 * descendant score for eviction, with the pool's byte total. Its own module so that every
 * index changes together in one place (insert and unlink), whatever asked for the change:
 * acceptance, eviction, a connected block, a reorg or expiry.
 */
import type { DisplayHex } from '../consensus/bytes.js';
import { outpointKey, txHash, type Outpoint } from '../consensus/tx.js';
import { DescendantIndex, type PoolTx } from './packages.js';

export class PoolGraph {
  private readonly byTxid = new Map<string, PoolTx>();
  /** outpoint key → the pool transaction spending it */
  private readonly spenders = new Map<string, PoolTx>();
  /** every pool transaction by descendant score: the next eviction victim at the top */
  private readonly evictionOrder = new DescendantIndex();
  private totalBytes = 0;

  get count(): number {
    return this.byTxid.size;
  }

  /** the serialized size of every pool transaction, in bytes */
  get bytes(): number {
    return this.totalBytes;
  }

  has(txid: DisplayHex): boolean {
    return this.byTxid.has(txid);
  }

  get(txid: DisplayHex): PoolTx | undefined {
    return this.byTxid.get(txid);
  }

  /** spenderOf is the pool transaction spending an outpoint, if any. */
  spenderOf(outpoint: Outpoint): PoolTx | undefined {
    return this.spenders.get(outpointKey(outpoint));
  }

  /** nodes are the pool's transactions in insertion order. */
  nodes(): IterableIterator<PoolTx> {
    return this.byTxid.values();
  }

  /** lowestScore is the next eviction victim: the lowest descendant score. */
  lowestScore(): PoolTx | undefined {
    return this.evictionOrder.lowest();
  }

  insert(node: PoolTx): void {
    this.byTxid.set(node.txid, node);
    for (const input of node.tx.inputs) this.spenders.set(outpointKey(input.prevout), node);
    for (const p of node.parents) p.children.add(node);
    // A transaction of a disconnected block may come back after pool transactions that spend it.
    const hash = txHash(node.tx);
    node.tx.outputs.forEach((_, index) => {
      const child = this.spenders.get(outpointKey({ txHash: hash, index }));
      if (child !== undefined) {
        node.children.add(child);
        child.parents.add(node);
      }
    });
    this.totalBytes += node.size;
    this.evictionOrder.attach(node);
  }

  /** unlink takes a node out of the graph; it keeps its parents (so it can be inserted again) and forgets its children. */
  unlink(node: PoolTx): void {
    const afterUnlink = this.evictionOrder.detach(node);
    this.byTxid.delete(node.txid);
    for (const input of node.tx.inputs) this.spenders.delete(outpointKey(input.prevout));
    for (const p of node.parents) p.children.delete(node);
    for (const c of node.children) c.parents.delete(node);
    node.children.clear();
    this.totalBytes -= node.size;
    afterUnlink();
  }

  /** unlinkFamily unlinks a descendant set (root first, as descendantsOf lists it) leaves first, so each index update is incremental. */
  unlinkFamily(family: readonly PoolTx[]): void {
    for (let i = family.length - 1; i >= 0; i--) if (this.byTxid.has(family[i]!.txid)) this.unlink(family[i]!);
  }
}
