/**
 * Transaction relay (Core's net_processing for transactions, simplified):
 *
 * - A transaction the mempool accepted is announced with inv to every ready peer that
 *   does not know it (never back to its source); announcements are gathered for
 *   TX_INV_INTERVAL_MS and go out as one inv per peer (Core trickles them the same way,
 *   every 2-5 s), so a burst of 2,000 transactions is a few invs, not 2,000, and stays
 *   well inside the receiver's message rate.
 * - A tx that answers our own getdata to that peer does not count against its message
 *   rate (`expects`): a peer is never scored for sending what we asked for.
 * - An inv naming a transaction we lack, have not asked anyone for and did not just
 *   reject is answered with getdata; the tx that comes back goes to the mempool.
 * - A transaction that breaks a consensus rule whatever the chain looks like (a bad
 *   signature, an amount out of range, a duplicate input…) costs its sender
 *   'invalid-tx'. One refused for a reason that depends on our view (missing or spent
 *   inputs, an immature coinbase, a conflict, the fee policy) costs nothing: an honest
 *   peer on another tip sends such transactions.
 * - getdata for a transaction is answered from the mempool, or with notfound.
 */
import type { Logger } from 'pino';
import type { Verdict } from '../consensus/reasons.js';
import { txid as txidOf, type Tx } from '../consensus/tx.js';
import { toDisplayHex, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import { MAX_INV_ITEMS, type InvItem, type Message } from './messages.js';
import { txOffence, type Offence } from './misbehaviour.js';
import type { Peer } from './peer.js';

/** What relay needs of the mempool. */
export interface TxPool {
  has(txid: DisplayHex): boolean;
  get(txid: DisplayHex): { tx: Tx } | undefined;
  accept(tx: Tx): Promise<Verdict>;
}


/** Recently rejected txids remembered so a flood of invs for them is not fetched again. */
const MAX_RECENT_REJECTS = 10_000;
/** Transactions asked for and not yet answered; older requests may be asked again elsewhere. */
const MAX_TX_REQUESTS = 10_000;
const TX_REQUEST_TIMEOUT_MS = 60_000;
/** How long accepted transactions gather before one inv per peer announces them. */
export const TX_INV_INTERVAL_MS = 100;

export interface TxRelayOptions {
  pool: TxPool;
  logger: Logger;
  peers: () => Iterable<Peer>;
  punish: (peer: Peer, offence: Offence, detail: string) => void;
  /** Unix milliseconds */
  clock: () => number;
}

export class TxRelay {
  private readonly queued: { id: DisplayHex; hash: Hash32 }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly recentRejects = new Set<string>();
  /** txid → when we asked for it and of which peer */
  private readonly requested = new Map<string, { at: number; peer: number }>();

  constructor(private readonly opts: TxRelayOptions) {}

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** expects says whether a message is a transaction we asked this peer for (so not rate-limited). */
  expects(peer: Peer, msg: Message): boolean {
    return msg.type === 'tx' && this.requested.get(txidOf(msg.tx))?.peer === peer.id;
  }

  /** announce queues an accepted transaction for the next inv to every peer that lacks it. */
  announce(txHash: Hash32): void {
    // The txid keys the peers' known sets, as for a transaction that arrives (onInv, onTx).
    this.queued.push({ id: toDisplayHex(txHash), hash: txHash });
    this.timer ??= setTimeout(() => this.flush(), TX_INV_INTERVAL_MS);
  }

  /** forgetRejects is called on a new tip: a transaction refused before may be valid now (Core resets recentRejects). */
  forgetRejects(): void {
    this.recentRejects.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const items = this.queued.splice(0);
    for (const peer of this.opts.peers()) {
      if (!peer.ready) continue;
      const fresh = items.filter((item) => !peer.knownTxs.has(item.id));
      for (let i = 0; i < fresh.length; i += MAX_INV_ITEMS) {
        const chunk = fresh.slice(i, i + MAX_INV_ITEMS);
        for (const item of chunk) peer.knownTxs.add(item.id);
        peer.send({ type: 'inv', items: chunk.map((item) => ({ type: 'tx', hash: item.hash })) });
      }
    }
  }

  onInv(peer: Peer, items: readonly InvItem[]): void {
    const now = this.opts.clock();
    const wanted: InvItem[] = [];
    for (const item of items) {
      if (item.type !== 'tx') continue;
      const id = toDisplayHex(item.hash);
      peer.knownTxs.add(id);
      if (this.opts.pool.has(id) || this.recentRejects.has(id)) continue;
      const asked = this.requested.get(id);
      if (asked !== undefined && now - asked.at < TX_REQUEST_TIMEOUT_MS) continue;
      if (this.requested.size >= MAX_TX_REQUESTS) this.requested.delete(this.requested.keys().next().value!);
      this.requested.delete(id); // re-inserted last, so the oldest request is the one evicted
      this.requested.set(id, { at: now, peer: peer.id });
      wanted.push(item);
    }
    if (wanted.length > 0) peer.send({ type: 'getdata', items: wanted });
  }

  async onTx(peer: Peer, tx: Tx): Promise<void> {
    const id = txidOf(tx);
    peer.knownTxs.add(id);
    this.requested.delete(id);
    if (this.opts.pool.has(id) || this.recentRejects.has(id)) return;
    const verdict = await this.opts.pool.accept(tx);
    if (verdict.ok) peer.lastTxAt = this.opts.clock();
    if (verdict.ok || verdict.reason === 'txn-already-in-mempool') return;
    if (this.recentRejects.size >= MAX_RECENT_REJECTS) this.recentRejects.clear();
    this.recentRejects.add(id);
    this.opts.logger.debug({ peer: peer.id, txid: id, reason: verdict.reason, debug: verdict.debug }, 'refused a relayed transaction');
    const offence = txOffence(verdict.reason);
    if (offence !== undefined) this.opts.punish(peer, offence, `tx ${id}: ${verdict.reason}`);
  }

  /**
   * serve answers the tx items of a getdata from the mempool, paced: before each it waits
   * until the peer's send buffer is below maxSendBufferBytes, so a peer that asked for
   * 2,000 transactions gets them all in batches instead of being dropped for a full
   * buffer. Duplicates are answered once. Returns the items it could not serve.
   */
  async serve(peer: Peer, items: readonly InvItem[]): Promise<InvItem[]> {
    const notFound: InvItem[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const id = toDisplayHex(item.hash);
      if (seen.has(id)) continue;
      seen.add(id);
      await peer.whenSendable();
      if (!peer.ready) return [];
      const entry = this.opts.pool.get(id);
      if (entry === undefined) {
        notFound.push(item);
        continue;
      }
      peer.knownTxs.add(id);
      peer.send({ type: 'tx', tx: entry.tx });
    }
    return notFound;
  }
}
