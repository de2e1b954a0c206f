/** POST /network { active }: unplug this node from every peer or plug it back (Core's setnetworkactive). */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../request-validation.js';
import type { ApiDeps } from '../services.js';

export const networkBody = z.strictObject({ active: z.boolean({ error: 'active must be true or false' }) });

export function registerNetworkRoutes(router: Router, { peers }: ApiDeps, guard: RequestHandler[]): void {
  router.post('/network', ...guard, (req, res) => {
    const { active } = parseInput(networkBody, req.body, 'body');
    peers.setNetworkActive(active);
    res.json({ networkActive: peers.networkActive, peers: peers.peers().length });
  });
}
