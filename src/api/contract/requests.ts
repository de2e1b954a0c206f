/**
 * What the node API accepts: path parameters, query strings and JSON bodies, as zod
 * schemas the routes parse with (a failure is a 400 naming the field). The devnet's
 * control API takes the same settings (link shape, share, block count) from here, so
 * a limit is written once.
 */
import { z } from 'zod';
import { MAX_LINK_DELAY_MS } from '../../p2p/link-shaping.js';
import { address, integerString, peerAddress } from './primitives.js';

/** The most blocks one generate call mines (node and devnet alike). */
export const MAX_GENERATE = 1000;
export const MAX_BLOCK_PAGE = 100;
export const DEFAULT_BLOCK_PAGE = 20;
export const MAX_MEMPOOL_PAGE = 500;
export const MAX_HISTORY_PAGE = 500;
export const MAX_COIN_PAGE = 5000;
/** More than any local network needs; the list is matched on every connection. */
export const MAX_DENIED = 256;
const MAX_HEIGHT = 2 ** 31 - 1;
const MAX_OFFSET = 2 ** 31 - 1;

/** How many blocks to mine now: 1 to MAX_GENERATE. */
export const blockCount = z
  .number({ error: 'blocks must be a number' })
  .int('blocks must be a whole number')
  .min(1, 'blocks must be at least 1')
  .max(MAX_GENERATE, `blocks must be at most ${MAX_GENERATE}`);

/** A node's share of the hash power: the fraction of time its miner hashes, 0 < share <= 1. */
export const share = z.number({ error: 'share must be a number' }).gt(0, 'share must be above 0').max(1, 'share must be at most 1');

const millis = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number of milliseconds`)
    .min(0, `${label} must be at least 0`)
    .max(MAX_LINK_DELAY_MS, `${label} must be at most ${MAX_LINK_DELAY_MS}`);

/** The fields of a link shape, with defaults; devnet's control API extends them with a node. */
export const linkFields = {
  delayMs: millis('delayMs'),
  jitterMs: millis('jitterMs').default(0),
  dropRate: z.number({ error: 'dropRate must be a number' }).min(0, 'dropRate must be at least 0').max(1, 'dropRate must be at most 1').default(0),
};
/** delay + jitter stays under the handshake's timeout. */
export const linkWithinLimit = (s: { delayMs: number; jitterMs: number }): boolean => s.delayMs + s.jitterMs <= MAX_LINK_DELAY_MS;
export const LINK_LIMIT_MESSAGE = `delayMs + jitterMs must be at most ${MAX_LINK_DELAY_MS}`;

// ---- path parameters -------------------------------------------------------------

export const BlockParams = z.object({
  hashOrHeight: z.string().max(100).meta({ description: 'a block hash (display hex) or a height' }),
});
export const TxParams = z.object({ txid: z.string().regex(/^[0-9a-fA-F]{64}$/, 'txid must be 64 hex digits').meta({ description: 'display hex' }) });
export const AddressParams = z.object({ address: address.meta({ description: "bech32m address of this node's network" }) });
export const PeerParams = z.object({ id: integerString('id', 0, Number.MAX_SAFE_INTEGER).meta({ description: 'the peer id from GET /peers' }) });

// ---- query strings ---------------------------------------------------------------

export const BlocksQuery = z.object({
  from: integerString('from', 0, MAX_HEIGHT).optional().meta({ description: 'first height of the page (default: the tip for desc, 0 for asc)' }),
  limit: integerString('limit', 1, MAX_BLOCK_PAGE).default(DEFAULT_BLOCK_PAGE).meta({ description: `blocks per page, 1..${MAX_BLOCK_PAGE}` }),
  order: z.enum(['desc', 'asc'], { error: 'order must be "desc" or "asc"' }).default('desc').meta({ description: 'newest first (desc) or oldest first (asc)' }),
});
export const MempoolQuery = z.object({
  from: integerString('from', 0, MAX_OFFSET).default(0).meta({ description: 'offset of the first entry' }),
  limit: integerString('limit', 1, MAX_MEMPOOL_PAGE).default(50).meta({ description: `entries per page, 1..${MAX_MEMPOOL_PAGE}` }),
});
export const AddressQuery = z.object({
  from: integerString('from', 0, MAX_OFFSET).default(0).meta({ description: 'offset into the history' }),
  limit: integerString('limit', 1, MAX_HISTORY_PAGE).default(50).meta({ description: `history items per page, 1..${MAX_HISTORY_PAGE}` }),
  coinsFrom: integerString('coinsFrom', 0, MAX_OFFSET).default(0).meta({ description: 'offset into the confirmed coins' }),
  coinsLimit: integerString('coinsLimit', 1, MAX_COIN_PAGE).default(1000).meta({ description: `coins per page, 1..${MAX_COIN_PAGE}` }),
});

// ---- bodies ----------------------------------------------------------------------

export const TxBody = z.strictObject({
  hex: z.string({ error: 'hex must be a string: the canonical transaction encoding' }).min(1, 'hex must not be empty').meta({ description: 'the canonical transaction encoding, hex' }),
});
export const ConnectBody = z.strictObject({ address: peerAddress });
export const StartMiningBody = z.strictObject({ address: address.optional().meta({ description: "pay this address (default: the node's --miner-address)" }) });
export const GenerateBody = z.strictObject({
  blocks: blockCount,
  address: address.optional().meta({ description: "pay this address (default: --miner-address, or else the node's own key in DATADIR/miner.key)" }),
});
export const ShareBody = z.strictObject({ share });
export const MocktimeBody = z.strictObject({
  mocktime: z
    .number({ error: 'mocktime must be a number of Unix seconds (0: follow the system clock again)' })
    .int('mocktime must be a whole number of seconds')
    .min(0, 'mocktime cannot be negative')
    .max(0xffff_ffff, 'mocktime must fit a header time (at most 4294967295)')
    .meta({ description: 'fix the clock at this Unix time (Core setmocktime); 0 lets it follow the system clock again' }),
});
export const NetworkBody = z.strictObject({ active: z.boolean({ error: 'active must be true or false' }) });
export const DenyBody = z.strictObject({
  addresses: z.array(peerAddress, { error: 'addresses must be a list of ws://HOST:PORT' }).max(MAX_DENIED, `at most ${MAX_DENIED} addresses`),
});
export const LinkBody = z.strictObject(linkFields).refine(linkWithinLimit, { message: LINK_LIMIT_MESSAGE });
