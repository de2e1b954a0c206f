/**
 * The OpenAPI 3.1 document of the API. Request bodies come from the same zod schemas
 * the routes validate with, so the two cannot drift; responses are written out here.
 * A test walks the express routes and fails if one is missing.
 */
import { z } from 'zod';
import { DEFAULT_PAGE, MAX_PAGE } from './routes/blocks.js';
import { generateBody, startBody } from './routes/mining.js';
import { networkBody } from './routes/network.js';
import { connectBody } from './routes/peers.js';
import { denyBody, linkBody } from './routes/network-policy.js';
import { shareBody } from './routes/mining-share.js';
import { MAX_HISTORY_PAGE } from './routes/address.js';
import { MAX_MEMPOOL_PAGE, txBody } from './routes/transactions.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });

function bodyOf(schema: z.ZodType): Schema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return { required: true, content: { 'application/json': { schema: json } } };
}

function ok(description: string, schema: Schema, status = '200'): Record<string, Schema> {
  return { [status]: { description, content: { 'application/json': { schema } } } };
}

function errors(...statuses: number[]): Record<string, Schema> {
  const text: Record<number, string> = {
    400: 'bad parameters or body (code bad-request, bad-json, invalid-address, bad-tx-hex, or a transaction reject reason such as txn-mempool-conflict), …)',
    401: 'no token or a wrong one (code unauthorized): send the token from DATADIR/api.cookie',
    404: 'not found (code not-found, tx-not-found)',
    409: 'refused in the current state (code network-inactive, mining-busy, …)',
    502: 'the peer could not be reached (code peer-connect-failed)',
  };
  return Object.fromEntries(statuses.map((s) => [String(s), { description: text[s] ?? 'error', content: { 'application/json': { schema: ref('Error') } } }]));
}

const mutation = { security: [{ bearer: [] }] };

const coins = { type: 'string', pattern: '^-?\\d+\\.\\d{8}$', description: 'coins with 8 decimals' };
const units = { type: 'string', pattern: '^\\d+$', description: 'integer base units (1 coin = 100000000)' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });

