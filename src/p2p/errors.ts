/**
 * The p2p layer's error module: what `PeerManager` entry points throw to their callers
 * (the node, the API), each with a stable `code` the API can show as it is. A peer's
 * bad bytes are not errors here: they become misbehaviour scores (misbehaviour.ts).
 */

/** P2pError is the base of every error the p2p layer hands to its callers. */
export class P2pError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'P2pError';
    this.code = code;
  }
}

/** The p2p port is taken (EADDRINUSE) when the node starts listening. */
export class PortInUseError extends P2pError {
  constructor(
    readonly port: number,
    readonly host: string,
    options?: { cause?: unknown },
  ) {
    super('port-in-use', `p2p port ${port} on ${host} is already in use: pass another --p2p-port (0 picks a free port)`, options);
    this.name = 'PortInUseError';
  }
}

/** A peer address that is not ws://HOST:PORT. */
export class InvalidPeerAddressError extends P2pError {
  constructor(
    readonly address: string,
    detail: string,
  ) {
    super('bad-peer-address', `'${address}' is not a peer address (${detail}): write it as ws://HOST:PORT, for example ws://127.0.0.1:28444`);
    this.name = 'InvalidPeerAddressError';
  }
}

/** The socket to a peer could not be opened. */
export class PeerConnectError extends P2pError {
  constructor(address: string, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('connect-failed', `cannot connect to ${address}${why}`, options);
    this.name = 'PeerConnectError';
  }
}

/** The socket opened but the version handshake did not complete (refused, timed out, closed). */
export class HandshakeError extends P2pError {
  constructor(
    address: string,
    readonly reason: string,
  ) {
    super('handshake-failed', `handshake with ${address} failed: ${reason}`);
    this.name = 'HandshakeError';
  }
}

/** The address is banned for misbehaviour. */
export class PeerBannedError extends P2pError {
  constructor(address: string) {
    super('peer-banned', `${address} is banned for misbehaviour`);
    this.name = 'PeerBannedError';
  }
}

/** The outbound (or inbound) peer limit is reached. */
export class TooManyPeersError extends P2pError {
  constructor(direction: 'inbound' | 'outbound', limit: number) {
    super('too-many-peers', `already at the limit of ${limit} ${direction} peers`);
    this.name = 'TooManyPeersError';
  }
}

/** There is already a connection (or a dial in progress) to this address. */
export class AlreadyConnectedError extends P2pError {
  constructor(address: string) {
    super('already-connected', `already connected to ${address}`);
    this.name = 'AlreadyConnectedError';
  }
}

/** The network is switched off (setNetworkActive(false)) or the manager is stopped. */
export class NetworkInactiveError extends P2pError {
  constructor(why = 'the network is inactive (setNetworkActive(false))') {
    super('network-inactive', why);
    this.name = 'NetworkInactiveError';
  }
}
