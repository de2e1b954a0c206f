/**
 * The wallet's only window on the chain: a node's REST API (prefix /api/v1), over fetch.
 * Every answer is checked against the few fields the wallet relies on (zod), so a node
 * that answers something else gives a clear NodeError instead of a wrong balance.
 *
 * Fields relied on:
 *   GET  /status          network, addressPrefix (optional: a custom network's)
 *   GET  /address/:addr   balance.{confirmed, unconfirmed, immature, spendable} (coins),
 *                         coins[].{txid, index, units, height, coinbase, confirmations, mature, spentBy},
 *                         history.{total, from, limit, items[].{txid, height, confirmations}}
 *   GET  /tx/:txid        txid, status, confirmations, height, fee, outputs[].{address, units},
 *                         inputs[]: { prevout: { txid, index } } as main's node answers (the issue's
 *                         contract wrote { txid, index }: both are read), { coinbase } skipped;
 *                         404 tx-not-found
 *   POST /tx {hex}        txid; 400 { error: { code, message } }
 */
import { z } from 'zod';

/** NodeUnreachableError: no answer from the node's API at all. */
export class NodeUnreachableError extends Error {
  constructor(readonly url: string, options?: { cause?: unknown }) {
    super(`cannot reach a toychain node at ${url}: start one (toychain node) or point --node at it`, options);
    this.name = 'NodeUnreachableError';
  }
}

/** NodeError: the node answered with an error (`code` is its reason, e.g. txn-mempool-conflict) or an unexpected shape. */
export class NodeError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NodeError';
  }
}

const units = z.string().regex(/^[0-9]+$/, 'units must be a decimal integer string');
const coinsString = z.string().regex(/^[0-9]+\.[0-9]{8}$/, 'coins must have 8 decimals');
const hash = z.string().regex(/^[0-9a-f]{64}$/);

/** addressPrefix: what a custom network's addresses start with (nodes that predate it leave it out). */
export const statusSchema = z.object({ network: z.string(), addressPrefix: z.string().regex(/^[a-z]{1,16}$/).optional() });
export type NodeStatus = z.infer<typeof statusSchema>;

const historyItem = z.object({ txid: hash, height: z.number().int().nullable(), confirmations: z.number().int() });

export const addressSchema = z.object({
  address: z.string(),
  balance: z.object({ confirmed: coinsString, unconfirmed: coinsString, immature: coinsString, spendable: coinsString }),
  coins: z.array(
    z.object({
      txid: hash,
      index: z.number().int().nonnegative(),
      units,
      height: z.number().int(),
      coinbase: z.boolean(),
      confirmations: z.number().int(),
      mature: z.boolean(),
      spentBy: hash.nullable(),
    }),
  ),
  history: z.object({ total: z.number().int(), from: z.number().int(), limit: z.number().int(), items: z.array(historyItem) }),
});
export type AddressInfo = z.infer<typeof addressSchema>;
export type AddressCoin = AddressInfo['coins'][number];
export type HistoryItem = z.infer<typeof historyItem>;

export const txSchema = z.object({
  txid: hash,
  status: z.enum(['mempool', 'confirmed']),
  confirmations: z.number().int(),
  height: z.number().int().nullable(),
  fee: coinsString.nullable(),
  inputs: z
    .array(
      z.union([
        z.object({ prevout: z.object({ txid: hash, index: z.number().int().nonnegative() }) }).transform((i) => i.prevout),
        z.object({ txid: hash, index: z.number().int().nonnegative() }),
        z.object({ coinbase: z.string() }).transform(() => null),
      ]),
    )
    .transform((inputs) => inputs.filter((i): i is { txid: string; index: number } => i !== null)),
  outputs: z.array(z.object({ address: z.string(), units })),
});
export type TxInfo = z.infer<typeof txSchema>;

/** What the wallet asks of a node; the REST client implements it, unit tests fake it. */
export interface NodeClient {
  status(): Promise<NodeStatus>;
  address(address: string, from: number, limit: number): Promise<AddressInfo>;
  /** the transaction, or undefined when the node has it neither in the mempool nor in the chain */
  tx(txid: string): Promise<TxInfo | undefined>;
  /** broadcasts a signed transaction; resolves to its txid, rejects with NodeError(reason) */
  sendTx(hex: string): Promise<string>;
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/** RestNodeClient talks to `baseUrl` (e.g. http://127.0.0.1:28443; a trailing /api/v1 is allowed), adding /api/v1. */
export class RestNodeClient implements NodeClient {
  readonly baseUrl: string;
  constructor(baseUrl: string, private readonly timeoutMs = 15_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  }

  async status(): Promise<NodeStatus> {
    return this.parse(statusSchema, await this.call('GET', '/status'), 'status');
  }

  async address(address: string, from: number, limit: number): Promise<AddressInfo> {
    const path = `/address/${encodeURIComponent(address)}?from=${from}&limit=${limit}`;
    return this.parse(addressSchema, await this.call('GET', path), 'address');
  }

  async tx(txid: string): Promise<TxInfo | undefined> {
    const res = await this.call('GET', `/tx/${encodeURIComponent(txid)}`, undefined, [404]);
    if (res.status === 404) return undefined;
    return this.parse(txSchema, res, 'tx');
  }

  async sendTx(hex: string): Promise<string> {
    const res = await this.call('POST', '/tx', { hex });
    return this.parse(z.object({ txid: hash }), res, 'POST /tx').txid;
  }

  private async call(method: string, path: string, body?: unknown, allow: number[] = []): Promise<{ status: number; body: unknown }> {
    const url = `${this.baseUrl}/api/v1${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new NodeUnreachableError(this.baseUrl, { cause });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      throw new NodeError('bad-response', `the node at ${this.baseUrl} answered ${method} ${path} with HTTP ${res.status} and no JSON`, { cause });
    }
    if (res.ok || allow.includes(res.status)) return { status: res.status, body: json };
    const err = errorBody.safeParse(json);
    if (err.success) throw new NodeError(err.data.error.code, `the node refused: ${err.data.error.code}${err.data.error.message ? ` (${err.data.error.message})` : ''}`);
    throw new NodeError('bad-response', `the node at ${this.baseUrl} answered ${method} ${path} with HTTP ${res.status}`);
  }

  private parse<T>(schema: z.ZodType<T>, res: { body: unknown }, what: string): T {
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      throw new NodeError('bad-response', `the node's ${what} answer is not what this wallet understands: ${parsed.error.issues[0]?.message ?? ''} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    }
    return parsed.data;
  }
}