const schemas: Record<string, Schema> = {
  MempoolEntry: obj({ txid: hex64, fee: coins, feeUnits: units, size: { type: 'integer' }, feeRate: { type: 'number', description: 'base units per byte' }, time: { type: 'integer' }, ancestors: { type: 'integer' } }),
  Mempool: obj({
    count: { type: 'integer' },
    bytes: { type: 'integer' },
    minFeeRate: { type: 'number' },
    histogram: { type: 'array', items: obj({ feeRate: { type: 'number', description: 'bucket lower bound, base units per byte' }, count: { type: 'integer' }, bytes: { type: 'integer' } }) },
    from: { type: 'integer' },
    limit: { type: 'integer' },
    next: nullable({ type: 'integer' }),
    entries: { type: 'array', items: ref('MempoolEntry') },
  }),
  TxLookup: {
    allOf: [
      ref('Tx'),
      obj({ hex: { type: 'string' }, size: { type: 'integer' }, status: { enum: ['mempool', 'confirmed'] }, confirmations: { type: 'integer' }, height: nullable({ type: 'integer' }), blockHash: nullable(hex64), fee: nullable(coins) }),
    ],
  },
  Address: obj({
    address: { type: 'string' },
    height: { type: 'integer', description: 'the tip height the answer was read at' },
    balance: obj({ confirmed: coins, immature: coins, spendable: coins, unconfirmed: coins }),
    coins: { type: 'array', items: obj({ txid: hex64, index: { type: 'integer' }, value: coins, units, height: { type: 'integer' }, coinbase: { type: 'boolean' }, confirmations: { type: 'integer' }, mature: { type: 'boolean' }, spentBy: nullable(hex64) }) },
    pending: { type: 'array', items: obj({ txid: hex64, index: { type: 'integer' }, value: coins, units }) },
    history: obj({ total: { type: 'integer' }, from: { type: 'integer' }, limit: { type: 'integer' }, items: { type: 'array', items: obj({ txid: hex64, height: nullable({ type: 'integer' }), blockHash: nullable(hex64), confirmations: { type: 'integer' } }) } }),
  }),
  Error: obj({ error: obj({ code: { type: 'string' }, message: { type: 'string' } }) }),
  Difficulty: obj({
    bits: { type: 'string', description: 'compact bits, 8 hex digits' },
    expectedHashes: { type: 'string', description: 'hashes one block takes on average, decimal' },
    relative: { type: 'number', description: 'powLimit / target, Bitcoin-style difficulty' },
  }),
  MiningStatus: obj({ active: { type: 'boolean' }, hashrate: { type: 'number' }, workers: { type: 'integer' } }),
  Status: obj({
    network: { type: 'string' },
    genesis: { ...hex64, description: 'genesis block hash: with the name, what tells networks apart' },
    addressPrefix: { type: 'string', description: 'bech32m prefix of this network\'s addresses' },
    version: { type: 'string' },
    height: { type: 'integer' },
    tip: hex64,
    chainwork: hex64,
    difficulty: ref('Difficulty'),
    medianTimePast: { type: 'integer' },
    mempool: obj({ count: { type: 'integer' }, bytes: { type: 'integer' } }),
    peers: { type: 'integer' },
    networkActive: { type: 'boolean' },
    bannedPeers: { type: 'integer' },
    orphans: { type: 'integer' },
    mining: ref('MiningStatus'),
    p2pPort: { type: 'integer', description: 'the port this node listens on for peers (0: not listening); a watcher matches peer addresses with it' },
  }, ['network', 'version', 'height', 'tip', 'chainwork', 'difficulty', 'medianTimePast', 'mempool', 'peers', 'networkActive', 'bannedPeers', 'orphans', 'mining']),
  BlockSummary: obj({
    hash: hex64,
    height: { type: 'integer' },
    time: { type: 'integer' },
    bits: { type: 'string' },
    chainwork: hex64,
    txCount: { type: 'integer' },
    size: { type: 'integer' },
  }),
  BlockPage: obj({
    tip: hex64,
    height: { type: 'integer' },
    order: { enum: ['desc', 'asc'] },
    blocks: { type: 'array', items: ref('BlockSummary') },
    next: { type: ['integer', 'null'], description: 'the `from` of the next page, null at the end' },
  }),
  Tx: obj({
    txid: hex64,
    coinbase: { type: 'boolean' },
    version: { type: 'integer' },
    lockTime: { type: 'integer' },
    inputs: {
      type: 'array',
      items: {
        oneOf: [
          obj({ coinbase: { type: 'string', description: 'coinbase data, hex' } }),
          obj({ prevout: obj({ txid: hex64, index: { type: 'integer' } }), signature: { type: 'string' } }),
        ],
      },
    },
    outputs: {
      type: 'array',
      items: obj({
        index: { type: 'integer' },
        value: { type: 'string', description: 'coins with 8 decimals, "50.00000000"' },
        units: { type: 'string', description: 'base units, decimal' },
        address: { type: 'string' },
      }),
    },
  }),
  Block: {
    allOf: [
      ref('BlockSummary'),
      obj({
        version: { type: 'integer' },
        prevHash: hex64,
        merkleRoot: hex64,
        nonce: { type: 'integer' },
        difficulty: ref('Difficulty'),
        confirmations: { type: 'integer', description: '-1 off the active chain, as Core' },
        inActiveChain: { type: 'boolean' },
        nextHash: { oneOf: [hex64, { type: 'null' }] },
        txs: { type: 'array', items: ref('Tx') },
      }),
    ],
  },
  ChainTip: obj({
    hash: hex64,
    height: { type: 'integer' },
    branchLength: { type: 'integer' },
    status: { enum: ['active', 'valid-fork', 'valid-headers', 'headers-only', 'invalid'] },
  }),
  LinkShape: obj({
    delayMs: { type: 'integer', description: 'milliseconds every message waits' },
    jitterMs: { type: 'integer', description: 'up to this many milliseconds more, at random' },
    dropRate: { type: 'number', description: 'probability a message is dropped' },
  }),
  Peer: obj({
    id: { type: 'integer' },
    address: { type: 'string' },
    direction: { enum: ['inbound', 'outbound'] },
    userAgent: { type: 'string' },
    bestHeight: { type: 'integer' },
    chainwork: { type: 'string' },
    banScore: { type: 'integer' },
    apiUrl: { type: 'string', description: 'the REST API origin the peer announced (toychain node --announce-api), when it did' },
    connectedAt: { type: 'integer', description: 'Unix milliseconds' },
  }, ['id', 'address', 'direction', 'userAgent', 'bestHeight', 'chainwork', 'banScore', 'connectedAt']),
};

