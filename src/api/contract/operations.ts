/**
 * The node API's contract: every operation with its method, path, operationId,
 * whether it needs the bearer token, what it takes (path, query, body) and what it
 * answers. The routes are registered from this table (src/api/route.ts), the OpenAPI
 * document is generated from it (src/api/openapi.ts), and the clients (the devnet, the
 * dashboard, the wallet) read its types, so none of them can drift from the others.
 */
import type { z } from 'zod';
import * as req from './requests.js';
import * as res from './responses.js';

/** The HTTP statuses an operation can fail with, each described once in openapi.ts. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503;

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** under /api/v1, OpenAPI form: /blocks/{hashOrHeight} */
  path: string;
  summary: string;
  description?: string;
  /** true: needs `Authorization: Bearer <token from DATADIR/api.cookie>` */
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** a body may be left out (its fields all have defaults) */
  bodyOptional?: boolean;
  /** JSON operations answer `response`; the others say their media type */
  response: z.ZodType;
  media?: 'text/event-stream' | 'text/plain';
  status?: 200 | 201;
  errors: ErrorStatus[];
}

const op = <O extends Operation>(o: O): O => o;

export const operations = {
  getStatus: op({ operationId: 'getStatus', method: 'get', path: '/status', summary: 'The node at a glance', auth: false, response: res.Status, errors: [] }),
  listBlocks: op({ operationId: 'listBlocks', method: 'get', path: '/blocks', summary: 'A page of the active chain by height', auth: false, query: req.BlocksQuery, response: res.BlockPage, errors: [400] }),
  getBlock: op({
    operationId: 'getBlock',
    method: 'get',
    path: '/blocks/{hashOrHeight}',
    summary: 'One block, by hash (any branch) or by height (active chain)',
    auth: false,
    params: req.BlockParams,
    response: res.Block,
    errors: [400, 404],
  }),
  getChainTips: op({ operationId: 'getChainTips', method: 'get', path: '/chain/tips', summary: 'Every known branch tip', auth: false, response: res.ChainTips, errors: [] }),
  getMempool: op({
    operationId: 'getMempool',
    method: 'get',
    path: '/mempool',
    summary: 'The mempool: size, fee-rate histogram and a page of entries, highest fee rate first',
    auth: false,
    query: req.MempoolQuery,
    response: res.Mempool,
    errors: [400],
  }),
  sendTx: op({
    operationId: 'sendTx',
    method: 'post',
    path: '/tx',
    summary: 'Send a transaction (canonical encoding as hex); no token needed',
    description: 'The body must be sent as application/json (a cross-site form cannot). Sending a transaction the mempool already has answers its txid again. On a node whose API listens beyond loopback it needs the token too.',
    auth: false,
    body: req.TxBody,
    response: res.TxAccepted,
    errors: [400, 413, 415],
  }),
  getTx: op({
    operationId: 'getTx',
    method: 'get',
    path: '/tx/{txid}',
    summary: 'A transaction from the mempool or the active chain, with confirmations',
    auth: false,
    params: req.TxParams,
    response: res.TxLookup,
    errors: [400, 404],
  }),
  getAddress: op({
    operationId: 'getAddress',
    method: 'get',
    path: '/address/{address}',
    summary: 'Balance, a page of coins, pending outputs and a page of history of an address',
    auth: false,
    params: req.AddressParams,
    query: req.AddressQuery,
    response: res.AddressInfo,
    errors: [400],
  }),
  listPeers: op({ operationId: 'listPeers', method: 'get', path: '/peers', summary: 'Connected peers', auth: false, response: res.Peers, errors: [] }),
  connectPeer: op({
    operationId: 'connectPeer',
    method: 'post',
    path: '/peers',
    summary: 'Connect to a peer',
    auth: true,
    body: req.ConnectBody,
    response: res.Peer,
    status: 201,
    errors: [400, 401, 409, 422],
  }),
  disconnectPeer: op({
    operationId: 'disconnectPeer',
    method: 'delete',
    path: '/peers/{id}',
    summary: 'Disconnect a peer',
    auth: true,
    params: req.PeerParams,
    response: res.PeerDisconnected,
    errors: [400, 401, 404],
  }),
  startMining: op({
    operationId: 'startMining',
    method: 'post',
    path: '/mining/start',
    summary: 'Mine continuously',
    auth: true,
    body: req.StartMiningBody,
    bodyOptional: true,
    response: res.MiningStatus,
    errors: [400, 401, 409],
  }),
  stopMining: op({ operationId: 'stopMining', method: 'post', path: '/mining/stop', summary: 'Stop mining', auth: true, response: res.MiningStatus, errors: [401] }),
  generateBlocks: op({
    operationId: 'generateBlocks',
    method: 'post',
    path: '/mining/generate',
    summary: "Mine N blocks now (Core's generatetoaddress)",
    description: "Without an address the blocks pay --miner-address, or else the node's own key (DATADIR/miner.key).",
    auth: true,
    body: req.GenerateBody,
    response: res.Hashes,
    errors: [400, 401, 409],
  }),
  getMiningShare: op({
    operationId: 'getMiningShare',
    method: 'get',
    path: '/mining/share',
    summary: "This node's share of the hash power: the fraction of time its miner hashes",
    auth: false,
    response: res.Share,
    errors: [],
  }),
  setMiningShare: op({
    operationId: 'setMiningShare',
    method: 'put',
    path: '/mining/share',
    summary: 'Set the share of the hash power (0 < share <= 1): the miner rests between nonce slices',
    auth: true,
    body: req.ShareBody,
    response: res.Share,
    errors: [400, 401],
  }),
  setNetworkActive: op({
    operationId: 'setNetworkActive',
    method: 'post',
    path: '/network',
    summary: "Unplug from or replug into the network (Core's setnetworkactive)",
    auth: true,
    body: req.NetworkBody,
    response: res.NetworkState,
    errors: [400, 401],
  }),
  getClock: op({ operationId: 'getClock', method: 'get', path: '/clock', summary: "The node's clock: its time now and the mock time, if one is set", auth: false, response: res.ClockState, errors: [] }),
  setMocktime: op({
    operationId: 'setMocktime',
    method: 'put',
    path: '/clock',
    summary: "Fix the node's clock at a time, or let it follow the system clock again with 0 (Core's setmocktime)",
    description: 'Only on a network made for tests (regtest, regtest-retarget); elsewhere 409 mocktime-not-allowed. The clock is what a new block template is stamped with and what the future-drift rule (time-too-new) compares with; ban timers and sockets keep the system clock.',
    auth: true,
    body: req.MocktimeBody,
    response: res.ClockState,
    errors: [400, 401, 409],
  }),
  getDenyList: op({ operationId: 'getDenyList', method: 'get', path: '/network/deny', summary: 'Peer addresses this node refuses (a split network)', auth: false, response: res.DenyList, errors: [] }),
  setDenyList: op({
    operationId: 'setDenyList',
    method: 'put',
    path: '/network/deny',
    summary: 'Replace the deny list: drop these peers now, refuse them inbound and never dial them until cleared (an empty list heals)',
    description: "Addresses are the peers' p2p listen addresses, ws://HOST:PORT; an inbound peer is matched by the listenPort of its version message.",
    auth: true,
    body: req.DenyBody,
    response: res.DenyListSet,
    errors: [400, 401],
  }),
  getLinkShape: op({ operationId: 'getLinkShape', method: 'get', path: '/network/link', summary: 'Link shaping of what this node sends', auth: false, response: res.LinkShape, errors: [] }),
  setLinkShape: op({
    operationId: 'setLinkShape',
    method: 'put',
    path: '/network/link',
    summary: 'Delay (with jitter) or drop what this node sends to every peer: a slow network, where forks appear naturally',
    auth: true,
    body: req.LinkBody,
    response: res.LinkShape,
    errors: [400, 401],
  }),
  streamEvents: op({
    operationId: 'streamEvents',
    method: 'get',
    path: '/events',
    summary: 'Server-sent events',
    description: 'Event names and the schema of their data are in components.schemas (NodeEvent…); comments are heartbeats. Answers 503 too-many-streams when the node already serves its limit of streams.',
    auth: false,
    response: res.OpenApiDocument,
    media: 'text/event-stream',
    errors: [503],
  }),
  getMetrics: op({ operationId: 'getMetrics', method: 'get', path: '/metrics', summary: 'Prometheus metrics', auth: false, response: res.OpenApiDocument, media: 'text/plain', errors: [] }),
  getOpenApi: op({ operationId: 'getOpenApi', method: 'get', path: '/openapi.json', summary: 'This document', auth: false, response: res.OpenApiDocument, errors: [] }),
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof operations;

/** What a client receives from an operation. */
export type ResponseOf<K extends OperationId> = z.output<(typeof operations)[K]['response']>;
/** What a client sends as an operation's body. */
export type BodyOf<K extends OperationId> = (typeof operations)[K] extends { body: infer B extends z.ZodType } ? z.input<B> : never;
