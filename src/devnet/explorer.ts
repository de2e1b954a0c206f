/**
 * The block explorer behind the dashboard: a block, a transaction or an address as the
 * devnet's nodes know them, read through their REST APIs (GET /blocks/:id, GET /tx/:txid,
 * GET /address/:address, GET /mempool), with what only the devnet knows added: which
 * node mined a block, which nodes have it and since when, and conflicts between the
 * nodes' mempools (the same coin spent by two transactions: a double spend in flight).
 */
import { decodeAddress } from '../consensus/address.js';
import { formatCoins, parseCoins } from '../consensus/amount.js';
import type { NetworkParams } from '../consensus/params.js';
import { compactToTarget } from '../consensus/pow.js';
import { NotFoundError } from '../api/errors.js';
import { NodeApiError } from './child-node.js';
import type { BlockTree } from './block-tree.js';
import type { AddressInfo, Block, Mempool, Tx, TxLookup } from '../api/contract/responses.js';
import type { ExplorerAddress, ExplorerBlock, ExplorerTx, ExplorerTxDetails, InputDetail, Mempools, MempoolTx, SearchAnswer } from './devnet-view.js';

/** How many of a block's transactions get their fee and input coins looked up. */
const MAX_TX_DETAILS = 30;
/** How many transactions of each node's mempool are read. */
const MAX_MEMPOOL_TXS = 100;

/**
 * A node the explorer can ask: a devnet's child (child-node.ts) or a node a watcher reads.
 * A refusal throws NodeApiError with the node's HTTP status (404: it does not have it).
 */
export interface ExplorerNode {
  readonly index: number;
  readonly alive: boolean;
  api<T>(method: 'GET', path: string): Promise<T>;
}

export interface ExplorerSource {
  nodes: readonly ExplorerNode[];
  tree: BlockTree;
  params: Pick<NetworkParams, 'name' | 'addressPrefix'>;
  /** the node index whose mining key is this address, or null */
  minerOf(address: string): number | null;
  /** the node whose tip has the most work (the one to ask about heights) */
  bestNode(): ExplorerNode | undefined;
}

/** A transaction as a node answers it: in a block (the contract's Tx) or from GET /tx (TxLookup, with its status and fee). */
type NodeTx = Tx & Partial<Pick<TxLookup, 'fee' | 'status' | 'confirmations' | 'blockHash' | 'height'>>;
/** A block as a node answers GET /blocks/:id. */
type NodeBlock = Block;

const HEX64 = /^[0-9a-f]{64}$/;

/** ask tries each live node in turn (`first` ones before the rest) and returns the first answer that is not a 404. */
async function ask<T>(src: ExplorerSource, path: string, first: number[] = []): Promise<{ node: number; body: T } | undefined> {
  const order = [...first, ...src.nodes.map((n) => n.index).filter((i) => !first.includes(i))];
  for (const i of order) {
    const node = src.nodes.find((n) => n.index === i);
    if (node === undefined || !node.alive) continue;
    try {
      return { node: i, body: await node.api<T>('GET', path) };
    } catch (e) {
      if (e instanceof NodeApiError && e.status === 404) continue;
      if (e instanceof NodeApiError && e.status === 400) throw e;
    }
  }
  return undefined;
}

/** blockDetails: the header, the hash beside its target, work, miner, who has it since when, and the transactions with inputs → outputs and fees. */
export async function blockDetails(src: ExplorerSource, id: string): Promise<ExplorerBlock> {
  const key = id.toLowerCase();
  const best = src.bestNode();
  const known = src.tree.get(key);
  const found = await ask<NodeBlock>(src, `/blocks/${key}`, HEX64.test(key) ? Object.keys(known?.seenBy ?? {}).map(Number) : best ? [best.index] : []);
  if (found === undefined) throw new NotFoundError(`no node has a block ${id}`);
  const b = found.body;
  const parent = src.tree.get(b.prevHash) ?? (await ask<NodeBlock>(src, `/blocks/${b.prevHash}`, [found.node]))?.body;
  const work = parent === undefined ? null : (BigInt(`0x${b.chainwork}`) - BigInt(`0x${parent.chainwork}`)).toString();
  const coinbaseTo = b.txs[0]?.outputs[0]?.address;
  const txs = await Promise.all(b.txs.map((tx, i) => (i < MAX_TX_DETAILS ? txWithInputs(src, tx, found.node) : { ...tx, fee: null, inputDetails: null })));
  return {
    ...b,
    target: compactToTarget(parseInt(b.bits, 16)).target.toString(16).padStart(64, '0'),
    work,
    miner: coinbaseTo === undefined ? null : src.minerOf(coinbaseTo),
    seenBy: src.tree.get(b.hash)?.seenBy ?? {},
    reachable: src.tree.get(b.hash)?.reachable ?? null,
    answeredBy: found.node,
    txs,
  };
}

