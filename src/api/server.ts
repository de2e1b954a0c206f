/**
 * createApi builds the REST API of DESIGN.md ("Node surfaces") under /api/v1 as an
 * express app; the node listens. Routes are split by resource in routes/; one error
 * middleware turns every failure into `{ error: { code, message } }`.
 */
import express from 'express';
import { createErrorMiddleware, notFound } from './error-middleware.js';
import { EventStream } from './events.js';
import { checkHost, LOOPBACK_ACCESS, tokenForEveryChange } from './access.js';
import { createMetrics } from './metrics.js';
import { registerAddressRoutes } from './routes/address.js';
import { registerBlockRoutes } from './routes/blocks.js';
import { registerChainRoutes } from './routes/chain.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerMiningRoutes } from './routes/mining.js';
import { registerMiningShareRoutes } from './routes/mining-share.js';
import { registerClockRoutes } from './routes/clock.js';
import { registerNetworkRoutes } from './routes/network.js';
import { registerNetworkPolicyRoutes } from './routes/network-policy.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerPeerRoutes } from './routes/peers.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerTransactionRoutes } from './routes/transactions.js';
import { Routes } from './route.js';
import type { ApiDeps } from './services.js';

export const API_PREFIX = '/api/v1';
export function createApi(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  // Bound to loopback, the node answers only requests that name a loopback host (DNS rebinding); access.ts.
  const access = deps.access ?? LOOPBACK_ACCESS;
  app.use(checkHost(access));

  const events = new EventStream(deps.chain, deps.peers, deps.mempool, {
    ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
    ...(deps.maxEventStreams === undefined ? {} : { maxClients: deps.maxEventStreams }),
  });
  const metrics = createMetrics(deps);

  const api = express.Router();
  // Reachable from the network: POST /tx, too, needs the token (access.ts says why).
  if (access.exposed) api.use(tokenForEveryChange(deps.authToken));
  // Every route comes from the contract's operation table: token, body parser and validation included.
  const routes = new Routes(api, { authToken: deps.authToken, checkResponses: deps.checkResponses === true });
  registerStatusRoutes(routes, deps);
  registerBlockRoutes(routes, deps);
  registerChainRoutes(routes, deps);
  registerTransactionRoutes(routes, deps);
  registerAddressRoutes(routes, deps);
  registerPeerRoutes(routes, deps);
  registerMiningRoutes(routes, deps);
  if (deps.miningShare !== undefined) registerMiningShareRoutes(routes, deps.miningShare);
  registerNetworkRoutes(routes, deps);
  if (deps.clock !== undefined) registerClockRoutes(routes, deps.clock);
  if (deps.policy !== undefined) registerNetworkPolicyRoutes(routes, deps.policy);
  registerEventRoutes(routes, events);
  registerMetricsRoutes(routes, metrics);
  registerOpenApiRoutes(routes, deps);

  app.use(API_PREFIX, api);
  app.use(notFound);
  app.use(createErrorMiddleware(deps.logger));
  return app;
}
