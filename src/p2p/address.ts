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
 * banKey is the address a ban is recorded under: the peer's host, as Core bans by IP.
 * Differs from Bitcoin: on a loopback host the key is HOST:PORT (the peer's listening
 * port when known), because every node of a local devnet shares 127.0.0.1 and banning
 * the host would cut a node off from all its honest neighbours. (Core does not ban
 * local peers at all; it only disconnects them.)
 */
export function banKey(host: string, port: number): string {
  const h = normaliseHost(host);
  return isLoopback(h) ? `${h.includes(':') ? `[${h}]` : h}:${port}` : h;
}
