/**
 * The words every request and response of the node API is made of: hashes in display
 * hex, coins and base units as strings (JSON has no bigint), heights, and the parsers
 * for values written in a query string or a path. Part of the contract (see
 * operations.ts): it imports zod and the innermost parsers only, so the wallet and the
 * dashboard can import it without the node.
 */
import { z } from 'zod';
import { parsePeerAddress } from '../../p2p/address.js';

/** A block hash or txid: 64 hex digits, byte-reversed as Bitcoin shows them. */
export const hash = z.string().regex(/^[0-9a-f]{64}$/, 'a hash is 64 lower-case hex digits');
/** Chainwork: the expected number of hashes, as 64 hex digits (Core's getblockchaininfo). */
export const chainwork = z.string().regex(/^[0-9a-f]{64}$/, 'chainwork is 64 hex digits');
/** Coins with 8 decimals, "50.00000000". */
export const coins = z.string().regex(/^\d+\.\d{8}$/, 'coins are written with 8 decimals');
/** Integer base units (1 coin = 100000000), decimal. */
export const units = z.string().regex(/^\d+$/, 'units are a decimal integer');
export const height = z.number().int().min(0);
export const count = z.number().int().min(0);
/** Compact `bits` as 8 hex digits, as Core prints them. */
export const bits = z.string().regex(/^[0-9a-f]{8}$/);
/** Unix seconds. */
export const unixSeconds = z.number().int().min(0);

/** A whole number written in a query string or path, from `min` to `max`. */
export function integerString(label: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${label} must be at least ${min}`).max(max, `${label} must be at most ${max}`));
}

/**
 * A peer's p2p address, ws://HOST:PORT, checked by the p2p layer's own parser
 * (parsePeerAddress), so the API accepts exactly what the peers can dial.
 */
export const peerAddress = z
  .string({ error: 'a peer address is a string, ws://HOST:PORT' })
  .max(300)
  .superRefine((value, ctx) => {
    try {
      parsePeerAddress(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : 'not ws://HOST:PORT' });
    }
  })
  .meta({ description: 'ws://HOST:PORT, a port from 1 to 65535, nothing after it', examples: ['ws://127.0.0.1:28444'] });

// In api-url.ts, zod-free: `toychain node` reads --announce-api before anything loads zod.
export { ApiUrlError, parseApiUrl } from './api-url.js';

/** An address on this node's network: bech32m of an x-only key (the route checks the prefix). */
export const address = z.string().min(1).max(200);

/** The one error body: `{ error: { code, message } }`. */
export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody>;
