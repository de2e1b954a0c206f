/**
 * What block sync keeps about one peer: the blocks asked of it, the best header it is
 * known to have, its unanswered getheaders, the blocks it said it lacks, the header
 * chain held for it in memory and its download path. Apart from BlockSync so the
 * per-peer state, and the small rules that read only it, are in one place.
 */
import type { ChainEntry } from '../chain/block-index.js';
import { toDisplayHex } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { DownloadPath } from './download-path.js';
import { MAX_ANNOUNCED_HEADERS, HeaderPresync } from './header-presync.js';
import type { Peer } from './peer.js';

export interface PeerSync {
  peer: Peer;
  /** block id → when we asked this peer for it */
  inFlight: Map<string, number>;
  /** the entry with the most work this peer is known to have (Core: pindexBestKnownBlock) */
  bestKnown: ChainEntry | undefined;
  /** when this peer last delivered a block we asked for (0: never): the stall clock restarts there */
  deliveredAt: number;
  /** when we sent getheaders still unanswered */
  headersRequestedAt: number | undefined;
  /** the hashes (ids) of the locator of that getheaders: an answer starts on one of them */
  headersLocator: Set<string>;
  /** blocks this peer answered notfound for */
  lacks: Set<string>;
  /** this peer's header chain held in memory until its work is enough to store (header-presync.ts) */
  presync: HeaderPresync;
  /** what to fetch from this peer next (download-path.ts) */
  path: DownloadPath;
}

/** Blocks remembered per peer as lacked (and block ids with other announcers): the oldest go beyond this. */
export const MAX_LACKS = 5000;

/** newPeerSync is the state of a peer that has just completed its handshake: nothing asked, nothing known. */
export function newPeerSync(peer: Peer, params: NetworkParams): PeerSync {
  return { peer, inFlight: new Map(), deliveredAt: 0, bestKnown: undefined, headersRequestedAt: undefined, headersLocator: new Set(), lacks: new Set(), presync: new HeaderPresync(params), path: new DownloadPath() };
}

/** noteKnown records that the peer has `entry`: its best known block, and the chainwork it shows, only go up. */
export function noteKnown(ps: PeerSync, entry: ChainEntry): void {
  if (ps.bestKnown === undefined || entry.chainwork > ps.bestKnown.chainwork) ps.bestKnown = entry;
  if (entry.chainwork > ps.peer.chainwork) {
    ps.peer.chainwork = entry.chainwork;
    ps.peer.bestHeight = entry.height;
  }
}

/**
 * answersRequest says whether a headers message answers our getheaders to that peer, or
 * is an announcement of new blocks (BIP130) that crossed it on the wire: an answer is
 * empty, longer than an announcement, or starts on a hash of the locator we sent.
 */
export function answersRequest(ps: PeerSync, headers: readonly BlockHeader[]): boolean {
  if (ps.headersRequestedAt === undefined) return false;
  return headers.length === 0 || headers.length > MAX_ANNOUNCED_HEADERS || ps.headersLocator.has(toDisplayHex(headers[0]!.prevHash));
}

/**
 * stalledRequest names a block the peer was asked for and has held up for more than
 * `timeoutMs` at `now`, if any. A peer still delivering what we asked is not stalling,
 * though a deep window (maxBlocksInFlight) of big blocks on a slow link takes long to
 * drain: the clock restarts at each block it delivers. One that withholds a block and
 * sends the others fills the download queue, is asked for nothing more, and stalls then.
 * @see Core's block download timeout, which allows more time the more blocks are in flight.
 */
export function stalledRequest(ps: PeerSync, now: number, timeoutMs: number): string | undefined {
  for (const [id, at] of ps.inFlight) if (now - Math.max(at, ps.deliveredAt) > timeoutMs) return id;
  return undefined;
}
