/**
 * Peer policy: who may be a peer. Bans for misbehaviour (scores from misbehaviour.ts,
 * the list in ban-list.ts), the deny list a split network sets, and the inbound slots.
 *
 * - "Is banned" is decided here only (isBanned), by the connecting address (address.ts
 *   banKey), never by a port the peer claims.
 * - A ban never refuses what the operator asked for: connect() and --peer addresses
 *   dial whatever the ban list says (Core: a manual connection ignores bans). Only the
 *   deny list, which the operator sets, keeps them apart.
 */
import type { Logger } from 'pino';
import { banKey, listenKey, normaliseHost, parsePeerAddress } from './address.js';
import { BanList, type Ban } from './ban-list.js';
import { BAN_SCORE, OFFENCE_SCORES, type Offence } from './misbehaviour.js';
import type { P2pSettings } from './p2p-options.js';
import { CLOSE_MISBEHAVING, CLOSE_REFUSED, type Peer } from './peer.js';

export interface PeerPolicyOptions {
  settings: P2pSettings;
  logger: Logger;
  /** Unix milliseconds */
  clock: () => number;
  datadir: string;
  /** told of every ban (the manager's 'banned' event) */
  onBan: (key: string, reason: string) => void;
}

export class PeerPolicy {
  private banList: BanList | undefined;
  /** listenKey of every denied listener → the ws:// address given */
  private readonly denied = new Map<string, string>();

  constructor(private readonly opts: PeerPolicyOptions) {}

  async open(): Promise<void> {
    this.banList = await BanList.open(this.opts.datadir, this.opts.logger, this.opts.clock, this.opts.settings.maxBans);
  }

  flush(): Promise<void> {
    return this.banList?.flush() ?? Promise.resolve();
  }

  // ---- bans ------------------------------------------------------------------------

  /** isBanned: is the connecting address host:port banned (address.ts banKey)? The one definition. */
  isBanned(host: string, port: number): boolean {
    const list = this.banList;
    if (list === undefined) return false;
    const h = normaliseHost(host);
    return list.isBanned(banKey(h, port)) || list.isBanned(h);
  }

  bans(): Ban[] {
    return this.banList?.list() ?? [];
  }

  bannedCount(): number {
    return this.banList?.count() ?? 0;
  }

  /** punish adds an offence's score; at BAN_SCORE the peer is dropped and its connecting address banned. */
  punish(peer: Peer, offence: Offence, detail: string): void {
    const { logger, settings } = this.opts;
    const score = OFFENCE_SCORES[offence];
    peer.banScore += score;
    logger.warn({ peer: peer.id, address: peer.address, offence, score, banScore: peer.banScore, detail }, `peer misbehaved: ${offence} (+${score})`);
    if (peer.banScore < BAN_SCORE || peer.closeReason?.startsWith('banned') === true) return;
    const key = banKey(peer.host, peer.port);
    const reason = `${offence}: ${detail}`;
    this.banList?.ban(key, settings.banTimeSec * 1000, reason).catch(() => undefined);
    logger.warn({ peer: peer.id, address: key, banTimeSec: settings.banTimeSec, reason }, `banned ${key}`);
    peer.close(`banned: ${offence}`, CLOSE_MISBEHAVING);
    this.opts.onBan(key, reason);
  }

  // ---- the deny list ----------------------------------------------------------------

  deniedPeers(): string[] {
    return [...this.denied.values()];
  }

  /** isDenied: does the deny list name the listener at host:port? */
  isDenied(host: string, port: number): boolean {
    return this.denied.has(listenKey(host, port));
  }

  /** isPeerDenied matches a connected peer: the address we dialled, or the listener an inbound peer announced. */
  isPeerDenied(peer: Peer): boolean {
    if (peer.direction === 'outbound') return this.isDenied(peer.host, peer.port);
    const listenPort = peer.remote?.listenPort ?? 0;
    return listenPort > 0 && this.isDenied(peer.host, listenPort);
  }

  /** setDeniedPeers replaces the list; a malformed address throws and changes nothing. Returns the peers to drop. */
  setDeniedPeers(addresses: string[], peers: Iterable<Peer>): Peer[] {
    const parsed = addresses.map((a) => parsePeerAddress(a));
    this.denied.clear();
    for (const { url, host, port } of parsed) this.denied.set(listenKey(host, port), url);
    const drop = [...peers].filter((p) => this.isPeerDenied(p));
    for (const peer of drop) peer.close('denied: the network is split', CLOSE_REFUSED);
    return drop;
  }
}
