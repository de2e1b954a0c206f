/**
 * GET /api/v1/devnet/finality?q=0.1&maxDepth=N: the lab's finality table
 * (src/lab/finality.ts, the table `toychain lab finality --json` prints) for the
 * dashboard's finality meter. The page never computes the model itself: the lab's code
 * is the one source, and its range check (0 < q < 0.5) is the route's.
 */
import type express from 'express';
import { z } from 'zod';
import { BadRequestError } from '../api/errors.js';
import { parseInput } from '../api/request-validation.js';
import { integerString } from '../api/contract/primitives.js';
import { finalityTable } from '../lab/finality.js';

/** The tree shows at most 1000 heights (GET /devnet/tree), so no block on it is deeper. */
export const MAX_FINALITY_DEPTH = 1000;

const finalityQuery = z.object({
  q: z.string({ error: "q is the attacker's share of the hash power, e.g. q=0.1" }).regex(/^(0|[1-9]\d*)?(\.\d{1,12})?$/, 'q must be a decimal number, e.g. 0.1').refine((s) => s !== '' && s !== '.', 'q must be a decimal number, e.g. 0.1').transform(Number),
  maxDepth: integerString('maxDepth', 0, MAX_FINALITY_DEPTH).default(100),
});

export function registerFinalityRoute(api: express.Router): void {
  api.get('/devnet/finality', (req, res) => {
    const { q, maxDepth } = parseInput(finalityQuery, req.query, 'query');
    try {
      res.json(finalityTable(q, maxDepth));
    } catch (e) {
      // The lab refuses a share at which the attacker wins for certain (q ≥ 0.5) or never tries (q ≤ 0).
      if (e instanceof RangeError) throw new BadRequestError('bad-attacker-share', `query.q: ${e.message}`, { cause: e });
      throw e;
    }
  });
}
