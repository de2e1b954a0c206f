/**
 * What the outer layers may do to shape this node's view of the network, beyond
 * PeerControl: a deny list (the peers a split network keeps apart) and link shaping
 * (a slow network). PeerManager implements it; the API exposes it under /network.
 */
import { P2pError } from './errors.js';
import type { LinkShape } from './link-shaping.js';

export interface NetworkPolicyControl {
  /** the denied peer addresses, ws://HOST:PORT of their p2p listeners */
  deniedPeers(): string[];
  /**
   * setDeniedPeers replaces the deny list: peers listening at these addresses are
   * dropped now, refused inbound and never dialled until the list no longer names
   * them. Throws InvalidPeerAddressError (and changes nothing) on a malformed address.
   * Returns how many connected peers were dropped.
   */
  setDeniedPeers(addresses: string[]): number;
  linkShape(): LinkShape;
  /** throws RangeError (and changes nothing) on a shape out of range */
  setLinkShape(shape: LinkShape): void;
}

/** connect was asked for a peer the deny list names (the network is split). */
export class PeerDeniedError extends P2pError {
  constructor(address: string) {
    super('peer-denied', `${address} is on the deny list (the network is split): clear the list to connect`);
    this.name = 'PeerDeniedError';
  }
}
