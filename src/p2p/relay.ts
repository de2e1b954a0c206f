/**
 * Relay: announcing our new tip to peers, and answering what peers ask of us.
 *
 * - When the active tip moves (chain 'tip': a block connected, mined here or received),
 *   it is announced to every ready peer that does not know it, so never back to the peer
 *   it came from. Announcements wait while we are still downloading a chain with more
 *   work (Core: no announcements during initial block download), and several tips in one
 *   turn of the event loop are announced once. How, per peer: one that sent `sendblocks`
 *   and knows the new tip's parent gets the block itself (BIP152's high-bandwidth idea:
 *   one message per hop instead of inv, getdata and block, and no store read to serve
 *   it); one that sent `sendheaders` (BIP130) gets the headers from the first block whose
 *   parent it knows, up to MAX_ANNOUNCED_HEADERS; any other gets an inv of the tip.
 * - Relay before the slow part (relayAhead): a new block that would extend our tip and
 *   passes its header, proof of work and own checks (Chain.checkBlockForRelay) goes to
 *   the `sendblocks` peers that know its parent before we connect it, so the next hop
 *   overlaps our connect. A block whose header or proof of work fails is never relayed.
 *   A block a peer sent us goes as `blockahead`, not `block`: one that later fails its
 *   connect (inputs, amounts, signatures) was relayed in BIP152's way, and the receiver
 *   does not punish us for it (sync.ts). A block we mined goes the same way after the
 *   same checks (relayOwnBlock: its first hop would otherwise wait for our connect, the
 *   SSE event and the API's answer), but as `block`: we made it, so it stays our fault.
 *   Any `block` we send is one we connected or made.
 * - getdata is answered with the blocks, each named once (duplicates are dropped), at
 *   most MAX_BLOCKS_PER_GETDATA and MAX_BYTES_PER_GETDATA per message and
 *   SERVE_BYTES_PER_SECOND per peer; the rest goes back to the caller (transactions are
 *   tx-relay.ts's, then notfound). Before each block we wait until the peer's send
 *   buffer is below maxSendBufferBytes (Core: fPauseSend), so a peer that does not read
 *   stalls only its own service. A getdata with duplicates or over the block cap, which
 *   our sync never sends, costs 'getdata-abuse'.
 * - getheaders is answered with up to MAX_HEADERS headers of our active chain after the fork.
 */
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.js';
import { hasData, type ChainEntry } from '../chain/block-index.js';
import { equalBytes, toDisplayHex, ZERO_HASH, type DisplayHex, type Hash32 } from '../consensus/bytes.js';
import { headersAfter, locatorFork } from './locator.js';
import { blockSize } from '../storage/block-bytes.js';
import type { Block } from '../consensus/block.js';
import type { BlockHeader } from '../consensus/header.js';
import { blockIdOf } from './downloaded-block.js';
import { MAX_ANNOUNCED_HEADERS } from './header-presync.js';
import { encodeMessage, type InvItem } from './messages.js';
import { wireTxHashes } from './wire-hash.js';
import type { Offence } from './misbehaviour.js';
import type { Peer } from './peer.js';

/** Blocks served for one getdata; the rest is answered notfound. Our sync asks for at most maxBlocksInFlight (128). */
export const MAX_BLOCKS_PER_GETDATA = 128;
/**
 * Blocks read from the store in one go while serving a getdata; the next chunk is read
 * while this one is sent, if this one is at most READ_AHEAD_BYTES. What one peer's
 * getdata holds in memory is so at most about READ_CHUNK big blocks and READ_AHEAD_BYTES,
 * in line with the ~9 MB its send buffer may already hold (maxSendBufferHardBytes).
 */
const READ_CHUNK = 8;
const READ_AHEAD_BYTES = 1_000_000;
/** Block bytes served for one getdata. */
export const MAX_BYTES_PER_GETDATA = 16_000_000;
/** Block bytes served to one peer per second, sustained (a burst of twice that). */
export const SERVE_BYTES_PER_SECOND = 8_000_000;

export interface RelayOptions {
  chain: Chain;
  logger: Logger;
  peers: () => Iterable<Peer>;
  isSyncing: () => boolean;
  punish: (peer: Peer, offence: Offence, detail: string) => void;
  /** Unix milliseconds */
  clock: () => number;
}

/** A byte allowance refilled at SERVE_BYTES_PER_SECOND, per peer. */
interface Allowance {
  bytes: number;
  at: number;
}

export class Relay {
  private readonly allowances = new WeakMap<Peer, Allowance>();
  private pending: ChainEntry | undefined;
  /** the block last connected, to push it whole to the peers that asked */
  private connected: { id: string; block: Block } | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly onTip = (entry: ChainEntry): void => {
    this.pending = entry;
    this.immediate ??= setImmediate(() => this.flush());
  };
  private readonly onConnected = (entry: ChainEntry, block: Block): void => {
    this.connected = { id: entry.id, block };
  };

  constructor(private readonly opts: RelayOptions) {}

  start(): void {
    this.opts.chain.on('tip', this.onTip);
    this.opts.chain.on('blockConnected', this.onConnected);
  }

