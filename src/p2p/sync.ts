/**
 * Headers-first sync and block download (Bitcoin Core's since 0.10).
 *
 * - A peer that announces more chainwork in its version is sent getheaders with our
 *   block locator; its headers are checked and added to the block index (headers-only)
 *   once their chain's work passes our tip's (header-presync.ts: until then they are
 *   held in memory), and while it answers a full batch (MAX_HEADERS) we ask for the
 *   next one. Headers nobody asked for are only an announcement of a few new blocks.
 * - Blocks are fetched for headers we have without data, lowest first, from every peer
 *   known to have them (its best known header descends from them), at most
 *   `maxBlocksInFlight` per peer and never the same block from two peers at once: with
 *   several peers on the same chain the download spreads across all of them. A request
 *   unanswered after `blockTimeoutMs` drops the stalling peer, and
 *   other peers fetch what it held up.
 * - inv of an unknown block is answered with getdata; a block whose parent is unknown
 *   (an orphan) makes us send its sender getheaders from our tip, which fills the gap.
 *
 * Offences (headers that do not connect, an invalid block…) go to `punish`; scores are
 * misbehaviour.ts's. What is kept per peer is peer-sync.ts's, which peer each block is
 * asked of (and re-asking when it stalls) block-requests.ts's.
 */
import type { Logger } from 'pino';
import type { BlockOutcome } from '../chain/block-outcome.js';
import type { Chain } from '../chain/chain.js';
import { hasData, isFailed, type ChainEntry } from '../chain/block-index.js';
import { hashOfHeader } from '../chain/remembered-hashes.js';
import type { Block } from '../consensus/block.js';
import { equalBytes, toDisplayHex, ZERO_HASH, type Hash32 } from '../consensus/bytes.js';
import { blockId, type BlockHeader } from '../consensus/header.js';
import { wireHeaderHash } from './wire-hash.js';
import { blockWork } from '../consensus/pow.js';
import { BlockQueue, type QueuedBlock } from './block-queue.js';
import { BlockRequests } from './block-requests.js';
import { blockIdOf, bodyMatchesHeader } from './downloaded-block.js';
import { blockLocator } from './locator.js';
import { MAX_ANNOUNCED_HEADERS, MAX_PRESYNC_HEADERS } from './header-presync.js';
import { MAX_HEADERS, MAX_LOCATOR_HASHES, type InvItem, type Message } from './messages.js';
import { blockOffence, headerOffence, type Offence } from './misbehaviour.js';
import type { Peer } from './peer.js';
import { answersRequest, MAX_LACKS, newPeerSync, noteKnown, stalledRequest, type PeerSync } from './peer-sync.js';

/** headers stored in one write before the blocks they name are asked for (onHeaders) */
const HEADER_CHUNK = 250;

export interface SyncOptions {
  chain: Chain;
  logger: Logger;
  /** Unix milliseconds */
  clock: () => number;
  /** blocks requested from one peer at a time (p2p-options.ts: 128; Bitcoin keeps 16, MAX_BLOCKS_IN_TRANSIT_PER_PEER) */
  maxBlocksInFlight: number;
  blockTimeoutMs: number;
  punish(peer: Peer, offence: Offence, detail: string): void;
  /** sends a new block on to high-bandwidth peers before we connect it (relay.ts relayAhead) */
  relayAhead?(block: Block, id: string): void;
}

export class BlockSync {
  private readonly states = new Map<number, PeerSync>();
  /** which peer each block is asked of, and who else announced it (block-requests.ts) */
  private readonly requested: BlockRequests;
  /** block id → when it arrived as an orphan: it waits in the chain's orphan pool for its parent */
  private readonly waiting = new Map<string, number>();
  /** blocks we asked for that arrived and wait to be connected in a run (block-queue.ts) */
  private readonly queue = new BlockQueue();
  private connecting: Promise<void> | undefined;

  constructor(private readonly opts: SyncOptions) {
    this.requested = new BlockRequests({ peer: (id) => this.states.get(id), clock: opts.clock, maxBlocksInFlight: opts.maxBlocksInFlight, logger: opts.logger });
  }

  addPeer(peer: Peer): void {
    const ps = newPeerSync(peer, this.opts.chain.params);
    this.states.set(peer.id, ps);
    if (peer.chainwork > this.opts.chain.tip.chainwork) this.requestHeaders(ps, this.opts.chain.tip);
  }

