/**
 * Peer addresses: parsing ws://HOST:PORT and the key a ban is recorded under.
 */
import { InvalidPeerAddressError } from './errors.js';

export interface PeerAddress {
  /** normalised ws://HOST:PORT */
  url: string;
  /** host without IPv6 brackets */
  host: string;
  port: number;
}

/** parsePeerAddress accepts exactly ws://HOST:PORT (no path, query, credentials); else InvalidPeerAddressError. */
export function parsePeerAddress(address: string): PeerAddress {
  if (typeof address !== 'string' || address.length === 0 || address.length > 300) {
    throw new InvalidPeerAddressError(String(address), 'empty or too long');
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InvalidPeerAddressError(address, 'not a URL');
  }
  if (url.protocol !== 'ws:') throw new InvalidPeerAddressError(address, `scheme ${url.protocol} is not ws:`);
  if (url.hostname === '') throw new InvalidPeerAddressError(address, 'no host');
  if (url.port === '') throw new InvalidPeerAddressError(address, 'no port');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new InvalidPeerAddressError(address, 'only ws://HOST:PORT, without path, query or credentials');
  }
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidPeerAddressError(address, 'port out of range');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url: `ws://${url.host}`, host, port };
}

/** normaliseHost turns an IPv4-mapped IPv6 address (::ffff:1.2.3.4) into plain IPv4. */
export function normaliseHost(host: string): string {
  return host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

export function isLoopback(host: string): boolean {
  const h = normaliseHost(host);
  return h === '::1' || h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * banKey is the address a ban is recorded under: the connecting address, as Core bans
 * by IP: the peer's host, or on a loopback host HOST:PORT of the socket itself (the
 * inbound socket's source port, the port we dialled). Never a port the peer claims in
 * its version: a peer claiming an honest node's listen port would get that node banned.
 * Differs from Bitcoin: Core does not ban local peers at all, only disconnects them;
 * every node of a local devnet shares 127.0.0.1, so banning the host would cut a node
 * off from all its honest neighbours. A local attacker can come back from a new source
 * port, as in Core: the slot limits, not bans, bound what it can take.
 */
export function banKey(host: string, port: number): string {
  const h = normaliseHost(host);
  return isLoopback(h) ? `${h.includes(':') ? `[${h}]` : h}:${port}` : h;
}

/** listenKey names the listener a peer says it has (HOST:PORT of its version's listenPort), for the deny list only. */
export function listenKey(host: string, port: number): string {
  const h = normaliseHost(host);
  return `${h.includes(':') ? `[${h}]` : h}:${port}`;
}
