/**
 * What a watcher learns from its nodes' peer lists (GET /peers): the REST API each peer
 * announced (--announce-api), and which connection was whose, so a ban a node reports
 * (its `ban` event names the banned connecting address, p2p/address.ts banKey) can be
 * shown on the card of the node that was banned.
 *
 * An announced API on an unspecified host (http://0.0.0.0:PORT, http://[::]:PORT) means
 * "my API, at the address you see me connect from": a student's laptop does not know
 * which of its addresses the teacher reaches, so the one command a class runs announces
 * 0.0.0.0 and the watcher fills in the address the teacher's node saw.
 */
import { banKey, isLoopback, normaliseHost } from '../p2p/address.js';
import type { BanRecord } from './devnet-view.js';

/** A peer as a watched node's GET /peers lists it. */
export interface WatchedPeer {
  /** ws://HOST:PORT for an outbound peer, HOST:PORT (the socket's source) for an inbound one */
  address: string;
  direction: string;
  apiUrl?: string;
}

/** Connections remembered per reporting node: enough for a class, bounded against a node that lists junk. */
const MAX_REMEMBERED = 1_000;
const BANS_KEPT = 20;

/** peerHost is the host of a peer address (ws://HOST:PORT or HOST:PORT), without IPv6 brackets; undefined if unreadable. */
export function peerHost(address: string): { host: string; port: number } | undefined {
  try {
    if (/^wss?:\/\//i.test(address)) {
      const url = new URL(address);
      return { host: normaliseHost(url.hostname.replace(/^\[(.*)\]$/, '$1')), port: Number(url.port) };
    }
    const colon = address.lastIndexOf(':');
    if (colon <= 0) return undefined;
    const port = Number(address.slice(colon + 1));
    if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
    return { host: normaliseHost(address.slice(0, colon).replace(/^\[(.*)\]$/, '$1')), port };
  } catch {
    return undefined;
  }
}

/**
 * resolveAnnouncedApi turns a peer's announced API into a URL to watch: as announced, or,
 * on an unspecified host, with the host the peer connected from. Undefined if unusable.
 */
export function resolveAnnouncedApi(apiUrl: string, peerAddress: string): string | undefined {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return undefined;
  }
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') {
    const from = peerHost(peerAddress);
    if (from === undefined) return undefined;
    url.hostname = from.host.includes(':') ? `[${from.host}]` : from.host;
  }
  return url.origin;
}

/**
 * PeerBook remembers, per watched node, which API each of its connections announced,
 * under the key that node bans the connection by; and the bans, per banned API.
 */
export class PeerBook {
  private readonly byReporter = new Map<number, Map<string, string>>();
  private readonly bans = new Map<string, BanRecord[]>();

  /** learn records node `reporter`'s current peers; `base` maps an announced API to the watched base URL (or undefined). */
  learn(reporter: number, peers: readonly WatchedPeer[], base: (url: string) => string | undefined): void {
    const known = this.byReporter.get(reporter) ?? new Map<string, string>();
    for (const p of peers) {
      if (p.apiUrl === undefined) continue;
      const resolved = resolveAnnouncedApi(p.apiUrl, p.address);
      const api = resolved === undefined ? undefined : base(resolved);
      const key = connectionKey(p.address);
      if (api === undefined || key === undefined) continue;
      known.delete(key); // re-inserted: the newest connections are kept when the map is full
      known.set(key, api);
      if (known.size > MAX_REMEMBERED) known.delete(known.keys().next().value!);
    }
    this.byReporter.set(reporter, known);
  }

  /**
   * banned records that `reporter` banned `address` (a ban key: the host on a LAN, host:port
   * on loopback); returns the banned node's API base if that connection was seen.
   */
  banned(reporter: number, address: string, reason: string, atMs: number): string | undefined {
    const api = this.byReporter.get(reporter)?.get(address);
    if (api === undefined) return undefined;
    const list = [{ node: reporter, address, reason, atMs }, ...(this.bans.get(api) ?? [])].slice(0, BANS_KEPT);
    this.bans.set(api, list);
    return api;
  }

  /** bansOf lists the bans of the node at this API base, newest first. */
  bansOf(api: string): BanRecord[] {
    return this.bans.get(api) ?? [];
  }

  /** apiOf is the API a connection of `reporter` announced (by its address as GET /peers lists it). */
  apiOf(reporter: number, address: string): string | undefined {
    const key = connectionKey(address);
    return key === undefined ? undefined : this.byReporter.get(reporter)?.get(key);
  }

  forget(reporter: number): void {
    this.byReporter.delete(reporter);
  }
}

/** connectionKey is the key a node bans this connection under (p2p/address.ts banKey: host, or host:port on loopback). */
function connectionKey(address: string): string | undefined {
  const at = peerHost(address);
  if (at === undefined) return undefined;
  return isLoopback(at.host) ? banKey(at.host, at.port) : at.host;
}