  removePeer(peer: Peer): void {
    const ps = this.states.get(peer.id);
    if (ps === undefined) return;
    const released = [...ps.inFlight.keys()].filter((id) => this.requested.peerOf(id) === peer.id);
    for (const id of released) this.requested.forget(id);
    this.states.delete(peer.id);
    for (const id of released) this.requested.reRequest(id);
    for (const other of this.states.values()) other.path.rescan(); // what it held up is to be asked of others
    this.schedule();
  }

  /** expects says whether a message answers a request we made to this peer. */
  expects(peer: Peer, msg: Message): boolean {
    const ps = this.states.get(peer.id);
    if (ps === undefined) return false;
    if (msg.type === 'block') return ps.inFlight.has(blockIdOf(msg.block.header));
    if (msg.type === 'headers') return ps.headersRequestedAt !== undefined;
    if (msg.type === 'notfound') return ps.inFlight.size > 0;
    return false;
  }

  /** isSyncing: some peer has a chain with more work than our tip that we are fetching (Core: initial block download). */
  isSyncing(): boolean {
    const tip = this.opts.chain.tip;
    for (const ps of this.states.values()) {
      // Only while blocks are on their way: a peer that shows headers and never delivers does not silence us.
      if (ps.peer.ready && ps.inFlight.size > 0 && ps.bestKnown !== undefined && !isFailed(ps.bestKnown) && ps.bestKnown.chainwork > tip.chainwork) return true;
    }
    return false;
  }

  /** blocksInFlight counts outstanding block requests (for tests and metrics). */
  get blocksInFlight(): number {
    return this.requested.size;
  }

  // ---- headers -------------------------------------------------------------------

  async onHeaders(peer: Peer, headers: BlockHeader[]): Promise<void> {
    const ps = this.states.get(peer.id);
    if (ps === undefined) return;
    const solicited = answersRequest(ps, headers);
    if (solicited) ps.headersRequestedAt = undefined;
    if (headers.length === 0) return; // the peer has nothing after our locator
    // Unasked, headers may only announce a few new blocks (header-presync.ts).
    if (!solicited && headers.length > MAX_ANNOUNCED_HEADERS) {
      return this.opts.punish(peer, 'unrequested-headers', `${headers.length} headers never asked for (an announcement carries at most ${MAX_ANNOUNCED_HEADERS})`);
    }
    const { chain, logger } = this.opts;
    // Each header must build on the one before it.
    const hashes = headers.map(wireHeaderHash); // remembered: the presync and the chain use them, not hash again
    for (let i = 1; i < headers.length; i++) {
      if (!equalBytes(headers[i]!.prevHash, hashes[i - 1]!)) {
        return this.opts.punish(peer, 'headers-non-continuous', `header ${i} does not build on header ${i - 1}`);
      }
    }
    // The first must build on a block we know, or on the chain this peer has us hold:
    // an answer to our locator always does.
    const parentId = toDisplayHex(headers[0]!.prevHash);
    const parent = chain.getEntry(parentId);
    if (parent === undefined && !ps.presync.extends(headers[0]!.prevHash)) {
      // While we hold part of this peer's chain, an announcement of its new tip cannot connect yet: not an offence.
      if (!solicited && ps.presync.baseEntry !== undefined) return logger.debug({ peer: peer.id }, 'announced headers beyond the chain we hold: ignored');
      return this.opts.punish(peer, 'headers-not-connecting', `first header's parent ${parentId} is unknown`);
    }
    // Stored only once the chain's work passes the threshold; until then held in memory.
    const step = ps.presync.add(headers, hashes, parent, chain.tip);
    if (step.kind === 'bad-pow') {
      const detail = `header ${blockId(step.header)}: ${step.reason}${step.debug === undefined ? '' : ` (${step.debug})`}`;
      const offence = headerOffence(step.reason);
      if (offence !== undefined) this.opts.punish(peer, offence, detail);
      return;
    }
    if (step.kind === 'drop') {
      logger.info({ peer: peer.id, held: step.held, max: MAX_PRESYNC_HEADERS }, 'low-work header chain longer than we hold in memory: dropped, not stored');
      return;
    }
    if (step.kind === 'hold') {
      logger.info({ peer: peer.id, held: step.held, work: step.work.toString(16), tipWork: chain.tip.chainwork.toString(16) }, "header chain below our tip's work: held in memory, not stored");
      if (solicited && headers.length === MAX_HEADERS && peer.ready) this.sendGetHeaders(ps, [step.last, ...blockLocator(ps.presync.baseEntry!)]);
      return;
    }
    // Stored HEADER_CHUNK at a time (Chain.processHeaders: one store write each), up to the
    // first header that fails, and the blocks of each chunk asked for before the next is
    // checked: the first blocks are on the wire while the rest of a 2,000-header message
    // is checked, instead of after it (`npm run bench -- network`, initial sync).
    let last: ChainEntry | undefined;
    for (let at = 0; at < step.headers.length; at += HEADER_CHUNK) {
      const { blockIds: accepted, failure } = await chain.processHeaders(step.headers.slice(at, at + HEADER_CHUNK));
      for (const id of accepted) peer.knownBlocks.add(id);
      if (accepted.length > 0) last = chain.getEntry(accepted[accepted.length - 1]!);
      if (failure !== undefined) {
        const offence = headerOffence(failure.reason);
        const detail = `header ${toDisplayHex(hashOfHeader(step.headers[at + failure.index]!))}: ${failure.reason}${failure.debug === undefined ? '' : ` (${failure.debug})`}`;
        if (offence !== undefined) this.opts.punish(peer, offence, detail);
        else logger.info({ peer: peer.id, detail }, 'header not accepted yet');
        break;
      }
      if (last === undefined || !peer.ready) return;
      noteKnown(ps, last);
      if (at + HEADER_CHUNK < step.headers.length) this.schedule();
    }
    if (last === undefined || !peer.ready) return;
    noteKnown(ps, last);
    // A full batch means the peer may have more: ask again from where it ended.
    if (solicited && headers.length === MAX_HEADERS && chain.getEntryByHash(hashes[hashes.length - 1]!) === last) this.requestHeaders(ps, last);
    this.schedule();
  }

