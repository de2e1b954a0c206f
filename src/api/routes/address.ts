/**
 * GET /address/:address — what one address holds: its balance (confirmed, immature,
 * spendable, unconfirmed), its confirmed coins, the mempool outputs paying it, and its
 * history (mempool first, then the active chain newest first), paged. Read from the
 * store's address index and the mempool; a wallet needs nothing else to spend.
 */
import type { ChainView as Chain } from '../../chain/chain-view.js';
import { equalBytes, toDisplayHex } from '../../consensus/bytes.js';
import type { SpentCoin } from '../../consensus/coin.js';
import type { NetworkParams } from '../../consensus/params.js';
import { txHash } from '../../consensus/tx.js';
import { formatCoins } from '../../consensus/amount.js';
import { decodeAddress } from '../../consensus/address.js';
import { operations } from '../contract/operations.js';
import type { AddressCoin as CoinView, HistoryItem, PendingOutput } from '../contract/responses.js';
import type { Routes } from '../route.js';
import type { ApiDeps, MempoolEntryView, MempoolView } from '../services.js';

export function registerAddressRoutes(routes: Routes, { chain, mempool, params }: ApiDeps): void {
  routes.json(operations.getAddress, async ({ params: { address }, query: { from, limit, coinsFrom, coinsLimit } }) => {
    // A refusal is an AddressError: ApiError.from makes it 400 invalid-address.
    const pubkey = decodeAddress(address, params);
    // Read the tip first: a block connected while we read only makes coins look one confirmation younger.
    const height = chain.height;
    // The coins stream from the store: the balance adds up all of them, but only the page
    // asked for (and the few the mempool spends) is held, however many the address has.
    const page: CoinView[] = [];
    const spentByPool: CoinView[] = [];
    const totals = { confirmed: 0n, immature: 0n, spendable: 0n };
    let total = 0;
    for await (const spent of chain.eachAddressCoin(pubkey)) {
      const coin = coinView(spent, height, params, mempool);
      totals.confirmed += spent.coin.value;
      if (!coin.mature) totals.immature += spent.coin.value;
      else if (coin.spentBy === null) totals.spendable += spent.coin.value;
      if (coin.spentBy !== null) spentByPool.push(coin);
      if (total >= coinsFrom && page.length < coinsLimit) page.push(coin);
      total++;
    }
    // One snapshot of the pool for both readings, so they agree with each other.
    const entries = mempool.entries();
    const pending = pendingOutputs(entries, mempool, pubkey);
    const history = [...mempoolHistory(entries, pubkey, spentByPool), ...(await chainHistory(chain, pubkey, height))];

    return {
      address,
      height,
      balance: {
        confirmed: formatCoins(totals.confirmed),
        immature: formatCoins(totals.immature),
        spendable: formatCoins(totals.spendable),
        unconfirmed: formatCoins(pending.reduce((s, c) => s + BigInt(c.units), 0n)),
      },
      coins: page,
      coinsPage: { total, from: coinsFrom, limit: coinsLimit },
      pending,
      history: { total: history.length, from, limit, items: history.slice(from, from + limit) },
    };
  });
}

function coinView({ outpoint, coin }: SpentCoin, tipHeight: number, params: NetworkParams, mempool: MempoolView): CoinView {
  // A coinbase output may be spent in a block at least coinbaseMaturity above it (checkTxInputs).
  const mature = !coin.coinbase || tipHeight + 1 - coin.height >= params.coinbaseMaturity;
  return {
    txid: toDisplayHex(outpoint.txHash),
    index: outpoint.index,
    value: formatCoins(coin.value),
    units: coin.value.toString(),
    height: coin.height,
    coinbase: coin.coinbase,
    confirmations: tipHeight - coin.height + 1,
    mature,
    spentBy: mempool.spender(outpoint) ?? null,
  };
}

/** Outputs of mempool transactions paying `pubkey` that no other mempool transaction spends yet. */
function pendingOutputs(entries: readonly MempoolEntryView[], mempool: MempoolView, pubkey: Uint8Array): PendingOutput[] {
  const out: PendingOutput[] = [];
  for (const entry of entries) {
    const txid = entry.txid;
    for (const [index, output] of entry.tx.outputs.entries()) {
      if (!equalBytes(output.pubkey, pubkey)) continue;
      if (mempool.spender({ txHash: txHash(entry.tx), index }) !== undefined) continue;
      out.push({ txid, index, value: formatCoins(output.value), units: output.value.toString() });
    }
  }
  return out;
}

/** Mempool transactions that pay `pubkey` or spend one of its coins: `spent` holds its confirmed coins the pool spends. */
function mempoolHistory(entries: readonly MempoolEntryView[], pubkey: Uint8Array, spent: readonly CoinView[]): HistoryItem[] {
  const owned = new Set(spent.map((c) => `${c.txid}:${c.index}`));
  for (const entry of entries) {
    entry.tx.outputs.forEach((o, index) => {
      if (equalBytes(o.pubkey, pubkey)) owned.add(`${entry.txid}:${index}`);
    });
  }
  const items: HistoryItem[] = [];
  for (const entry of entries) {
    const pays = entry.tx.outputs.some((o) => equalBytes(o.pubkey, pubkey));
    const spends = entry.tx.inputs.some((i) => owned.has(`${toDisplayHex(i.prevout.txHash)}:${i.prevout.index}`));
    if (pays || spends) items.push({ txid: entry.txid, height: null, blockHash: null, confirmations: 0 });
  }
  return items;
}

async function chainHistory(chain: Chain, pubkey: Uint8Array, tipHeight: number): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  for (const { height, txHash } of (await chain.addressHistory(pubkey)).reverse()) {
    // Entries above the height read at the start belong to a block connected since: left for the next call.
    if (height > tipHeight) continue;
    const entry = chain.getEntryAtHeight(height);
    items.push({ txid: toDisplayHex(txHash), height, blockHash: entry?.id ?? null, confirmations: tipHeight - height + 1 });
  }
  return items;
}
