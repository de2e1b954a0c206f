/**
 * Dispatch: what each message of a ready peer means, and who handles it. Block
 * announcements, blocks and headers go to sync (headers-first download); getdata and
 * getheaders to relay (serving); transactions to tx relay; addr to the address book.
 * version, verack, ping and pong are the peer's own (peer.ts).
 */
import type { Logger } from 'pino';
import { MAX_ADDRESSES, type AddrEntry, type Message } from './messages.js';
import type { Peer } from './peer.js';
import type { Relay } from './relay.js';
import type { BlockSync } from './sync.js';
import type { TxRelay } from './tx-relay.js';

/** Addresses peers told us about (addr), the newest last, at most MAX_ADDRESSES. */
export class AddressBook {
  private readonly entries = new Map<string, AddrEntry>();

  remember(addresses: readonly AddrEntry[]): void {
    for (const a of addresses) {
      const key = `${a.host}:${a.port}`;
      this.entries.delete(key);
      this.entries.set(key, a);
      if (this.entries.size > MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
    }
  }

  list(): AddrEntry[] {
    return [...this.entries.values()];
  }
}

export interface DispatchOptions {
  sync: BlockSync;
  relay: Relay;
  /** absent without a mempool: transactions are decoded (so malformed ones are scored) and dropped */
  txRelay: TxRelay | undefined;
  addresses: AddressBook;
  logger: Logger;
}

export class Dispatch {
  constructor(private readonly opts: DispatchOptions) {}

  async handle(peer: Peer, msg: Message): Promise<void> {
    const { sync, relay, txRelay } = this.opts;
    switch (msg.type) {
      case 'inv':
        txRelay?.onInv(peer, msg.items);
        return sync.onInv(peer, msg.items);
      case 'getdata': {
        const rest = await relay.serveGetData(peer, msg.items);
        const notFound = txRelay === undefined ? rest : (await txRelay.serve(peer, rest.filter((i) => i.type === 'tx'))).concat(rest.filter((i) => i.type !== 'tx'));
        if (notFound.length > 0 && peer.ready) peer.send({ type: 'notfound', items: notFound });
        return;
      }
      case 'notfound':
        return sync.onNotFound(peer, msg.items);
      case 'block':
        return sync.onBlock(peer, msg.block);
      case 'blockahead':
        return sync.onBlock(peer, msg.block, { ahead: true });
      case 'getheaders':
        return relay.serveGetHeaders(peer, msg.locator, msg.stop);
      case 'headers':
        return sync.onHeaders(peer, msg.headers);
      case 'addr':
        return this.opts.addresses.remember(msg.addresses);
      case 'sendblocks':
        peer.wantsBlocks = true; // relay.ts pushes our new tips to it
        return;
      case 'sendheaders':
        peer.wantsHeaders = true; // relay.ts announces our new tips to it by headers
        return;
      case 'tx':
        return txRelay?.onTx(peer, msg.tx);
      default:
        return;
    }
  }
}