  private requestHeaders(ps: PeerSync, from: ChainEntry): void {
    this.sendGetHeaders(ps, blockLocator(from));
  }

  private sendGetHeaders(ps: PeerSync, locator: Hash32[]): void {
    // Genesis stays last: drop from just before it when a held hash made the list too long.
    if (locator.length > MAX_LOCATOR_HASHES) locator.splice(MAX_LOCATOR_HASHES - 1, locator.length - MAX_LOCATOR_HASHES);
    ps.headersRequestedAt = this.opts.clock();
    ps.headersLocator = new Set(locator.map(toDisplayHex));
    ps.peer.send({ type: 'getheaders', locator, stop: ZERO_HASH });
  }

  // ---- announcements and blocks ----------------------------------------------------

  onInv(peer: Peer, items: InvItem[]): void {
    const ps = this.states.get(peer.id);
    if (ps === undefined) return;
    const { chain, clock } = this.opts;
    const wanted: InvItem[] = [];
    let skipped = false;
    for (const item of items) {
      if (item.type !== 'block') continue; // transactions are tx-relay.ts's
      const id = toDisplayHex(item.hash);
      peer.knownBlocks.add(id);
      const entry = chain.getEntry(id);
      if (entry !== undefined) {
        noteKnown(ps, entry);
        continue;
      }
      const from = this.requested.peerOf(id);
      if (from !== undefined && from !== peer.id) this.requested.noteAnnouncer(id, peer.id);
      if (from !== undefined || this.waiting.has(id)) continue;
      if (ps.inFlight.size + wanted.length >= this.opts.maxBlocksInFlight) {
        skipped = true;
        continue;
      }
      wanted.push(item);
      this.requested.ask(id, ps, clock());
    }
    if (wanted.length > 0) peer.send({ type: 'getdata', items: wanted });
    // More unknown blocks than we may fetch now: their headers tell us what to fetch later.
    if (skipped && ps.headersRequestedAt === undefined) this.requestHeaders(ps, chain.tip);
    this.schedule();
  }

