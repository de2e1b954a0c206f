/**
 * The wallet's only window on the chain: a node's REST API (prefix /api/v1), over fetch.
 * Every answer is checked against the few fields the wallet relies on (zod), so a node
 * that answers something else gives a clear NodeError instead of a wrong balance.
 *
 * The schemas are the node API's contract (src/api/contract/), narrowed with pick to
 * the fields the wallet relies on, so a field renamed in the contract fails to compile
 * here, and a node that answers another shape is refused with a clear NodeError:
 *   GET  /status          network, addressPrefix (optional: nodes that predate it leave it out)
 *   GET  /address/:addr   balance, coins (every page), history (the page asked for)
 *   GET  /tx/:txid        txid, status, confirmations, height, fee, inputs (spends only), outputs; 404 tx-not-found
 *   POST /tx {hex}        txid; 400 { error: { code, message } }
 */
import { z } from 'zod';
import { ErrorBody } from '../src/api/contract/primitives.js';
import { MAX_COIN_PAGE } from '../src/api/contract/requests.js';
import { AddressCoin as CoinAnswer, AddressInfo as AddressAnswer, HistoryItem as HistoryAnswer, Status, TxAccepted, TxInput, TxLookup, TxOutput } from '../src/api/contract/responses.js';

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

/** addressPrefix: what a custom network's addresses start with (nodes that predate it leave it out). */
export const statusSchema = Status.pick({ network: true, height: true, addressPrefix: true, coinbaseMaturity: true }).partial({ height: true, addressPrefix: true, coinbaseMaturity: true });
export type NodeStatus = z.infer<typeof statusSchema>;

const historyItem = HistoryAnswer.pick({ txid: true, height: true, confirmations: true });

export const addressSchema = AddressAnswer.pick({ address: true, balance: true }).extend({
  coins: z.array(CoinAnswer.pick({ txid: true, index: true, units: true, height: true, coinbase: true, confirmations: true, mature: true, spentBy: true })),
  history: AddressAnswer.shape.history.extend({ items: z.array(historyItem) }),
});
export type AddressInfo = z.infer<typeof addressSchema>;
export type AddressCoin = AddressInfo['coins'][number];
export type HistoryItem = z.infer<typeof historyItem>;
/** The coin page fields of GET /address, read to fetch every page of coins. */
const coinsPage = AddressAnswer.pick({ coinsPage: true });

export const txSchema = TxLookup.pick({ txid: true, status: true, confirmations: true, height: true, fee: true }).extend({
  // The spends' outpoints: a coinbase input spends nothing.
  inputs: z.array(TxInput).transform((inputs) => inputs.flatMap((i) => ('prevout' in i ? [i.prevout] : []))),
  outputs: z.array(TxOutput.pick({ address: true, units: true })),
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


/** RestNodeClient talks to `baseUrl` (e.g. http://127.0.0.1:28443; a trailing /api/v1 is allowed), adding /api/v1. */
export class RestNodeClient implements NodeClient {
  readonly baseUrl: string;
  constructor(baseUrl: string, private readonly timeoutMs = 15_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  }

  async status(): Promise<NodeStatus> {
    return this.parse(statusSchema, await this.call('GET', '/status'), 'status');
  }

  /** address reads the history page asked for and every page of the address's coins (a wallet spends from all of them). */
  async address(address: string, from: number, limit: number): Promise<AddressInfo> {
    const page = async (coinsFrom: number) => {
      const res = await this.call('GET', `/address/${encodeURIComponent(address)}?from=${from}&limit=${limit}&coinsFrom=${coinsFrom}&coinsLimit=${MAX_COIN_PAGE}`);
      return { info: this.parse(addressSchema, res, 'address'), total: this.parse(coinsPage, res, 'address').coinsPage.total };
    };
    const first = await page(0);
    const coins = [...first.info.coins];
    // Bounded: each page adds coins, and there are `total` of them (fewer if blocks arrive meanwhile).
    for (let pages = 1; coins.length < first.total && pages <= Math.ceil(first.total / MAX_COIN_PAGE); pages++) {
      const next = await page(coins.length);
      if (next.info.coins.length === 0) break;
      coins.push(...next.info.coins);
    }
    return { ...first.info, coins };
  }

  async tx(txid: string): Promise<TxInfo | undefined> {
    const res = await this.call('GET', `/tx/${encodeURIComponent(txid)}`, undefined, [404]);
    if (res.status === 404) return undefined;
    return this.parse(txSchema, res, 'tx');
  }

  async sendTx(hex: string): Promise<string> {
    const res = await this.call('POST', '/tx', { hex });
    return this.parse(TxAccepted, res, 'POST /tx').txid;
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
    const err = ErrorBody.safeParse(json);
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
