/** GET /status: the node at a glance, in the shape scripts rely on (DESIGN.md "Node surfaces"). */
import { operations } from '../contract/operations.js';
import type { Status } from '../contract/responses.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';
import { chainworkHex, difficultyOf } from '../difficulty.js';

export function statusView({ chain, params, peers, mining, mempool, version }: ApiDeps): Status {
  const tip = chain.tip;
  const pool = mempool.info();
  return {
    network: params.name,
    genesis: params.genesis.hash,
    addressPrefix: params.addressPrefix,
    coinbaseMaturity: params.coinbaseMaturity,
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

export function registerStatusRoutes(routes: Routes, deps: ApiDeps): void {
  routes.json(operations.getStatus, () => statusView(deps));
}
