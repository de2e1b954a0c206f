/** GET /chain/tips: every known branch tip, as Core's getchaintips reports them. */
import type { Router } from 'express';
import type { ApiDeps } from '../services.js';

export function registerChainRoutes(router: Router, { chain }: ApiDeps): void {
  router.get('/chain/tips', (_req, res) => {
    res.json(chain.getChainTips());
  });
}
