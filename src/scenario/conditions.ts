/**
 * What a scenario's `wait` waits for and `expect` checks, read from the nodes themselves
 * through their REST APIs (GET /status, /blocks/:hash, /tx/:txid): the test is what
 * each node says now, never what the supervisor guessed. Each check answers met or not,
 * with a line saying what it saw, so a missed expectation explains itself.
 */
import { formatCoins, parseCoins } from '../consensus/amount.js';
import type { Status, TxLookup } from '../api/contract/responses.js';
import type { ChildNode } from '../devnet/child-node.js';
import { NodeApiError } from '../devnet/child-node.js';
import type { Condition } from './scenario-file.js';
import { spendableCoins, type ScenarioPayment } from './payments.js';

export interface ConditionContext {
  nodes: readonly ChildNode[];
  /** how many nodes the scenario uses: `all` means 0 … count − 1 */
  count: number;
  blocks: ReadonlyMap<string, string>;
  payments: ReadonlyMap<string, ScenarioPayment>;
  /** each node's height when the scenario started */
  startHeights: readonly number[];
  /** reorgs since the scenario started */
  reorgs: readonly { node: number; depth: number }[];
}

export interface Verdict {
  met: boolean;
  /** what was seen, for the class and for a missed expectation */
  seen: string;
}

const short = (hash: string): string => `…${hash.slice(-8)}`;

/** evaluate checks a condition on the nodes now; a node that does not answer makes it not met (a wait tries again). */
export async function evaluate(c: Condition, ctx: ConditionContext): Promise<Verdict> {
  const list = (n: 'all' | number[]): number[] => (n === 'all' ? Array.from({ length: ctx.count }, (_, i) => i) : n);
  try {
    switch (c.kind) {
      case 'sameTip': {
        const statuses = await statusOf(ctx, list(c.value));
        const tips = new Set(statuses.map((s) => s.tip));
        return { met: tips.size === 1, seen: statuses.map((s, i) => `node ${list(c.value)[i]} at ${s.height} ${short(s.tip)}`).join(', ') };
      }
      case 'tipsDiffer': {
        const [a, b] = await statusOf(ctx, [...c.value]);
        return { met: a!.tip !== b!.tip, seen: `node ${c.value[0]} at ${a!.height} ${short(a!.tip)}, node ${c.value[1]} at ${b!.height} ${short(b!.tip)}` };
      }
      case 'height': {
        const who = list(c.value.nodes);
        const statuses = await statusOf(ctx, who);
        const need = (i: number): number => (c.value.atLeast !== undefined ? c.value.atLeast : ctx.startHeights[i]! + c.value.gained!);
        return { met: statuses.every((s, k) => s.height >= need(who[k]!)), seen: statuses.map((s, k) => `node ${who[k]} at ${s.height} (needs ${need(who[k]!)})`).join(', ') };
      }
      case 'moreWork': {
        const [a, b] = await statusOf(ctx, [c.value.node, c.value.than]);
        const [workA, workB] = [BigInt(`0x${a!.chainwork}`), BigInt(`0x${b!.chainwork}`)];
        // In decimal, the expected hashes a class can add up by hand (chainwork is hex on the API).
        return { met: workA > workB, seen: `node ${c.value.node} at ${a!.height} (work ${workA.toLocaleString('en-US')}), node ${c.value.than} at ${b!.height} (work ${workB.toLocaleString('en-US')})` };
      }
      case 'longer': {
        const [a, b] = await statusOf(ctx, [c.value.node, c.value.than]);
        return { met: a!.height > b!.height, seen: `node ${c.value.node} at height ${a!.height}, node ${c.value.than} at height ${b!.height}` };
      }
      case 'onChain':
      case 'offChain': {
        const hash = ctx.blocks.get(c.value.block)!;
        const who = list(c.value.nodes);
        const active = await Promise.all(who.map((n) => onActiveChain(ctx.nodes[n]!, hash)));
        const want = c.kind === 'onChain';
        return { met: active.every((a) => a === want), seen: `block ${c.value.block} ${short(hash)}: ${who.map((n, i) => `node ${n} ${active[i] ? 'has it on its chain' : 'not on its chain'}`).join(', ')}` };
      }
      case 'reorg': {
        const deep = ctx.reorgs.filter((r) => (c.value.node === undefined || r.node === c.value.node) && r.depth >= c.value.depthAtLeast);
        const all = ctx.reorgs.map((r) => `node ${r.node} ${r.depth} deep`).join(', ');
        return { met: deep.length > 0, seen: ctx.reorgs.length === 0 ? 'no reorg yet' : `reorgs: ${all}` };
      }
      case 'payment': {
        const payment = ctx.payments.get(c.value.label)!;
        const who = list(c.value.nodes);
        const looks = await Promise.all(who.map((n) => paymentAt(ctx.nodes[n]!, payment.txid)));
        const met = looks.every((l) => (c.value.status === 'confirmed' ? l.status === 'confirmed' && l.confirmations >= (c.value.confirmations ?? 1) : l.status === c.value.status));
        const words = looks.map((l, i) => `node ${who[i]}: ${l.status === 'confirmed' ? `confirmed (${l.confirmations})` : l.status === 'pending' ? 'in its mempool' : 'gone (neither in its chain nor its mempool)'}`);
        return { met, seen: `payment ${c.value.label} ${short(payment.txid)}: ${words.join(', ')}` };
      }
      case 'balance': {
        const units = await spendableCoins(nodeAt(ctx, c.value.node));
        return { met: units >= parseCoins(c.value.atLeast), seen: `node ${c.value.node} can spend ${formatCoins(units)} coins` };
      }
    }
  } catch (e) {
    return { met: false, seen: `no answer: ${(e as Error).message}` };
  }
}

function nodeAt(ctx: ConditionContext, index: number): ChildNode {
  const node = ctx.nodes[index];
  if (node === undefined) throw new Error(`there is no node ${index}`);
  return node;
}

function statusOf(ctx: ConditionContext, who: number[]): Promise<Status[]> {
  return Promise.all(who.map((n) => nodeAt(ctx, n).api<Status>('GET', '/status')));
}

async function onActiveChain(node: ChildNode, hash: string): Promise<boolean> {
  try {
    const block = await node.api<{ confirmations: number }>('GET', `/blocks/${hash}`);
    return block.confirmations > 0;
  } catch (e) {
    if (e instanceof NodeApiError && e.status === 404) return false;
    throw e;
  }
}

type PaymentLook = { status: 'confirmed'; confirmations: number } | { status: 'pending' | 'reversed' };

/** paymentAt: confirmed on the node's active chain, pending in its mempool, or gone ("reversed"). */
export async function paymentAt(node: ChildNode, txid: string): Promise<PaymentLook> {
  try {
    const tx = await node.api<TxLookup>('GET', `/tx/${txid}`);
    return tx.status === 'confirmed' ? { status: 'confirmed', confirmations: tx.confirmations } : { status: 'pending' };
  } catch (e) {
    if (e instanceof NodeApiError && e.status === 404) return { status: 'reversed' };
    throw e;
  }
}
