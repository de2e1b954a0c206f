/** POST /network { active }: unplug this node from every peer or plug it back (Core's setnetworkactive). */
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerNetworkRoutes(routes: Routes, { peers }: ApiDeps): void {
  routes.json(operations.setNetworkActive, ({ body }) => {
    peers.setNetworkActive(body.active);
    return { networkActive: peers.networkActive, peers: peers.peers().length };
  });
}
