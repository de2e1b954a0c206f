/**
 * The JSON view of blocks and transactions: display hex for hashes and txids,
 * coin strings for values, addresses for output keys. JSON is a view for humans and
 * scripts; the canonical form stays binary.
 */
import { encodeAddress } from '../consensus/address.js';
import type { Block } from '../consensus/block.js';
import { encodeBlock } from '../consensus/block.js';
import { bytesToHex, toDisplayHex } from '../consensus/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { isCoinbase, txid, type Tx } from '../consensus/tx.js';
import type { ChainEntry } from '../chain/block-index.js';
import type { ChainView } from '../chain/chain-view.js';
import { formatCoins } from '../consensus/amount.js';
import { chainworkHex, difficultyOf, type DifficultyView } from './difficulty.js';

export interface BlockSummary {
  hash: string;
  height: number;
  time: number;
  bits: string;
  chainwork: string;
  txCount: number;
  size: number;
}

export interface TxView {
  txid: string;
  coinbase: boolean;
  version: number;
  lockTime: number;
  inputs: Array<{ coinbase: string } | { prevout: { txid: string; index: number }; signature: string }>;
  outputs: Array<{ index: number; value: string; units: string; address: string }>;
}

export interface BlockView extends BlockSummary {
  version: number;
  prevHash: string;
  merkleRoot: string;
  nonce: number;
  difficulty: DifficultyView;
  /** on the active chain: tip height - height + 1; off it, -1 (as Core's getblock) */
  confirmations: number;
  inActiveChain: boolean;
  /** the next block on the active chain, if any */
  nextHash: string | null;
  txs: TxView[];
}

export function blockSummary(entry: ChainEntry, block: Block): BlockSummary {
  return {
    hash: entry.id,
    height: entry.height,
    time: entry.header.time,
    bits: entry.header.bits.toString(16).padStart(8, '0'),
    chainwork: chainworkHex(entry.chainwork),
    txCount: block.txs.length,
    size: encodeBlock(block).length,
  };
}

export function blockView(chain: ChainView, entry: ChainEntry, block: Block, params: NetworkParams): BlockView {
  const active = chain.isActive(entry);
  const next = active ? chain.getEntryAtHeight(entry.height + 1) : undefined;
  return {
    ...blockSummary(entry, block),
    version: entry.header.version,
    prevHash: toDisplayHex(entry.header.prevHash),
    merkleRoot: toDisplayHex(entry.header.merkleRoot),
    nonce: entry.header.nonce,
    difficulty: difficultyOf(entry.header.bits, params.powLimit),
    confirmations: active ? chain.height - entry.height + 1 : -1,
    inActiveChain: active,
    nextHash: next?.id ?? null,
    txs: block.txs.map((tx) => txView(tx, params)),
  };
}

export function txView(tx: Tx, params: NetworkParams): TxView {
  const coinbase = isCoinbase(tx);
  return {
    txid: txid(tx),
    coinbase,
    version: tx.version,
    lockTime: tx.lockTime,
    inputs: tx.inputs.map((input) =>
      coinbase
        ? { coinbase: bytesToHex(input.witness) }
        : { prevout: { txid: toDisplayHex(input.prevout.txHash), index: input.prevout.index }, signature: bytesToHex(input.witness) },
    ),
    outputs: tx.outputs.map((output, index) => ({
      index,
      value: formatCoins(output.value),
      units: output.value.toString(),
      address: encodeAddress(output.pubkey, params),
    })),
  };
}