const query = (name: string, description: string, schema: Schema) => ({ name, in: 'query', required: false, description, schema });
const path = (name: string, description: string, schema: Schema) => ({ name, in: 'path', required: true, description, schema });

export function openApiDocument(info: { version: string; network: string }): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'toychain node API',
      version: info.version,
      description: `REST API of a toychain node on the ${info.network} network. Calls that change the node need the bearer token in DATADIR/api.cookie.`,
    },
    servers: [{ url: '/api/v1' }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token in DATADIR/api.cookie' } } },
    paths: {
      '/status': { get: { summary: 'The node at a glance', responses: ok('status', ref('Status')) } },
      '/blocks': {
        get: {
          summary: 'A page of the active chain by height',
          parameters: [
            query('from', 'first height of the page (default: the tip for desc, 0 for asc)', { type: 'integer', minimum: 0 }),
            query('limit', `blocks per page, 1..${MAX_PAGE}`, { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE }),
            query('order', 'newest first (desc) or oldest first (asc)', { enum: ['desc', 'asc'], default: 'desc' }),
          ],
          responses: { ...ok('a page of blocks', ref('BlockPage')), ...errors(400) },
        },
      },
      '/blocks/{hashOrHeight}': {
        get: {
          summary: 'One block, by hash (any branch) or by height (active chain)',
          parameters: [path('hashOrHeight', 'a block hash (display hex) or a height', { type: 'string' })],
          responses: { ...ok('the block', ref('Block')), ...errors(400, 404) },
        },
      },
      '/mempool': {
        get: {
          summary: 'The mempool: size, fee-rate histogram and a page of entries, highest fee rate first',
          parameters: [
            query('from', 'offset of the first entry', { type: 'integer', minimum: 0, default: 0 }),
            query('limit', `entries per page, 1..${MAX_MEMPOOL_PAGE}`, { type: 'integer', minimum: 1, maximum: MAX_MEMPOOL_PAGE, default: 50 }),
          ],
          responses: { ...ok('the mempool', ref('Mempool')), ...errors(400) },
        },
      },
      '/tx': {
        post: {
          summary: 'Send a transaction (canonical encoding as hex); no token needed',
          requestBody: bodyOf(txBody),
          responses: { ...ok('accepted (or already in the mempool)', obj({ txid: hex64 })), ...errors(400) },
        },
      },
      '/tx/{txid}': {
        get: {
          summary: 'A transaction from the mempool or the active chain, with confirmations',
          parameters: [path('txid', 'display hex', hex64)],
          responses: { ...ok('the transaction', ref('TxLookup')), ...errors(400, 404) },
        },
      },
      '/address/{address}': {
        get: {
          summary: 'Balance, coins, pending outputs and history of an address',
          parameters: [
            path('address', "bech32m address of this node's network", { type: 'string' }),
            query('from', 'offset into the history', { type: 'integer', minimum: 0, default: 0 }),
            query('limit', `history items per page, 1..${MAX_HISTORY_PAGE}`, { type: 'integer', minimum: 1, maximum: MAX_HISTORY_PAGE, default: 50 }),
          ],
          responses: { ...ok('the address', ref('Address')), ...errors(400) },
        },
      },
      '/chain/tips': { get: { summary: 'Every known branch tip', responses: ok('tips', { type: 'array', items: ref('ChainTip') }) } },
      '/peers': {
        get: { summary: 'Connected peers', responses: ok('peers', { type: 'array', items: ref('Peer') }) },
        post: { ...mutation, summary: 'Connect to a peer', requestBody: bodyOf(connectBody), responses: { ...ok('the new peer', ref('Peer'), '201'), ...errors(400, 401, 409, 502) } },
      },
      '/peers/{id}': {
        delete: {
          ...mutation,
          summary: 'Disconnect a peer',
          parameters: [path('id', 'the peer id from GET /peers', { type: 'integer', minimum: 0 })],
          responses: { ...ok('disconnected', obj({ id: { type: 'integer' }, disconnected: { const: true } })), ...errors(400, 401, 404) },
        },
      },
      '/mining/start': { post: { ...mutation, summary: 'Mine continuously', requestBody: { ...bodyOf(startBody), required: false }, responses: { ...ok('mining status', ref('MiningStatus')), ...errors(400, 401, 409) } } },
      '/mining/stop': { post: { ...mutation, summary: 'Stop mining', responses: { ...ok('mining status', ref('MiningStatus')), ...errors(401) } } },
      '/mining/generate': {
        post: {
          ...mutation,
          summary: "Mine N blocks now (Core's generatetoaddress)",
          requestBody: bodyOf(generateBody),
          responses: { ...ok('the hashes of the mined blocks', obj({ hashes: { type: 'array', items: hex64 } })), ...errors(400, 401, 409) },
        },
      },
      '/mining/share': {
        get: { summary: "This node's share of the hash power: the fraction of time its miner hashes", responses: ok('the share', obj({ share: { type: 'number' } })) },
        put: {
          ...mutation,
          summary: 'Set the share of the hash power (0 < share <= 1): the miner rests between nonce slices',
          requestBody: bodyOf(shareBody),
          responses: { ...ok('the share', obj({ share: { type: 'number' } })), ...errors(400, 401) },
        },
      },
      '/network': {
        post: {
          ...mutation,
          summary: "Unplug from or replug into the network (Core's setnetworkactive)",
          requestBody: bodyOf(networkBody),
          responses: { ...ok('network state', obj({ networkActive: { type: 'boolean' }, peers: { type: 'integer' } })), ...errors(400, 401) },
        },
      },
      '/network/deny': {
        get: { summary: 'Peer addresses this node refuses (a split network)', responses: ok('the deny list', obj({ addresses: { type: 'array', items: { type: 'string' } } })) },
        put: {
          ...mutation,
          summary: 'Replace the deny list: drop these peers now, refuse them inbound and never dial them until cleared (an empty list heals)',
          description: 'Addresses are the peers\' p2p listen addresses, ws://HOST:PORT; an inbound peer is matched by the listenPort of its version message.',
          requestBody: bodyOf(denyBody),
          responses: { ...ok('the deny list and how many peers were dropped', obj({ addresses: { type: 'array', items: { type: 'string' } }, dropped: { type: 'integer' } })), ...errors(400, 401) },
        },
      },
      '/network/link': {
        get: { summary: 'Link shaping of what this node sends', responses: ok('link shape', ref('LinkShape')) },
        put: {
          ...mutation,
          summary: 'Delay (with jitter) or drop what this node sends to every peer: a slow network, where forks appear naturally',
          requestBody: bodyOf(linkBody),
          responses: { ...ok('link shape', ref('LinkShape')), ...errors(400, 401) },
        },
      },
      '/events': {
        get: {
          summary: 'Server-sent events',
          description:
            'Event types: block-connected, block-disconnected ({hash, height, time, chainwork, txCount}), reorg ({oldTip, newTip, fork, depth, connected, oldChainwork, newChainwork}), tip ({hash, height, chainwork}), peer-joined, peer-left (a peer, plus reason), ban ({address, reason}). Comments are heartbeats.',
          responses: { '200': { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { summary: 'This document', responses: ok('an OpenAPI 3.1 document', { type: 'object' }) } },
    },
  };
}