  onNotFound(peer: Peer, items: InvItem[]): void {
    const ps = this.states.get(peer.id);
    if (ps === undefined) return;
    for (const item of items) {
      const id = toDisplayHex(item.hash);
      if (!ps.inFlight.delete(id)) continue;
      if (ps.lacks.size >= MAX_LACKS) ps.lacks.clear();
      ps.lacks.add(id);
      if (this.requested.peerOf(id) === peer.id) {
        this.requested.forget(id);
        this.requested.reRequest(id);
      }
    }
    for (const other of this.states.values()) other.path.rescan(); // what it lacks is to be asked of others
    this.schedule();
  }

  /** onBlock takes a block from a peer; `ahead` says it came as `blockahead`, sent on before its sender connected it. */
  async onBlock(peer: Peer, block: Block, via: { ahead?: boolean } = {}): Promise<void> {
    const { chain, logger } = this.opts;
    const id = blockIdOf(block.header);
    peer.knownBlocks.add(id);
    const requested = this.requested.has(id);
    const sender = this.states.get(peer.id);
    if (sender !== undefined && this.requested.peerOf(id) === peer.id) sender.deliveredAt = this.opts.clock();
    this.requested.release(id);
    // Core's AcceptBlock rule: a block we did not ask for is not stored unless it would
    // give a chain with more work than our tip (the body of a low-work side chain costs
    // disk for nothing). Its header, and a block we asked for, go through as usual.
    const parent = chain.getEntryByHash(block.header.prevHash);
    const known = chain.getEntry(id);
    if (!requested && parent !== undefined && (known === undefined || !hasData(known)) && parent.chainwork + blockWork(block.header.bits) <= chain.tip.chainwork) {
      logger.info({ peer: peer.id, block: id, height: parent.height + 1 }, 'unrequested block with no more work than our tip: not stored');
      return;
    }
    // A new block on our tip goes on to high-bandwidth peers before the slow part (relay.ts).
    if (parent !== undefined && parent === chain.tip && (known === undefined || !hasData(known))) this.opts.relayAhead?.(block, id);
    // A block we asked for under a header we hold waits for the chain in a run (block-queue.ts),
    // so the next frames are read while it connects.
    if (requested && known !== undefined && !hasData(known) && !isFailed(known) && !this.queue.full) {
      this.queue.add({ id, block, entry: known, peer });
      this.connecting ??= this.connectQueued();
      this.schedule();
      return;
    }
    this.settle({ id, block, peer }, requested, await chain.processBlock(block), via.ahead === true);
    this.schedule();
  }

  /** connectQueued hands the queued blocks to the chain in runs until none can connect yet. */
  private async connectQueued(): Promise<void> {
    await Promise.resolve(); // so `connecting` is set before the loop can end
    try {
      for (;;) {
        const ready = this.queue.takeReady(this.opts.chain.tip);
        if (ready.length === 0) break;
        let outcomes: BlockOutcome[];
        try {
          outcomes = await this.opts.chain.processBlocks(ready.map((q) => q.block));
        } finally {
          this.queue.settled(ready);
        }
        ready.forEach((q, i) => this.settle(q, true, outcomes[i]!));
        this.schedule();
      }
    } catch (e) {
      this.opts.logger.error({ err: e }, 'connecting downloaded blocks failed');
    } finally {
      this.connecting = undefined;
    }
  }

  /** idle resolves once no queued block is being connected; close drops the queue first (the node is stopping). */
  async close(): Promise<void> {
    this.queue.clear();
    await this.connecting;
  }

