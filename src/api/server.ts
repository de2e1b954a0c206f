/**
 * createApi builds the REST API of DESIGN.md ("Node surfaces") under /api/v1 as an
 * express app; the node listens. Routes are split by resource in routes/; one error
 * middleware turns every failure into `{ error: { code, message } }`.
 */
import express from 'express';
import { requireToken } from './auth.js';
import { checkHost, LOOPBACK_ACCESS, tokenForEveryChange } from './access.js';
import { createErrorMiddleware, notFound } from './error-middleware.js';
import { EventStream } from './events.js';
import { createMetrics } from './metrics.js';
import { registerAddressRoutes } from './routes/address.js';
import { registerBlockRoutes } from './routes/blocks.js';
import { registerChainRoutes } from './routes/chain.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerMiningRoutes } from './routes/mining.js';
import { registerMiningShareRoutes } from './routes/mining-share.js';
import { registerNetworkRoutes } from './routes/network.js';
import { registerNetworkPolicyRoutes } from './routes/network-policy.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerPeerRoutes } from './routes/peers.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerTransactionRoutes } from './routes/transactions.js';
import type { ApiDeps } from './services.js';

export const API_PREFIX = '/api/v1';
/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
const MAX_BODY = '16kb';

export function createApi(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const access = deps.access ?? LOOPBACK_ACCESS;
  app.use(checkHost(access));

  // Calls that change the node: the token first (so a stranger learns nothing from
  // validation), then the body. Bodies are read as JSON whatever their Content-Type,
  // so `curl -d '{"blocks":1}'` works; the bearer header already rules out cross-site posts.
  const guard = [requireToken(deps.authToken), express.json({ type: () => true, limit: MAX_BODY })];

  const events = new EventStream(deps.chain, deps.peers, deps.mempool, deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs });
  const metrics = createMetrics(deps);

  const api = express.Router();
  // Reachable from the network: POST /tx, too, needs the token (access.ts says why).
  if (access.exposed) api.use(tokenForEveryChange(deps.authToken));
  registerStatusRoutes(api, deps);
  registerBlockRoutes(api, deps);
  registerChainRoutes(api, deps);
  registerTransactionRoutes(api, deps);
  registerAddressRoutes(api, deps);
  registerPeerRoutes(api, deps, guard);
  registerMiningRoutes(api, deps, guard);
  if (deps.miningShare !== undefined) registerMiningShareRoutes(api, deps.miningShare, guard);
  registerNetworkRoutes(api, deps, guard);
  if (deps.policy !== undefined) registerNetworkPolicyRoutes(api, deps.policy, guard);
  registerEventRoutes(api, events);
  registerMetricsRoutes(api, metrics);
  registerOpenApiRoutes(api, deps);

  app.use(API_PREFIX, api);
  app.use(notFound);
  app.use(createErrorMiddleware(deps.logger));
  return app;
}
