/**
 * GET/PUT /network/deny { addresses } (the peers a split network keeps apart) and
 * GET/PUT /network/link { delayMs, jitterMs, dropRate } (a slow network). Used by the
 * devnet to split and heal a local network and to make forks appear naturally.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { MAX_LINK_DELAY_MS } from '../../p2p/link-shaping.js';
import type { NetworkPolicyControl } from '../../p2p/network-policy.js';
import { parseInput } from '../request-validation.js';
import { peerAddress } from './peers.js';

/** More than any local network needs; the list is matched on every connection. */
export const MAX_DENIED = 256;

export const denyBody = z.strictObject({
  addresses: z.array(peerAddress, { error: 'addresses must be a list of ws://HOST:PORT' }).max(MAX_DENIED, `at most ${MAX_DENIED} addresses`),
});

const millis = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number of milliseconds`)
    .min(0, `${label} must be at least 0`)
    .max(MAX_LINK_DELAY_MS, `${label} must be at most ${MAX_LINK_DELAY_MS}`);

export const linkBody = z
  .strictObject({
    delayMs: millis('delayMs'),
    jitterMs: millis('jitterMs').default(0),
    dropRate: z.number({ error: 'dropRate must be a number' }).min(0, 'dropRate must be at least 0').max(1, 'dropRate must be at most 1').default(0),
  })
  .refine((s) => s.delayMs + s.jitterMs <= MAX_LINK_DELAY_MS, { message: `delayMs + jitterMs must be at most ${MAX_LINK_DELAY_MS}` });

export function registerNetworkPolicyRoutes(router: Router, policy: NetworkPolicyControl, guard: RequestHandler[]): void {
  router.get('/network/deny', (_req, res) => {
    res.json({ addresses: policy.deniedPeers() });
  });

  router.put('/network/deny', ...guard, (req, res) => {
    const { addresses } = parseInput(denyBody, req.body, 'body');
    const dropped = policy.setDeniedPeers(addresses);
    res.json({ addresses: policy.deniedPeers(), dropped });
  });

  router.get('/network/link', (_req, res) => {
    res.json(policy.linkShape());
  });

  router.put('/network/link', ...guard, (req, res) => {
    policy.setLinkShape(parseInput(linkBody, req.body, 'body'));
    res.json(policy.linkShape());
  });
}
