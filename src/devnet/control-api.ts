/**
 * The devnet's control API and dashboard, on one port bound to 127.0.0.1. Same
 * conventions as the node API: prefix /api/v1, zod-validated bodies, errors as
 * `{ error: { code, message } }` with a named code.
 *
 * No token: only this machine can reach it. What stops a web page from another site
 * driving it through the student's browser: changes must be POSTed as
 * application/json (a cross-site page cannot send that without a CORS preflight, which
 * we never grant), and the Host header must name a loopback host (DNS rebinding).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { createErrorMiddleware, notFound } from '../api/error-middleware.js';
import { ApiError, BadRequestError } from '../api/errors.js';
import { parseInput } from '../api/request-validation.js';
import { integerString } from '../api/contract/primitives.js';
import { blockCount, LINK_LIMIT_MESSAGE, linkFields, linkWithinLimit, share } from '../api/contract/requests.js';
import { NodeApiError, NodeUnavailableError } from './child-node.js';
import type { Devnet } from './devnet.js';
import type { DevnetEvent, DevnetTree, DevnetView } from './devnet-view.js';
import type { TimelineItem } from './timeline.js';
import type { TreeBlock } from './block-tree.js';
import type { ReorgCard } from './reorg-card.js';
import { addressDetails, blockDetails, mempools, search, txDetails, type ExplorerSource } from './explorer.js';
import { AmountError, parseCoins } from '../consensus/amount.js';
import { registerFinalityRoute } from './finality-api.js';
import { registerLessonRoutes } from './lesson-api.js';
import { Lessons } from './lesson-runs.js';

export const CONTROL_PREFIX = '/api/v1';
/** Where `npm run build` puts the dashboard bundle (scripts/build-dashboard.mjs). */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0072b2"/>' +
  '<rect x="3" y="11" width="8" height="10" fill="#fff"/><rect x="12" y="11" width="8" height="10" fill="#fff"/><rect x="21" y="11" width="8" height="10" fill="#e69f00"/></svg>';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
/** The tree keeps about this many heights (KEEP_HEIGHTS); the page asks for its window of them. */
const MAX_TREE_HEIGHTS = 1000;
const HEARTBEAT_MS = 15_000;

