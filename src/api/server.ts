/**
 * createApi builds the REST API of DESIGN.md ("Node surfaces") under /api/v1 as an
 * express app; the node listens. Routes are split by resource in routes/ and put together
 * in route-table.ts; one error middleware turns every failure into `{ error: { code, message } }`.
 *
 * The routes are made from the contract (contract/operations.ts), zod schemas all of them:
 * zod and the contract are about 3 MB of an idle node that nobody asks anything
 * (`npm run bench -- memory`), so the table loads on the first request under /api/v1,
 * which waits for it (tens of milliseconds, once). Host check, token rule, the 404 and
 * the error middleware are in place from the start; the event stream and the metrics
 * count from the start too.
 */
import express from 'express';
import { createErrorMiddleware, notFound } from './error-middleware.js';
import { EventStream } from './events.js';
import { checkHost, LOOPBACK_ACCESS, tokenForEveryChange } from './access.js';
import { createMetrics } from './metrics.js';
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
  // The table and the contract's zod schemas load on the first request (an idle node's memory).
  api.use(loadedOnFirstRequest(async () => (await import('./route-table.js')).registerRoutes(api, deps, events, metrics)));
  app.use(API_PREFIX, api);
  app.use(notFound);
  app.use(createErrorMiddleware(deps.logger));
  return app;
}

/**
 * loadedOnFirstRequest holds the first request until `load` has put the routes on the
 * router this handler is on (after it, so the request goes on to them); requests meanwhile
 * wait for the same load, later ones pass straight on. A failed load is that request's
 * error (a 500 from the error middleware) and the next request tries again. The routes sit
 * on the one router as if registered at start: an error from a route takes the same path
 * to the error middleware, in the same turn of the event loop.
 */
function loadedOnFirstRequest(load: () => Promise<void>): express.RequestHandler {
  let loaded = false;
  let loading: Promise<void> | undefined;
  return (_req, _res, next) => {
    if (loaded) return next();
    loading ??= load().then(
      () => void (loaded = true),
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    );
    loading.then(() => next(), next);
  };
}
