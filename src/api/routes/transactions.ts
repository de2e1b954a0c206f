/**
 * GET /mempool (summary, fee-rate histogram and a page of entries), GET /tx/:txid (from
 * the mempool or the active chain, with confirmations) and POST /tx (a transaction in
 * its canonical encoding, as hex; no token, like Core's sendrawtransaction).
 */
import type { ChainView as Chain } from '../../chain/chain-view.js';
import { bytesToHex, equalBytes, fromDisplayHex, hexToBytes, toDisplayHex, displayHex, type DisplayHex, type Hash32 } from '../../consensus/bytes.js';
import { DecodeError } from '../../consensus/byte-reader.js';
import type { NetworkParams } from '../../consensus/params.js';
import { decodeTx, encodeTx, isCoinbase, txHash, txid as txidOf, type Tx } from '../../consensus/tx.js';
import { formatCoins } from '../../consensus/amount.js';
import { txView } from '../block-view.js';
import { operations } from '../contract/operations.js';
import type { MempoolEntry, TxLookup } from '../contract/responses.js';
import { ApiError, BadRequestError } from '../errors.js';
import type { Routes } from '../route.js';
import type { ApiDeps, MempoolEntryView } from '../services.js';

/** A transaction's hex is at most twice a block's size; a little room for the JSON around it. */
const MAX_TX_BODY = '4mb';

export function mempoolEntryView(entry: MempoolEntryView): MempoolEntry {
  return { txid: entry.txid, fee: formatCoins(entry.fee), feeUnits: entry.fee.toString(), size: entry.size, feeRate: entry.feeRate, time: entry.time, ancestors: entry.ancestors };
}

export class TxNotFoundError extends ApiError {
  constructor(txid: string) {
    super(404, 'tx-not-found', `no transaction ${txid} in the mempool or the active chain`);
  }
}

export function registerTransactionRoutes(routes: Routes, { chain, mempool, params }: ApiDeps): void {
  routes.json(operations.getMempool, ({ query: { from, limit } }) => {
    const info = mempool.info();
    const entries = mempool.entries({ offset: from, limit }).map(mempoolEntryView);
    const next = from + entries.length < info.count ? from + entries.length : null;
    return { ...info, from, limit, next, entries };
  });

  routes.json(operations.getTx, ({ params: { txid } }) => lookupTx(chain, mempool, params, displayHex(txid, 'params.txid')));

  // Only application/json: a cross-site text/plain form cannot send a transaction through a student's browser.
  routes.json(
    operations.sendTx,
    async ({ body: { hex } }) => {
      const tx = parseTxHex(hex);
      const id = txidOf(tx);
      const verdict = await mempool.accept(tx);
      // Sending the same transaction twice is not an error (Core's sendrawtransaction): the caller learns its txid again.
      if (!verdict.ok && verdict.reason !== 'txn-already-in-mempool') {
        throw new BadRequestError(verdict.reason, `transaction ${id} rejected: ${verdict.debug ?? verdict.reason}`);
      }
      return { txid: id };
    },
    { limit: MAX_TX_BODY, jsonOnly: true },
  );
}

/** parseTxHex reads POST /tx's hex: even-length hex, then the strict transaction decoder. */
function parseTxHex(hex: string): Tx {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new BadRequestError('bad-tx-hex', 'body.hex: not an even number of hex digits');
  }
  try {
    return decodeTx(hexToBytes(hex));
  } catch (e) {
    if (e instanceof DecodeError) throw new BadRequestError('bad-txns-encoding', `body.hex does not decode as a transaction: ${e.message}`, { cause: e });
    throw e;
  }
}

async function lookupTx(chain: Chain, mempool: ApiDeps['mempool'], params: NetworkParams, id: DisplayHex): Promise<TxLookup> {
  const entry = mempool.get(id);
  if (entry !== undefined) {
    const bytes = encodeTx(entry.tx);
    return { ...txView(entry.tx, params), hex: bytesToHex(bytes), size: bytes.length, status: 'mempool', confirmations: 0, height: null, blockHash: null, fee: formatCoins(entry.fee) };
  }
  const internal = fromDisplayHex(id, 'txid');
  const blockHash = await chain.getTxBlock(internal);
  if (blockHash === undefined) throw new TxNotFoundError(id);
  const blockId = toDisplayHex(blockHash);
  const block = await chain.getBlock(blockId);
  const index = block?.txs.findIndex((tx) => equalBytes(txHash(tx), internal)) ?? -1;
  const blockEntry = chain.getEntry(blockId);
  // The index and the chain are read at different instants: a reorg in between means "not found", not a crash.
  if (block === undefined || index < 0 || blockEntry === undefined || !chain.isActive(blockEntry)) throw new TxNotFoundError(id);
  const tx = block.txs[index]!;
  const bytes = encodeTx(tx);
  return {
    ...txView(tx, params),
    hex: bytesToHex(bytes),
    size: bytes.length,
    status: 'confirmed',
    confirmations: chain.height - blockEntry.height + 1,
    height: blockEntry.height,
    blockHash: blockEntry.id,
    fee: isCoinbase(tx) ? null : await confirmedFee(chain, blockHash, block.txs, index),
  };
}

/** confirmedFee reads what a confirmed transaction's inputs spent from its block's undo data. */
async function confirmedFee(chain: Chain, blockHash: Hash32, txs: readonly Tx[], index: number): Promise<string | null> {
  const undo = await chain.getUndo(blockHash);
  if (undo === undefined) return null;
  // Undo data lists the spent coins of every non-coinbase input in block order.
  let offset = 0;
  for (let t = 1; t < index; t++) offset += txs[t]!.inputs.length;
  const tx = txs[index]!;
  const valueIn = undo.slice(offset, offset + tx.inputs.length).reduce((sum, s) => sum + s.coin.value, 0n);
  const valueOut = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
  return formatCoins(valueIn - valueOut);
}
