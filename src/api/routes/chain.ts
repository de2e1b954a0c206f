/** GET /chain/tips: every known branch tip, as Core's getchaintips reports them. */
import { operations } from '../contract/operations.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';

export function registerChainRoutes(routes: Routes, { chain }: ApiDeps): void {
  routes.json(operations.getChainTips, () => chain.getChainTips());
}
