/**
 * What the REST API needs from the node besides the chain and the peers: mining
 * control (the node implements it over the Miner and its NoncePool) and the mempool
 * (the node's Mempool fits MempoolView as it is).
 */
import type { Logger } from 'pino';
import type { ClockState, MiningStatus } from './contract/responses.js';
import type { ChainView } from '../chain/chain-view.js';
import type { NetworkParams } from '../consensus/params.js';
import type { Verdict } from '../consensus/reasons.js';
import type { MempoolEntry } from '../mempool/mempool.js';
import type { Outpoint, Tx } from '../consensus/tx.js';
import type { PeerControl } from '../p2p/peer-control.js';
import type { NetworkPolicyControl } from '../p2p/network-policy.js';
import { type DisplayHex } from '../consensus/bytes.js';


/** Who may use the API (src/api/access.ts applies it): decided by where it listens. */
export interface ApiAccess {
  /** listening beyond loopback: every change needs the token */
  exposed: boolean;
  /** host names (no port) the Host header may carry besides loopback ones; empty + exposed: any */
  allowHosts: string[];
}

export interface MiningControl {
  status(): MiningStatus;
  /** starts continuous mining to `address` (bech32m), or to the node's --miner-address */
  start(address?: string): Promise<void>;
  stop(): Promise<void>;
  /** mines `blocks` blocks now on the tip (Core's generatetoaddress); returns their hashes (display hex) */
  generate(blocks: number, address?: string): Promise<string[]>;
}

/**
 * The node's clock as the API sets it (GET/PUT /clock): Core's setmocktime, on a
 * mockable chain only. setMocktime throws ServiceRefusal mocktime-not-allowed (409) on
 * any other network and bad-mocktime (400) for a bad time; either way nothing changes.
 */
export interface ClockControl {
  state(): ClockState;
  setMocktime(time: number): ClockState;
}

/** A mempool transaction as the API reads it: the mempool's own entry. */
export type MempoolEntryView = MempoolEntry;

/** What the API reads from the mempool and offers to it (POST /tx). */
export interface MempoolView {
  /** validates a transaction and keeps it; a rejection names Core's reason and changes nothing */
  accept(tx: Tx): Promise<Verdict<{ entry: MempoolEntryView }>>;
  get(txid: DisplayHex): MempoolEntryView | undefined;
  /** the pool transaction spending `outpoint`, by txid */
  spender(outpoint: Outpoint): DisplayHex | undefined;
  /** a page of the entries, highest ancestor fee rate first */
  entries(page?: { offset?: number; limit?: number }): MempoolEntryView[];
  info(): { count: number; bytes: number; minFeeRate: number; histogram: { feeRate: number; count: number; bytes: number }[] };
  on(event: 'added', listener: (entry: MempoolEntryView) => void): unknown;
  on(event: 'removed', listener: (entry: MempoolEntryView, reason: string) => void): unknown;
  off(event: 'added', listener: (entry: MempoolEntryView) => void): unknown;
  off(event: 'removed', listener: (entry: MempoolEntryView, reason: string) => void): unknown;
}

/**
 * A node's share of the hash power: the fraction of time its miner hashes (0 < share
 * <= 1). On a devnet all nodes share one machine's cores, so this, not thread counts,
 * is how one miner is made stronger than another.
 */
export interface MiningShareControl {
  share(): number;
  /** throws RangeError (and changes nothing) outside (0, 1] */
  setShare(share: number): void;
}

/**
 * A request a service refuses for a reason the caller can fix, with a named code: the
 * API answers with `status` and `{ error: { code, message } }`.
 */
export class ServiceRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 409,
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

/**
 * Everything createApi needs. The API reads the chain and drives the peers and the
 * miner only through these; the node builds them and listens.
 */
export interface ApiDeps {
  chain: ChainView;
  params: NetworkParams;
  peers: PeerControl;
  mining: MiningControl;
  mempool: MempoolView;
  /** the bearer token mutating calls must send; the node writes it to DATADIR/api.cookie */
  authToken: string;
  logger: Logger;
  /** the node's version, shown in /status and the OpenAPI document */
  version: string;
  /** hash-power share (GET/PUT /mining/share); without it those routes do not exist */
  miningShare?: MiningShareControl;
  /** the node's clock (GET/PUT /clock); without it those routes do not exist */
  clock?: ClockControl;
  /** deny list and link shaping (GET/PUT /network/deny, /network/link); without it those routes do not exist */
  policy?: NetworkPolicyControl;
  /** who may call: the Host allowlist and whether every change needs the token (default: loopback) */
  access?: ApiAccess;
  /** milliseconds between server-sent-event heartbeat comments (default 15 s) */
  heartbeatMs?: number;
  /** event streams served at once; one more is answered 503 too-many-streams (default 256) */
  maxEventStreams?: number;
  /** check every JSON answer against the contract (tests): a broken answer becomes a 500 */
  checkResponses?: boolean;
}
