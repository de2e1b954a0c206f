/**
 * The requests `toychain conformance` sends: for every operation of the contract's table
 * (src/api/contract/operations.ts) at least one request it answers with success and,
 * where the contract names one, a request it must refuse with a named 4xx. The table is
 * keyed by OperationId, so an operation added to the contract without a probe here
 * fails to compile.
 *
 * The probes leave the node as they found it: reads, refusals, and, with the token,
 * writes that set a setting to the value it already has (share, deny list, link shape,
 * network switch). Mining and generate are probed only by what they refuse, since a
 * success would change the node's chain or its miner; a stopped miner may be stopped again.
 */
import { encodeAddress } from '../consensus/address.js';
import type { OperationId, ResponseOf } from '../api/contract/operations.js';

/** One request and the status the contract says it answers. */
export interface Probe {
  /** what is asked, for the report: 'a block by height' */
  what: string;
  /** under /api/v1, with its query string */
  path: string;
  /** a JSON body, sent as application/json */
  body?: unknown;
  /** a body sent as it is, with this Content-Type (or none) */
  raw?: { text: string; contentType?: string };
  /** send the bearer token */
  token?: boolean;
  expect: number;
}

/** What the probes are built from: the node's own answers, read before they run. */
export interface NodeState {
  status: ResponseOf<'getStatus'>;
  /** the tip block (its coinbase gives a txid and an address that exist) */
  tip: ResponseOf<'getBlock'>;
  share: ResponseOf<'getMiningShare'>;
  deny: ResponseOf<'getDenyList'>;
  link: ResponseOf<'getLinkShape'>;
  /** a token was given: the probes that need one are sent */
  token: boolean;
}