  stop(): void {
    this.opts.chain.off('tip', this.onTip);
    this.opts.chain.off('blockConnected', this.onConnected);
    clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private flush(): void {
    this.immediate = undefined;
    const entry = this.pending;
    const connected = this.connected;
    this.pending = undefined;
    this.connected = undefined;
    if (entry === undefined || !this.opts.chain.isActive(entry) || this.opts.isSyncing()) return;
    const block = connected?.id === entry.id ? connected.block : undefined;
    const parentId = entry.parent?.id;
    let blockFrame: Uint8Array | undefined; // encoded once, for every peer it goes to
    for (const peer of this.opts.peers()) {
      if (!peer.ready || peer.knownBlocks.has(entry.id)) continue;
      // Pushed whole only where it connects: a peer lacking the parent is told by headers or inv, and fetches what it lacks.
      if (block !== undefined && peer.wantsBlocks && parentId !== undefined && peer.knownBlocks.has(parentId)) {
        peer.knownBlocks.add(entry.id);
        peer.sendFrame((blockFrame ??= encodeMessage(this.opts.chain.params.magic, { type: 'block', block })));
        continue;
      }
      const headers = peer.wantsHeaders ? headersToAnnounce(peer, entry) : undefined;
      for (const h of headers?.entries ?? [entry]) peer.knownBlocks.add(h.id);
      if (headers !== undefined) peer.send({ type: 'headers', headers: headers.headers });
      else peer.send({ type: 'inv', items: [{ type: 'block', hash: entry.hash }] });
    }
  }

  /**
   * relayAhead sends a new block, before we connect it, to the peers that asked for new
   * blocks whole (`sendblocks`) and know its parent, if it would extend our active tip
   * and passes its header, proof of work and own checks. @see BIP152 ("high-bandwidth
   * mode": relay after the header and the block's context-free checks, before full
   * validation). Nothing goes out while we are still syncing. The block is encoded once,
   * and the same bytes go to every peer. `as`: `blockahead` for a block a peer sent us,
   * `block` for one we mined (relayOwnBlock).
   */
  relayAhead(block: Block, id: string, as: 'blockahead' | 'block' = 'blockahead'): void {
    if (this.opts.isSyncing()) return;
    const { chain } = this.opts;
    const parentId = toDisplayHex(block.header.prevHash);
    const targets = [...this.opts.peers()].filter((p) => p.ready && p.wantsBlocks && !p.knownBlocks.has(id) && p.knownBlocks.has(parentId));
    if (targets.length === 0) return;
    // The transactions are hashed natively for the merkle root, and remembered for the connect:
    // the consensus code's JavaScript hash runs cold in a fresh node and took most of this check (wire-hash.ts).
    wireTxHashes(block);
    const v = chain.checkBlockForRelay(block);
    if (!v.ok || v.parent !== chain.tip) return; // never relay a block whose header or proof of work fails
    const frame = encodeMessage(chain.params.magic, { type: as, block });
    for (const peer of targets) {
      peer.knownBlocks.add(id);
      peer.sendFrame(frame);
    }
    this.opts.logger.debug({ block: id, peers: targets.length }, 'block relayed ahead of its connect');
  }

  /**
   * relayOwnBlock is relayAhead for a block this node mined, before it goes to
   * Chain.processBlock: the same checks (our own template can be wrong too), and it goes
   * as `block`, so a block of ours that fails at a peer's connect costs us there, as a
   * block we connected would (a student who changed the rules is still banned).
   * Differs from Bitcoin: Core's miner announces its block by compact block before the
   * connect as well (NewPoWValidBlock), and is not punished for it by high-bandwidth
   * peers. A failure here is logged and never keeps the block from its connect.
   */
  relayOwnBlock(block: Block): void {
    try {
      // blockIdOf remembers the header's hash for the chain (remembered-hashes.ts): safe here, a
      // found block's header is a new object that no one changes (blockFromTemplate).
      this.relayAhead(block, blockIdOf(block.header), 'block');
    } catch (err) {
      this.opts.logger.error({ err }, 'relaying our own block ahead of its connect failed');
    }
  }

  /** serveGetData sends the blocks asked for, paced, and returns the items it did not serve (transactions, unknown or over the caps). */
  async serveGetData(peer: Peer, items: InvItem[]): Promise<InvItem[]> {
    const notFound: InvItem[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    let blocks = 0;
    let served = 0;
    let bytes = 0;
    // The blocks this getdata may be served, in order, read from the store READ_CHUNK at a
    // time in one getMany: the next chunk is read while this one goes out (if it is small).
    // A get per block cost more CPU in thread hand-offs than anything else in serving a
    // sync (store.ts getBlocks).
    const order = [...new Set(items.filter((i) => i.type === 'block').map((i) => toDisplayHex(i.hash)))].slice(0, MAX_BLOCKS_PER_GETDATA);
    const chunks = new Map<number, Promise<Map<DisplayHex, Block>>>();
    const chunkOf = (c: number): Promise<Map<DisplayHex, Block>> => {
      let p = chunks.get(c);
      if (p === undefined) {
        p = this.readChunk(order.slice(c * READ_CHUNK, (c + 1) * READ_CHUNK));
        p.catch(() => undefined); // a read started ahead and never awaited must not go unhandled
        chunks.set(c, p);
      }
      return p;
    };
    const position = new Map(order.map((id, i) => [id, i]));
    const read = async (id: DisplayHex): Promise<Block | undefined> => {
      const c = Math.floor(position.get(id)! / READ_CHUNK);
      chunks.delete(c - 1); // sent: not held any longer (blocks are served in this order)
      const chunk = await chunkOf(c);
      if ((c + 1) * READ_CHUNK < order.length && !chunks.has(c + 1)) {
        let chunkBytes = 0;
        for (const block of chunk.values()) chunkBytes += blockSize(block);
        if (chunkBytes <= READ_AHEAD_BYTES) void chunkOf(c + 1);
      }
      return chunk.get(id);
    };
    for (const item of items) {
      if (item.type !== 'block') {
        notFound.push(item);
        continue;
      }
      const id = toDisplayHex(item.hash);
      if (seen.has(id)) {
        duplicates++;
        continue;
      }
      seen.add(id);
      if (++blocks > MAX_BLOCKS_PER_GETDATA || bytes >= MAX_BYTES_PER_GETDATA) {
        notFound.push(item);
        continue;
      }
      if (!peer.sendable) {
        this.opts.logger.info({ peer: peer.id, bytes: peer.sendBufferBytes }, 'send buffer full: getdata service paused until the peer reads');
        await peer.whenSendable();
      }
      const block = await read(id);
      if (!peer.ready) return [];
      if (block === undefined) {
        notFound.push(item);
        continue;
      }
      const size = blockSize(block); // the stored bytes: no encoding
      await this.spend(peer, size);
      if (!peer.ready) return [];
      served++;
      bytes += size;
      peer.knownBlocks.add(id);
      peer.send({ type: 'block', block });
    }
    if (duplicates > 0 || blocks > MAX_BLOCKS_PER_GETDATA) {
      this.opts.punish(peer, 'getdata-abuse', `getdata naming ${blocks} blocks (cap ${MAX_BLOCKS_PER_GETDATA}), ${duplicates} more than once`);
    }
    this.opts.logger.debug({ peer: peer.id, count: served, bytes }, 'serving blocks');
    return notFound;
  }

  /** readChunk reads the stored blocks of `ids` in one store read; unknown or data-less ones are left out. */
  private async readChunk(ids: readonly DisplayHex[]): Promise<Map<DisplayHex, Block>> {
    const { chain } = this.opts;
    const entries = ids.map((id) => chain.getEntry(id)).filter((e): e is ChainEntry => e !== undefined && hasData(e));
    const blocks = await chain.store.getBlocks(entries.map((e) => e.hash));
    const out = new Map<DisplayHex, Block>();
    entries.forEach((e, i) => {
      const block = blocks[i];
      if (block !== undefined) out.set(e.id, block);
    });
    return out;
  }

  /** spend takes bytes from the peer's allowance, waiting for it to refill when short. */
  private async spend(peer: Peer, bytes: number): Promise<void> {
    const now = this.opts.clock();
    const a = this.allowances.get(peer) ?? { bytes: 2 * SERVE_BYTES_PER_SECOND, at: now };
    a.bytes = Math.min(2 * SERVE_BYTES_PER_SECOND, a.bytes + ((now - a.at) / 1000) * SERVE_BYTES_PER_SECOND);
    a.at = now;
    a.bytes -= bytes;
    this.allowances.set(peer, a);
    if (a.bytes < 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil((-a.bytes / SERVE_BYTES_PER_SECOND) * 1000)));
  }

  serveGetHeaders(peer: Peer, locator: Hash32[], stop: Hash32): void {
    const fork = locatorFork(this.opts.chain, locator);
    const stopId = equalBytes(stop, ZERO_HASH) ? undefined : toDisplayHex(stop);
    const headers = headersAfter(this.opts.chain, fork, stopId);
    this.opts.logger.debug({ peer: peer.id, fork: fork.height, count: headers.length }, 'serving headers');
    peer.send({ type: 'headers', headers });
  }
}

/**
 * headersToAnnounce: the headers from the first block whose parent the peer knows up to
 * `tip`, if that is at most MAX_ANNOUNCED_HEADERS back; otherwise undefined (announce by
 * inv). @see BIP130, Core's SendMessages (it falls back to inv likewise).
 */
function headersToAnnounce(peer: Peer, tip: ChainEntry): { entries: ChainEntry[]; headers: BlockHeader[] } | undefined {
  const entries: ChainEntry[] = [];
  for (let e: ChainEntry | undefined = tip; e?.parent !== undefined && entries.length < MAX_ANNOUNCED_HEADERS; e = e.parent) {
    entries.unshift(e);
    if (peer.knownBlocks.has(e.parent.id)) return { entries, headers: entries.map((x) => x.header) };
  }
  return undefined;
}
