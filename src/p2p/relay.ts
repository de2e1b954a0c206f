/**
 * Relay: announcing our new tip to peers, and answering what peers ask of us.
 *
 * - When the active tip moves (chain 'tip': a block connected, mined here or received),
 *   it is announced with inv to every ready peer that does not know it, so never back to
 *   the peer it came from. Announcements wait while we are still downloading a chain with
 *   more work (Core: no announcements during initial block download), and several tips in
 *   one turn of the event loop are announced once.
 * - getdata is answered with the blocks (at most MAX_BLOCKS_PER_GETDATA); the rest goes
 *   back to the caller (transactions are tx-relay.ts's, then notfound); getheaders with up to MAX_HEADERS headers of our active chain after the fork.
 */
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/block-index.js';
import { equalBytes, toDisplayHex, ZERO_HASH } from '../consensus/bytes.js';
import { headersAfter, locatorFork } from './locator.js';
import type { InvItem } from './messages.js';
import type { Peer } from './peer.js';

/** Blocks served for one getdata; the rest is answered notfound. */
export const MAX_BLOCKS_PER_GETDATA = 500;

export interface RelayOptions {
  chain: Chain;
  logger: Logger;
  peers: () => Iterable<Peer>;
  isSyncing: () => boolean;
}

export class Relay {
  private pending: ChainEntry | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly onTip = (entry: ChainEntry): void => {
    this.pending = entry;
    this.immediate ??= setImmediate(() => this.flush());
  };

  constructor(private readonly opts: RelayOptions) {}

  start(): void {
    this.opts.chain.on('tip', this.onTip);
  }

  stop(): void {
    this.opts.chain.off('tip', this.onTip);
    clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private flush(): void {
    this.immediate = undefined;
    const entry = this.pending;
    this.pending = undefined;
    if (entry === undefined || !this.opts.chain.isActive(entry) || this.opts.isSyncing()) return;
    for (const peer of this.opts.peers()) {
      if (!peer.ready || peer.knownBlocks.has(entry.id)) continue;
      peer.knownBlocks.add(entry.id);
      peer.send({ type: 'inv', items: [{ type: 'block', hash: entry.hash }] });
    }
  }

  /** serveGetData sends the blocks asked for and returns the items it did not serve (transactions, unknown or over the limit). */
  async serveGetData(peer: Peer, items: InvItem[]): Promise<InvItem[]> {
    const notFound: InvItem[] = [];
    let served = 0;
    for (const item of items) {
      if (item.type !== 'block' || served >= MAX_BLOCKS_PER_GETDATA) {
        notFound.push(item);
        continue;
      }
      const id = toDisplayHex(item.hash);
      const block = await this.opts.chain.getBlock(id);
      if (!peer.ready) return [];
      if (block === undefined) {
        notFound.push(item);
        continue;
      }
      served++;
      peer.knownBlocks.add(id);
      peer.send({ type: 'block', block });
    }
    this.opts.logger.debug({ peer: peer.id, count: served }, 'serving blocks');
    return notFound;
  }

  serveGetHeaders(peer: Peer, locator: Uint8Array[], stop: Uint8Array): void {
    const fork = locatorFork(this.opts.chain, locator);
    const stopId = equalBytes(stop, ZERO_HASH) ? undefined : toDisplayHex(stop);
    const headers = headersAfter(this.opts.chain, fork, stopId);
    this.opts.logger.debug({ peer: peer.id, fork: fork.height, count: headers.length }, 'serving headers');
    peer.send({ type: 'headers', headers });
  }
}