/** A hash no block or transaction has (all zeros, like Core's null uint256). */
const UNKNOWN_HASH = '0'.repeat(64);
/** x of the secp256k1 generator: a valid x-only key, so an address of any prefix. */
const GENERATOR_X = Uint8Array.from(Buffer.from('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));

/** The answer of an operation whose request needs the token, when no token was given. */
const unauthorized = (path: string, body?: unknown): Probe => ({ what: 'refused without the token (unauthorized)', path, body, expect: 401 });

/** probesFor builds every operation's probes from what the node reported. */
export function probesFor(state: NodeState): Record<OperationId, Probe[]> {
  const { status, tip } = state;
  const coinbase = tip.txs[0];
  const paid = coinbase?.outputs[0]?.address ?? encodeAddress(GENERATOR_X, status);
  const share = { share: state.share.share };
  const link = { delayMs: state.link.delayMs, jitterMs: state.link.jitterMs, dropRate: state.link.dropRate };
  const withToken = (probes: Probe[]): Probe[] => (state.token ? probes.map((p) => ({ ...p, token: true })) : []);
  return {
    getStatus: [{ what: 'the node at a glance', path: '/status', expect: 200 }],
    listBlocks: [
      { what: 'the newest blocks', path: '/blocks?limit=3', expect: 200 },
      { what: 'the oldest blocks', path: '/blocks?from=0&limit=2&order=asc', expect: 200 },
      { what: 'a page of 0 blocks (bad-request)', path: '/blocks?limit=0', expect: 400 },
    ],
    getBlock: [
      { what: 'a block by height', path: '/blocks/0', expect: 200 },
      { what: 'a block by hash', path: `/blocks/${status.tip}`, expect: 200 },
      { what: 'an unknown hash (not-found)', path: `/blocks/${UNKNOWN_HASH}`, expect: 404 },
      { what: 'a path that does not percent-decode (bad-uri)', path: '/blocks/%E0%A4%A', expect: 400 },
    ],
    getChainTips: [{ what: 'every branch tip', path: '/chain/tips', expect: 200 }],
    getMempool: [
      { what: 'a page of the mempool', path: '/mempool?limit=5', expect: 200 },
      { what: 'a limit that is not a number (bad-request)', path: '/mempool?limit=many', expect: 400 },
    ],
    sendTx: [
      { what: 'bytes that are not a transaction', path: '/tx', body: { hex: '00' }, token: state.token, expect: 400 },
      { what: 'a body not sent as JSON (unsupported-media-type)', path: '/tx', raw: { text: 'hex=00', contentType: 'application/x-www-form-urlencoded' }, token: state.token, expect: 415 },
    ],
    getTx: [
      ...(coinbase === undefined || status.height === 0 ? [] : [{ what: "the tip's coinbase", path: `/tx/${coinbase.txid}`, expect: 200 }]),
      { what: 'an unknown txid (not-found)', path: `/tx/${UNKNOWN_HASH}`, expect: 404 },
      { what: 'a txid that is not hex (bad-request)', path: '/tx/xyz', expect: 400 },
    ],
    getAddress: [
      { what: status.height === 0 ? 'an address of this network' : "the tip's reward address", path: `/address/${paid}?limit=5&coinsLimit=5`, expect: 200 },
      { what: 'an address that does not decode (invalid-address)', path: '/address/nonsense', expect: 400 },
    ],
    listPeers: [{ what: 'the connected peers', path: '/peers', expect: 200 }],
    connectPeer: [
      unauthorized('/peers', { address: 'ws://127.0.0.1:1' }),
      ...withToken([
        { what: 'a wss:// address (bad-request)', path: '/peers', body: { address: 'wss://127.0.0.1:1' }, expect: 400 },
        ...(status.networkActive ? [{ what: 'a port where no peer listens (peer-connect-failed)', path: '/peers', body: { address: 'ws://127.0.0.1:1' }, expect: 422 }] : []),
      ]),
    ],
    disconnectPeer: [
      unauthorized(`/peers/${Number.MAX_SAFE_INTEGER}`),
      ...withToken([
        { what: 'a peer id nobody has (not-found)', path: `/peers/${Number.MAX_SAFE_INTEGER}`, expect: 404 },
        { what: 'a peer id that is not a number (bad-request)', path: '/peers/first', expect: 400 },
      ]),
    ],
    startMining: [unauthorized('/mining/start', {}), ...withToken([{ what: 'an address that does not decode (invalid-address)', path: '/mining/start', body: { address: 'nonsense' }, expect: 400 }])],
    stopMining: [unauthorized('/mining/stop'), ...(status.mining.active ? [] : withToken([{ what: 'a miner that is already stopped', path: '/mining/stop', expect: 200 }]))],
    generateBlocks: [unauthorized('/mining/generate', { blocks: 1 }), ...withToken([{ what: '0 blocks (bad-request)', path: '/mining/generate', body: { blocks: 0 }, expect: 400 }])],
    getMiningShare: [{ what: 'the share of the hash power', path: '/mining/share', expect: 200 }],
    setMiningShare: [
      unauthorized('/mining/share', share),
      ...withToken([
        { what: 'the share it has', path: '/mining/share', body: share, expect: 200 },
        { what: 'a share above 1 (bad-request)', path: '/mining/share', body: { share: 2 }, expect: 400 },
      ]),
    ],
    setNetworkActive: [
      unauthorized('/network', { active: status.networkActive }),
      ...withToken([
        { what: 'the state it is in', path: '/network', body: { active: status.networkActive }, expect: 200 },
        { what: 'active as a string (bad-request)', path: '/network', body: { active: 'yes' }, expect: 400 },
      ]),
    ],
    getClock: [{ what: "the node's clock", path: '/clock', expect: 200 }],
    // Only refusals: a success would move the clock of a mockable node (and is refused elsewhere).
    setMocktime: [unauthorized('/clock', { mocktime: 0 }), ...withToken([{ what: 'a negative mocktime (bad-request)', path: '/clock', body: { mocktime: -1 }, expect: 400 }])],
    getDenyList: [{ what: 'the deny list', path: '/network/deny', expect: 200 }],
    setDenyList: [
      unauthorized('/network/deny', { addresses: state.deny.addresses }),
      ...withToken([
        { what: 'the list it has', path: '/network/deny', body: { addresses: state.deny.addresses }, expect: 200 },
        { what: 'a wss:// address (bad-request)', path: '/network/deny', body: { addresses: ['wss://127.0.0.1:1'] }, expect: 400 },
      ]),
    ],
    getLinkShape: [{ what: 'the link shape', path: '/network/link', expect: 200 }],
    setLinkShape: [
      unauthorized('/network/link', link),
      ...withToken([
        { what: 'the shape it has', path: '/network/link', body: link, expect: 200 },
        { what: 'a negative delay (bad-request)', path: '/network/link', body: { delayMs: -1 }, expect: 400 },
      ]),
    ],
    streamEvents: [{ what: 'the event stream opens', path: '/events', expect: 200 }],
    getMetrics: [{ what: 'Prometheus text', path: '/metrics', expect: 200 }],
    getOpenApi: [{ what: 'the OpenAPI document', path: '/openapi.json', expect: 200 }],
  };
}
