/** GET/PUT /mining/share { share }: this node's share of the hash power (see services.ts MiningShareControl). */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../request-validation.js';
import type { MiningShareControl } from '../services.js';

export const shareBody = z.strictObject({
  share: z.number({ error: 'share must be a number' }).gt(0, 'share must be above 0').max(1, 'share must be at most 1'),
});

export function registerMiningShareRoutes(router: Router, control: MiningShareControl, guard: RequestHandler[]): void {
  router.get('/mining/share', (_req, res) => {
    res.json({ share: control.share() });
  });

  router.put('/mining/share', ...guard, (req, res) => {
    const { share } = parseInput(shareBody, req.body, 'body');
    control.setShare(share);
    res.json({ share: control.share() });
  });
}
