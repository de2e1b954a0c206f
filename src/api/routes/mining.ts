/** POST /mining/start { address? }, POST /mining/stop, POST /mining/generate { blocks, address? }. */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { checkAddress, parseInput } from '../request-validation.js';
import type { ApiDeps } from '../services.js';

export const MAX_GENERATE = 1000;

export const startBody = z.strictObject({ address: z.string().max(200).optional() });
export const generateBody = z.strictObject({
  blocks: z
    .number({ error: 'blocks must be a number' })
    .int('blocks must be a whole number')
    .min(1, 'blocks must be at least 1')
    .max(MAX_GENERATE, `blocks must be at most ${MAX_GENERATE}`),
  address: z.string().max(200).optional(),
});

export function registerMiningRoutes(router: Router, { mining, params }: ApiDeps, guard: RequestHandler[]): void {
  router.post('/mining/start', ...guard, async (req, res) => {
    const { address } = parseInput(startBody, req.body, 'body');
    if (address !== undefined) checkAddress(address, params);
    await mining.start(address);
    res.json(mining.status());
  });

  router.post('/mining/stop', ...guard, async (_req, res) => {
    await mining.stop();
    res.json(mining.status());
  });

  router.post('/mining/generate', ...guard, async (req, res) => {
    const { blocks, address } = parseInput(generateBody, req.body, 'body');
    if (address !== undefined) checkAddress(address, params);
    res.json({ hashes: await mining.generate(blocks, address) });
  });
}
