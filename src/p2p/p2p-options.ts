/**
 * The p2p layer's tunables, defined once, each with its default beside it (what the
 * node must give besides, the chain and where to listen, is peer-manager.ts's
 * PeerManagerOptions). Every part of the layer (peer, policy, dialer, sync, relay)
 * reads the one resolved `P2pSettings`.
 */
import { MAX_MESSAGE_SIZE } from './messages.js';
import type { RateLimit } from './token-bucket.js';

/** The tunables: limits, timeouts and rates. Defaults in P2P_DEFAULTS. */
export interface P2pSettings {
  /** inbound peers that completed the handshake (Core: 125 connections minus outbound) */
  maxInbound: number;
  maxOutbound: number;
  /** inbound sockets still in the handshake, counted apart so idle sockets cannot fill the peer slots */
  maxPendingInbound: number;
  /** how long a ban lasts (default 24 h, as Core's -bantime) */
  banTimeSec: number;
  /** bans kept at most; beyond it the one ending soonest is forgotten */
  maxBans: number;
  /** rate limit on messages a peer sends unasked */
  messageRate: RateLimit;
  maxMessageSize: number;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  /** a ping unanswered this long drops the peer */
  pingTimeoutMs: number;
  /**
   * blocks requested from one peer at a time. Differs from Bitcoin
   * (MAX_BLOCKS_IN_TRANSIT_PER_PEER = 16): 128 (relay.ts serves up to 128 per getdata),
   * asked 64 at a time, so a getdata goes out per 64 blocks, not per 8; with 16 the
   * syncing node spent about a tenth of its CPU sending getdata (`node --cpu-prof` on the
   * fresh node of `npm run bench -- network`, (b)). A deep window of big blocks on a slow
   * link drains slowly: the stall clock restarts at each delivered block (peer-sync.ts).
   */
  maxBlocksInFlight: number;
  blockTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /**
   * bytes of frames received and not yet handled beyond which we stop reading the
   * peer's socket until they are (Core: -maxreceivebuffer, 5000 kB)
   */
  maxReceiveBufferBytes: number;
  /**
   * bytes sent and not yet written to the socket (shaped link queue included) beyond
   * which getdata service for the peer waits (Core: -maxsendbuffer, 1000 kB)
   */
  maxSendBufferBytes: number;
  /** a peer whose unsent bytes pass this is dropped: it does not read at all */
  maxSendBufferHardBytes: number;
}

export const P2P_DEFAULTS: Readonly<P2pSettings> = {
  maxInbound: 64,
  maxOutbound: 16,
  maxPendingInbound: 32,
  banTimeSec: 24 * 60 * 60,
  maxBans: 10_000,
  messageRate: { capacity: 1000, perSecond: 200 },
  maxMessageSize: MAX_MESSAGE_SIZE,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 90_000,
  maxBlocksInFlight: 128,
  blockTimeoutMs: 30_000,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 60_000,
  maxReceiveBufferBytes: 5_000_000,
  maxSendBufferBytes: 1_000_000,
  maxSendBufferHardBytes: 2 * MAX_MESSAGE_SIZE + 1_000_000,
};

/** resolveSettings takes each tunable from the options when given, else its default. */
export function resolveSettings(options: Partial<P2pSettings>): P2pSettings {
  const settings: P2pSettings = { ...P2P_DEFAULTS };
  for (const key of Object.keys(P2P_DEFAULTS) as (keyof P2pSettings)[]) {
    const value = options[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return settings;
}
