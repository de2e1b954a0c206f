/** GET /status: the node at a glance, in the shape scripts rely on (DESIGN.md "Node surfaces"). */
import type { Router } from 'express';
import type { ApiDeps, MiningStatus } from '../services.js';
import { chainworkHex, difficultyOf, type DifficultyView } from '../difficulty.js';

export interface StatusView {
  network: string;
  /** the network's genesis block hash and address prefix: a custom network (a network file) is known by them */
  genesis: string;
  addressPrefix: string;
  version: string;
  height: number;
  /** the active tip's hash, display hex */
  tip: string;
  /** the active tip's chainwork, 64 hex digits */
  chainwork: string;
  /** difficulty of the next block on the tip */
  difficulty: DifficultyView;
  medianTimePast: number;
  mempool: { count: number; bytes: number };
  peers: number;
  networkActive: boolean;
  bannedPeers: number;
  orphans: number;
  mining: MiningStatus;
  /** the port this node listens on for peers, so a watcher can tell which peer address is which node */
  p2pPort?: number;
}

export function statusView({ chain, params, peers, mining, mempool, version }: ApiDeps): StatusView {
  const tip = chain.tip;
  const pool = mempool.info();
  return {
    network: params.name,
    genesis: params.genesis.hash,
    addressPrefix: params.addressPrefix,
    version,
    height: tip.height,
    tip: tip.id,
    chainwork: chainworkHex(tip.chainwork),
    difficulty: difficultyOf(chain.nextBits(), params.powLimit),
    medianTimePast: chain.medianTimePast(),
    mempool: { count: pool.count, bytes: pool.bytes },
    peers: peers.peers().length,
    networkActive: peers.networkActive,
    bannedPeers: peers.bannedCount(),
    orphans: chain.orphanCount,
    mining: mining.status(),
    ...(peers.port === undefined ? {} : { p2pPort: peers.port }),
  };
}

export function registerStatusRoutes(router: Router, deps: ApiDeps): void {
  router.get('/status', (_req, res) => {
    res.json(statusView(deps));
  });
}