export const splitBody = z.strictObject({
  groups: z.array(z.array(z.number({ error: 'a node is a number' }).int('a node is a whole number'), { error: 'a group is a list of node numbers' }), { error: 'groups must be a list of lists of node numbers, e.g. [[0,1],[2]]' }).min(2, 'a split needs at least two groups').max(64),
});
export const activeBody = z.strictObject({ active: z.boolean({ error: 'active must be true or false' }) });
// Link shape, share and block count are the node API's own settings (the contract): one limit each.
export const linkBody = z.strictObject({ ...linkFields, node: z.number().int().min(0).optional() }).refine(linkWithinLimit, { message: LINK_LIMIT_MESSAGE });
export const shareBody = z.strictObject({ share });
export const generateBody = z.strictObject({ blocks: blockCount });
export const sendBody = z.strictObject({
  from: z.number({ error: 'from must be a node number' }).int('from must be a node number').min(0),
  // A node number, or any address of the devnet's network (a wallet's: toychain-wallet --devnet N address).
  to: z.union([z.number().int().min(0), z.string().min(1).max(120)], { error: 'to must be a node number or an address' }),
  amount: z.string({ error: 'amount must be a string of coins, e.g. "1.5"' }).max(40),
});
const indexParams = z.object({ index: integerString('index', 0, 1023) });
const treeQuery = z.object({ heights: integerString('heights', 1, MAX_TREE_HEIGHTS).default(500) });
const blockParams = z.object({ id: z.string().regex(/^(\d{1,10}|[0-9a-fA-F]{64})$/, 'a block is a height or a block hash (64 hex digits)') });
const txParams = z.object({ txid: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a txid is 64 hex digits') });
const addressParams = z.object({ address: z.string().min(1).max(200, 'an address is at most 200 characters') });
const searchQuery = z.object({ q: z.string({ error: 'q is what to look for: a height, a block hash, a txid or an address' }).trim().min(1, 'q must not be empty').max(200, 'q is at most 200 characters') });

export function createControlApi(devnet: Devnet, logger: Logger): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(loopbackHostOnly);
  const json: RequestHandler[] = [requireJson, express.json({ limit: '16kb' })];
  const api = express.Router();

  registerDashboardReads(api, devnet);
  // The lessons panel: shipped scenarios run on this devnet (src/devnet/lesson-api.ts).
  registerLessonRoutes(api, json, new Lessons(devnet));
  registerExplorerReads(api, () => devnet.explorer());
  api.post('/devnet/split', ...json, async (req, res) => {
    const { groups } = parseInput(splitBody, req.body, 'body');
    await nodeCall(() => devnet.split(groups), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/heal', ...json, async (_req, res) => {
    await nodeCall(() => devnet.heal(), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/mining', ...json, async (req, res) => {
    const { active } = parseInput(activeBody, req.body, 'body');
    await nodeCall(() => devnet.setPaused(!active), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/link', ...json, async (req, res) => {
    const { node, ...shape } = parseInput(linkBody, req.body, 'body');
    await nodeCall(() => devnet.setLink(shape, node), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/nodes/:index/mining', ...json, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    const { active } = parseInput(activeBody, req.body, 'body');
    await nodeCall(() => devnet.setMining(index, active), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/nodes/:index/share', ...json, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    const { share } = parseInput(shareBody, req.body, 'body');
    await nodeCall(() => devnet.setShare(index, share), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/nodes/:index/restart', ...json, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    await nodeCall(() => devnet.restart(index), devnet);
    res.json(devnet.view());
  });
  api.post('/devnet/nodes/:index/generate', ...json, async (req, res) => {
    const { index } = parseInput(indexParams, req.params, 'params');
    const { blocks } = parseInput(generateBody, req.body, 'body');
    res.json({ hashes: await nodeCall(() => devnet.generate(index, blocks)) });
  });

  api.post('/devnet/send', ...json, async (req, res) => {
    const { from, to, amount } = parseInput(sendBody, req.body, 'body');
    let units: bigint;
    try {
      units = parseCoins(amount);
    } catch (e) {
      if (e instanceof AmountError) throw new BadRequestError('bad-amount', `body.amount: ${e.message}`, { cause: e });
      throw e;
    }
    if (units === 0n) throw new BadRequestError('bad-amount', 'the amount is zero: send more than zero coins (at least 0.00000001)');
    if (from === to) throw new BadRequestError('same-node', 'from and to are the same node: pick another node to pay');
    res.json(await nodeCall(() => devnet.send(from, to, units), devnet));
  });

  app.use(CONTROL_PREFIX, api);
  serveDashboard(app);
  app.use(notFound);
  app.use(createErrorMiddleware(logger));
  return app;
}

/**
 * What the dashboard page reads: the devnet's supervisor, or `toychain watch` over
 * nodes it did not start. Both give the same view, tree, reorg cards, timeline and stream.
 */
export interface DashboardSource {
  view(): DevnetView;
  recentBlocks(heights: number): TreeBlock[];
  readonly tips: Record<number, string>;
  readonly reorgCards: ReorgCard[];
  readonly timeline: TimelineItem[];
  on(event: 'event', listener: (...e: DevnetEvent) => void): unknown;
  off(event: 'event', listener: (...e: DevnetEvent) => void): unknown;
}

/** registerDashboardReads: GET /devnet, /devnet/tree, /devnet/reorgs, /devnet/timeline, /devnet/finality and the /devnet/events stream. */
export function registerDashboardReads(api: express.Router, source: DashboardSource): void {
  api.get('/devnet', (_req, res) => {
    res.json(source.view());
  });
  api.get('/devnet/tree', (req, res) => {
    const { heights } = parseInput(treeQuery, req.query, 'query');
    const tree: DevnetTree = { blocks: source.recentBlocks(heights), tips: source.tips };
    res.json(tree);
  });
  api.get('/devnet/reorgs', (_req, res) => {
    res.json({ cards: source.reorgCards });
  });
  api.get('/devnet/timeline', (_req, res) => {
    res.json({ items: source.timeline });
  });
  api.get('/devnet/events', (req, res) => {
    streamEvents(source, req, res);
  });
  registerFinalityRoute(api);
}

/** registerExplorerReads: the explorer's routes (a block, a transaction, an address, search, the mempools), through the nodes' own APIs (src/devnet/explorer.ts). */
export function registerExplorerReads(api: express.Router, explorer: () => ExplorerSource): void {
  api.get('/devnet/blocks/:id', async (req, res) => {
    const { id } = parseInput(blockParams, req.params, 'params');
    res.json(await nodeCall(() => blockDetails(explorer(), id)));
  });
  api.get('/devnet/tx/:txid', async (req, res) => {
    const { txid } = parseInput(txParams, req.params, 'params');
    res.json(await nodeCall(() => txDetails(explorer(), txid)));
  });
  api.get('/devnet/address/:address', async (req, res) => {
    const { address } = parseInput(addressParams, req.params, 'params');
    res.json(await nodeCall(() => addressDetails(explorer(), address)));
  });
  api.get('/devnet/search', async (req, res) => {
    const { q } = parseInput(searchQuery, req.query, 'query');
    res.json(await nodeCall(() => search(explorer(), q)));
  });
  api.get('/devnet/mempools', async (_req, res) => {
    res.json(await nodeCall(() => mempools(explorer())));
  });
}

/** serveDashboard serves the built page (dist/dashboard/) at /, or says how to build it. */
export function serveDashboard(app: express.Express): void {
  // Browsers ask for /favicon.ico on their own: answer with a small icon (three chained blocks), not a 404.
  app.get('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').set('cache-control', 'max-age=86400').send(FAVICON_SVG);
  });
  if (existsSync(DASHBOARD_DIR)) {
    app.use(express.static(DASHBOARD_DIR, { index: 'index.html', maxAge: 0 }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('The dashboard is not built: run `npm run build` (it runs scripts/build-dashboard.mjs). The control API is under /api/v1/devnet.');
    });
  }
}

/** nodeCall turns a node's refusal or absence into an error the control API can answer with. */
async function nodeCall<T>(call: () => Promise<T>, devnet?: Devnet): Promise<T> {
  try {
    const result = await call();
    await devnet?.refresh();
    return result;
  } catch (e) {
    if (e instanceof NodeUnavailableError) throw new ApiError(409, 'node-unavailable', e.message, { cause: e });
    if (e instanceof NodeApiError) throw new ApiError(e.status >= 500 ? 502 : 409, `node-${e.code}`, e.message, { cause: e });
    if (e instanceof Error && (e.name === 'TimeoutError' || e.message.includes('fetch failed'))) throw new ApiError(502, 'node-unreachable', e.message, { cause: e });
    throw e;
  }
}

/** The page's one stream: the nodes' events, merged, with the node's index in each. */
function streamEvents(devnet: DashboardSource, req: express.Request, res: express.Response): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' });
  req.socket.setNoDelay(true);
  const listener = (...[name, data]: DevnetEvent): void => {
    if (name === 'status') return; // the page polls GET /devnet for figures
    res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  devnet.on('event', listener);
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  res.on('close', () => {
    clearInterval(heartbeat);
    devnet.off('event', listener);
  });
  res.write('retry: 2000\n: connected\n\n');
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

export const loopbackHostOnly: RequestHandler = (req, _res, next) => {
  if (!LOOPBACK_HOST.test(req.headers.host ?? '')) return next(new ApiError(403, 'forbidden-host', 'the devnet answers only to 127.0.0.1 or localhost'));
  next();
};

export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) return next(new BadRequestError('json-required', 'send the body as Content-Type: application/json (an empty object {} when there is nothing to say)'));
  next();
};
