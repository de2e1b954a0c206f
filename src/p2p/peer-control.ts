/**
 * What the outer layers (api, node, devnet) may do with the peer-to-peer layer, as one
 * small interface: list, connect, disconnect, unplug from the network, and hear about
 * peers joining, leaving and being banned. PeerManager implements it.
 */

export interface PeerInfo {
  /** a number unique within this process run */
  id: number;
  /** ws://HOST:PORT for outbound peers; the remote host:port for inbound ones */
  address: string;
  direction: 'inbound' | 'outbound';
  userAgent: string;
  /** best height and chainwork (hex) the peer announced or was last seen at */
  bestHeight: number;
  chainwork: string;
  /** misbehaviour score so far; the peer is banned at 100 */
  banScore: number;
  /** Unix milliseconds */
  connectedAt: number;
  /** the REST API origin the peer announced in its version message (--announce-api), if any */
  apiUrl?: string;
}

export interface PeerEvents {
  peerJoined: [peer: PeerInfo];
  peerLeft: [peer: PeerInfo, reason: string];
  banned: [address: string, reason: string];
}

export interface PeerControl {
  peers(): PeerInfo[];
  /** connects out to ws://HOST:PORT and completes the handshake; rejects with a named error */
  connect(address: string): Promise<PeerInfo>;
  /** drops a peer by id; false if there is none */
  disconnect(id: number): boolean;
  /** Core's setnetworkactive: false drops every peer and refuses new ones until true */
  readonly networkActive: boolean;
  setNetworkActive(active: boolean): void;
  /** the port listened on for peers (0 before start) */
  readonly port?: number;
  /** addresses banned right now */
  bannedCount(): number;
  on<K extends keyof PeerEvents>(event: K, listener: (...args: PeerEvents[K]) => void): unknown;
  off<K extends keyof PeerEvents>(event: K, listener: (...args: PeerEvents[K]) => void): unknown;
}
