/**
 * The watcher's HTTP side: the devnet's page and read routes, the explorer's included
 * (control-api.ts serves them for both), plus POST /api/v1/watch/nodes to watch more nodes or fewer, and, with a
 * token, mining on/off and generate per node. It starts, splits and pays no nodes: those
 * dashboard buttons answer 409 watch-read-only with what to do instead.
 *
 * On 127.0.0.1 it follows the devnet's rules (loopback Host header, JSON bodies). Bound
 * beyond loopback, reads are public and every change needs the watcher's token.
 */
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { createErrorMiddleware, notFound } from '../api/error-middleware.js';
import { ApiError } from '../api/errors.js';
import { requireToken } from '../api/auth.js';
import { integerString } from '../api/contract/primitives.js';
import { parseInput } from '../api/request-validation.js';
import { CONTROL_PREFIX, activeBody, generateBody, loopbackHostOnly, registerDashboardReads, registerExplorerReads, requireJson, serveDashboard } from './control-api.js';
import type { Watcher } from './watcher.js';
import { WatchedNodeError } from './watched-node-api.js';
import { registerLessonTexts } from './lesson-api.js';
import { isLoopback } from '../p2p/address.js';

export const watchNodesBody = z
  .strictObject({
    add: z.array(z.string().max(300), { error: 'add must be a list of node API URLs' }).max(100).default([]),
    remove: z.array(z.union([z.number().int().min(0), z.string().max(300)]), { error: 'remove must be a list of node numbers or URLs' }).max(100).default([]),
  })
  .refine((b) => b.add.length + b.remove.length > 0, { message: 'say which nodes to add or remove: {"add": ["http://HOST:PORT"]} or {"remove": [1]}' });
const indexParams = z.object({ index: integerString('index', 0, 1_000_000) });

/** Why a lesson does not run from a watcher's page: it splits, heals and pays nodes, and these are not the page's to change. */
const WATCHED_LESSON = {
  code: 'watch-read-only',
  message: "a lesson splits, heals and pays the nodes it runs on, and the nodes watched here are their owners': read it out beside the class's tree (Present), or run it on a devnet (toychain devnet --network regtest)",
};

export interface WatchAccess {
  /** listening beyond loopback */
  exposed: boolean;
  token: string | undefined;
}

/** createWatchApi serves the page over the watcher; `extra` adds routes of its own (a classroom's GET /class.json) before the page. */
export function createWatchApi(watcher: Watcher, access: WatchAccess, logger: Logger, extra?: (app: express.Express, api: express.Router) => void): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (!access.exposed) app.use(loopbackHostOnly);
  const change: RequestHandler[] = [...changeGuard(access), requireJson, express.json({ limit: '16kb' })];
  const api = express.Router();
  registerDashboardReads(api, watcher);
  registerExplorerReads(api, () => watcher.explorer());
  // The lessons to read out beside the class's tree; running one needs nodes a devnet started.
  registerLessonTexts(api, () => watcher.networkParams()?.coinbaseMaturity ?? 0, WATCHED_LESSON);

  api.get('/watch/nodes', (_req, res) => {
    res.json({ nodes: watcher.view().nodes.map((n) => ({ index: n.index, apiUrl: n.apiUrl, unreachable: n.unreachable })) });
  });
  api.post('/watch/nodes', ...change, async (req, res) => {
    const { add, remove } = parseInput(watchNodesBody, req.body, 'body');
    const missing = remove.filter((r) => !watcher.remove(r));
    for (const url of add) watcher.add(url);
    if (missing.length > 0) throw new ApiError(404, 'not-watched', `not watched: ${missing.join(', ')}`);
    await watcher.refresh();
    res.json(watcher.view());
  });

  api.post('/devnet/nodes/:index/mining', ...change, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    const { active } = parseInput(activeBody, req.body, 'body');
    await nodeCall(() => watcher.call(index, 'POST', active ? '/mining/start' : '/mining/stop', active ? {} : undefined));
    await watcher.refresh();
    res.json(watcher.view());
  });
  api.post('/devnet/nodes/:index/generate', ...change, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    const { blocks } = parseInput(generateBody, req.body, 'body');
    res.json({ hashes: (await nodeCall(() => watcher.call<{ hashes: string[] }>(index, 'POST', '/mining/generate', { blocks }, 120_000))).hashes });
  });
  api.post(/^\/devnet\//, (_req, _res, next) => {
    next(new ApiError(409, 'watch-read-only', 'toychain watch does not start, split, pay or shape nodes it did not start: do it on the nodes (e.g. POST /api/v1/network {"active": false} on one to unplug it), or run toychain devnet'));
  });

  extra?.(app, api);
  app.use(CONTROL_PREFIX, api);
  serveDashboard(app);
  app.use(notFound);
  app.use(createErrorMiddleware(logger));
  return app;
}

/**
 * changeGuard: on an exposed watcher a change from this machine follows the devnet's
 * rules (loopback socket and Host header, JSON body); from elsewhere it needs the
 * watcher's token, and without one none is allowed.
 */
function changeGuard(access: WatchAccess): RequestHandler[] {
  if (!access.exposed) return [];
  const withToken = access.token === undefined ? undefined : requireToken(access.token);
  return [
    (req, res, next) => {
      if (isLoopback(req.socket.remoteAddress ?? '')) return loopbackHostOnly(req, res, next);
      if (withToken === undefined) return next(new ApiError(403, 'read-only', 'from another machine this page only reads: change things from the machine it runs on (http://127.0.0.1:PORT/), or start toychain watch with --token-file FILE'));
      return withToken(req, res, next);
    },
  ];
}

async function nodeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof WatchedNodeError) throw new ApiError(e.status >= 500 ? 502 : 409, `node-${e.code}`, e.message, { cause: e });
    if (e instanceof Error && (e.name === 'TimeoutError' || e.message.includes('fetch failed'))) throw new ApiError(502, 'node-unreachable', e.message, { cause: e });
    throw e;
  }
}