/** txWithInputs adds each input's coin (amount, address) and the fee, read from the node that has the block. */
async function txWithInputs(src: ExplorerSource, tx: NodeTx, node: number): Promise<ExplorerTx> {
  if (tx.coinbase) return { ...tx, fee: null, inputDetails: [{ coinbase: true }] };
  const inputDetails: InputDetail[] = [];
  for (const input of tx.inputs) {
    if (!('prevout' in input)) continue;
    const prev = await ask<NodeTx>(src, `/tx/${input.prevout.txid}`, [node]);
    const out = prev?.body.outputs[input.prevout.index];
    inputDetails.push({ prevout: input.prevout, value: out?.value ?? null, address: out?.address ?? null, miner: out ? src.minerOf(out.address) : null });
  }
  const known = inputDetails.every((d) => 'value' in d && d.value !== null);
  let fee: string | null = tx.fee ?? null;
  if (fee === null && known) {
    const inSum = inputDetails.reduce((s, d) => s + ('value' in d ? parseCoins(d.value!) : 0n), 0n);
    const outSum = tx.outputs.reduce((s, o) => s + BigInt(o.units), 0n);
    fee = formatCoins(inSum - outSum);
  }
  return { ...tx, fee, inputDetails };
}

/** txDetails: a transaction from whichever node has it, with where each node has it (mempool, confirmed, or not at all). */
export async function txDetails(src: ExplorerSource, txid: string): Promise<ExplorerTxDetails> {
  const key = txid.toLowerCase();
  const where: Record<number, { status: string; blockHash: string | null; confirmations: number } | null> = {};
  let tx: NodeTx | undefined;
  let from = -1;
  for (const node of src.nodes) {
    if (!node.alive) continue;
    try {
      const t = await node.api<NodeTx>('GET', `/tx/${key}`);
      where[node.index] = { status: t.status ?? 'unknown', blockHash: t.blockHash ?? null, confirmations: t.confirmations ?? 0 };
      if (tx === undefined) (tx = t), (from = node.index);
    } catch (e) {
      if (e instanceof NodeApiError && e.status === 400) throw e;
      where[node.index] = null;
    }
  }
  if (tx === undefined) throw new NotFoundError(`no node has a transaction ${key} in its mempool or active chain`);
  return { ...(await txWithInputs(src, tx, from)), nodes: where };
}

/** addressDetails: an address's coins and history as the most-work node sees them, and whose mining key it is. */
export async function addressDetails(src: ExplorerSource, address: string): Promise<ExplorerAddress> {
  const best = src.bestNode();
  const found = await ask<AddressInfo>(src, `/address/${encodeURIComponent(address)}?limit=50`, best ? [best.index] : []);
  if (found === undefined) throw new NotFoundError(`no node answers for address ${address}`);
  return { ...found.body, miner: src.minerOf(address), answeredBy: found.node };
}

/** search reads a height, a block hash, a txid or an address and says which it is. */
export async function search(src: ExplorerSource, q: string): Promise<SearchAnswer> {
  const text = q.trim();
  if (/^\d{1,10}$/.test(text)) {
    const found = await ask<NodeBlock>(src, `/blocks/${Number(text)}`, src.bestNode() ? [src.bestNode()!.index] : []);
    if (found === undefined) throw new NotFoundError(`no block at height ${text} on the most-work chain`);
    return { kind: 'block', id: found.body.hash };
  }
  const hex = text.toLowerCase();
  if (HEX64.test(hex)) {
    if (src.tree.has(hex) || (await ask(src, `/blocks/${hex}`)) !== undefined) return { kind: 'block', id: hex };
    if ((await ask(src, `/tx/${hex}`)) !== undefined) return { kind: 'tx', id: hex };
    throw new NotFoundError(`no node knows a block or a transaction ${hex}`);
  }
  try {
    decodeAddress(text, src.params);
  } catch (e) {
    throw new NotFoundError(`"${text.slice(0, 80)}" is not a height, a block hash, a txid or a ${src.params.name} address (${(e as Error).message})`);
  }
  return { kind: 'address', id: text };
}

/** mempools reads every node's mempool and marks the coins two different transactions spend: double spends in flight. */
export async function mempools(src: ExplorerSource): Promise<Mempools> {
  const perNode: Array<{ node: number; count: number; txs: MempoolTx[] }> = [];
  const spenders = new Map<string, Map<string, number[]>>();
  for (const node of src.nodes) {
    if (!node.alive) continue;
    try {
      const pool = await node.api<Mempool>('GET', `/mempool?limit=${MAX_MEMPOOL_TXS}`);
      const txs: MempoolTx[] = [];
      for (const e of pool.entries) {
        const t = await node.api<NodeTx>('GET', `/tx/${e.txid}`).catch(() => undefined);
        if (t === undefined) continue; // confirmed or dropped since the list was read
        const inputs = t.inputs.flatMap((i) => ('prevout' in i ? [i.prevout] : []));
        for (const p of inputs) {
          const byTx = spenders.get(`${p.txid}:${p.index}`) ?? new Map<string, number[]>();
          byTx.set(t.txid, [...(byTx.get(t.txid) ?? []), node.index]);
          spenders.set(`${p.txid}:${p.index}`, byTx);
        }
        txs.push({ txid: t.txid, fee: e.fee, inputs, outputs: t.outputs.map((o) => ({ value: o.value, address: o.address })), conflict: false });
      }
      perNode.push({ node: node.index, count: pool.count, txs });
    } catch {
      // a node that does not answer is shown as unreachable on its card
    }
  }
  const conflicts = [...spenders].filter(([, byTx]) => byTx.size > 1).map(([coin, byTx]) => ({ coin, spenders: [...byTx].map(([txid, nodes]) => ({ txid, nodes })) }));
  const inConflict = new Set(conflicts.flatMap((c) => c.spenders.map((s) => s.txid)));
  for (const n of perNode) for (const t of n.txs) t.conflict = inConflict.has(t.txid);
  return { nodes: perNode, conflicts };
}
