/** GET/PUT /mining/share { share }: this node's share of the hash power (see services.ts MiningShareControl). */
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';
import type { MiningShareControl } from '../services.js';

export function registerMiningShareRoutes(routes: Routes, control: MiningShareControl): void {
  routes.json(operations.getMiningShare, () => ({ share: control.share() }));
  routes.json(operations.setMiningShare, ({ body }) => {
    control.setShare(body.share);
    return { share: control.share() };
  });
}