  /**
   * settle acts on what the chain made of a block: note who has it, punish an offence,
   * fetch missing headers. `ahead`: it came as `blockahead` (relayed before its sender's connect).
   */
  private settle({ id, block, peer }: Pick<QueuedBlock, 'id' | 'block' | 'peer'>, requested: boolean, outcome: BlockOutcome, ahead = false): void {
    const { chain, logger } = this.opts;
    const ps = this.states.get(peer.id);
    switch (outcome.status) {
      case 'connected':
      case 'accepted': {
        peer.lastBlockAt = this.opts.clock();
        this.waiting.delete(id);
        const entry = chain.getEntry(id);
        if (ps !== undefined && entry !== undefined) noteKnown(ps, entry);
        break;
      }
      case 'duplicate': {
        // The chain has this block and does not look at the body again: a body that does
        // not match the header is junk its sender built (it costs us the decode), so score it.
        if (!bodyMatchesHeader(block)) {
          this.opts.punish(peer, 'mutated-block', `block ${id}: body does not match the known header (bad-txnmrklroot)`);
          break;
        }
        const entry = chain.getEntry(id);
        if (entry === undefined || !hasData(entry)) this.waiting.set(id, this.opts.clock());
        break;
      }
      case 'orphan':
        // Its parent is unknown: ask the sender for the headers between our tip and it.
        this.waiting.set(id, this.opts.clock());
        logger.debug({ peer: peer.id, block: id }, 'orphan block: asking the peer for the missing headers');
        if (ps !== undefined && ps.headersRequestedAt === undefined) this.requestHeaders(ps, chain.tip);
        break;
      case 'rejected': {
        const offence = blockOffence(outcome.reason);
        const detail = `block ${id}: ${outcome.reason}${outcome.debug === undefined ? '' : ` (${outcome.debug})`}`;
        // BIP152: a block relayed to us before its sender connected it (blockahead) that
        // fails only at the connect (its header and own checks passed) is not its sender's
        // fault. A bad header, proof of work or body still is, and so is a `block` that
        // fails: its sender connected it, so it runs other rules (or lies).
        if (ahead && !requested && outcome.stage === 'connect') logger.info({ peer: peer.id, detail }, 'block pushed ahead of its connect failed to connect: not punished (BIP152)');
        else if (offence !== undefined) this.opts.punish(peer, offence, detail);
        else logger.info({ peer: peer.id, detail }, 'block not accepted (not an offence)');
        break;
      }
    }
  }

  // ---- download scheduling ------------------------------------------------------------

  /** schedule gives every peer with free slots the next blocks it can serve. */
  schedule(): void {
    for (const ps of this.states.values()) if (ps.peer.ready) this.fill(ps);
  }

  /**
   * fill asks a peer for the lowest blocks on its best known branch that we lack and no
   * one is fetching, if that branch has more work than our tip. @see Core FindNextBlocksToDownload.
   */
  private fill(ps: PeerSync): void {
    const { chain, clock } = this.opts;
    const free = this.opts.maxBlocksInFlight - ps.inFlight.size;
    const best = ps.bestKnown;
    if (this.queue.full) return; // the blocks waiting for the chain go first
    // Ask in batches (when half the slots are free) rather than one getdata per block.
    if (free <= 0 || (ps.inFlight.size > 0 && free < Math.ceil(this.opts.maxBlocksInFlight / 2))) return;
    if (best === undefined || isFailed(best) || best.chainwork <= chain.tip.chainwork) return;
    const batch = ps.path.next(best, (e) => chain.isActive(e), (e) => this.requested.has(e.id) || this.waiting.has(e.id) || this.queue.has(e.id) || ps.lacks.has(e.id), free);
    if (batch.length === 0) return;
    const now = clock();
    for (const e of batch) this.requested.ask(e.id, ps, now);
    ps.peer.send({ type: 'getdata', items: batch.map((e) => ({ type: 'block' as const, hash: e.hash })) });
  }

  /**
   * tick drops a peer that has not delivered a block asked of it within blockTimeoutMs
   * (its blocks go to other peers), and forgets unanswered getheaders. The manager calls
   * it every second. @see Core's block download timeout, which disconnects too.
   */
  tick(): void {
    const { clock, blockTimeoutMs, logger } = this.opts;
    const now = clock();
    for (const ps of [...this.states.values()]) {
      const id = stalledRequest(ps, now, blockTimeoutMs);
      if (id !== undefined) {
        logger.info({ peer: ps.peer.id, block: id, timeoutMs: blockTimeoutMs }, 'block request timed out: dropping the stalling peer');
        ps.peer.close(`stalled: block ${id} not delivered in ${blockTimeoutMs} ms`);
      }
      if (ps.headersRequestedAt !== undefined && now - ps.headersRequestedAt > blockTimeoutMs) ps.headersRequestedAt = undefined;
    }
    for (const [id, at] of this.waiting) if (now - at > blockTimeoutMs) this.waiting.delete(id);
    for (const ps of this.states.values()) ps.path.rescan(); // anything a scan skipped that is free again (download-path.ts)
    this.schedule();
  }
}
