/**
 * The API's routes under /api/v1, by resource (routes/): what createApi (server.ts)
 * puts on its router on the first request, loading with them the contract's zod schemas
 * the routes are made from.
 */
import type express from 'express';
import type { EventStream } from './events.js';
import type { NodeMetrics } from './metrics.js';
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

export function registerRoutes(router: express.Router, deps: ApiDeps, events: EventStream, metrics: NodeMetrics): void {
  const routes = new Routes(router, { authToken: deps.authToken, checkResponses: deps.checkResponses === true });
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
}
