/**
 * GET/PUT /network/deny { addresses } (the peers a split network keeps apart) and
 * GET/PUT /network/link { delayMs, jitterMs, dropRate } (a slow network). Used by the
 * devnet to split and heal a local network and to make forks appear naturally.
 */
import type { NetworkPolicyControl } from '../../p2p/network-policy.js';
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';

export function registerNetworkPolicyRoutes(routes: Routes, policy: NetworkPolicyControl): void {
  routes.json(operations.getDenyList, () => ({ addresses: policy.deniedPeers() }));
  routes.json(operations.setDenyList, ({ body }) => {
    const dropped = policy.setDeniedPeers(body.addresses);
    return { addresses: policy.deniedPeers(), dropped };
  });
  routes.json(operations.getLinkShape, () => policy.linkShape());
  routes.json(operations.setLinkShape, ({ body }) => {
    policy.setLinkShape(body);
    return policy.linkShape();
  });
}
