/**
 * Test helper: builds and mines real blocks for a network (regtest difficulty makes
 * mining take a couple of hashes), and signs spends with fixed keys. Used by the chain,
 * storage and crash-safety tests; never by src/.
 */
import type { Block } from '../../src/consensus/block.js';
import { concatBytes, toDisplayHex, ZERO_HASH, hash32, type DisplayHex, type Hash32 } from '../../src/consensus/bytes.js';
import type { Coin, UtxoView } from '../../src/consensus/coin.js';
import { genesisBlock } from '../../src/consensus/genesis.js';
import { headerHash } from '../../src/consensus/header.js';
import { merkleRoot } from '../../src/consensus/merkle.js';
import type { NetworkParams } from '../../src/consensus/params.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { signInput, xOnlyPublicKey } from '../../src/consensus/signature.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import { NULL_INDEX, outpointKey, txHash, type Outpoint, type Tx, type TxOutput } from '../../src/consensus/tx.js';
import { connectBlock } from '../../src/consensus/utxo.js';

/** Fixed private keys (0x01…01, 0x02…02, …) and their x-only public keys. */
export const KEYS = [1, 2, 3, 4].map((b) => {
  const privateKey = new Uint8Array(32).fill(b);
  return { privateKey, pubkey: xOnlyPublicKey(privateKey) };
});

/**
 * testNetwork derives a network from `base` with its own genesis (bits changed, nonce
 * mined here), so tests can run rules regtest switches off, such as retargeting.
 */
export function testNetwork(base: NetworkParams, overrides: Partial<NetworkParams>, genesisBits: number): NetworkParams {
  const params: NetworkParams = { ...base, ...overrides, genesis: { ...base.genesis, bits: genesisBits, nonce: 0, hash: '' } };
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    const header = genesisBlock({ ...params, genesis: { ...params.genesis, nonce } }).header;
    const hash = headerHash(header);
    if (checkProofOfWork(hash, genesisBits, params).ok) {
      return { ...params, genesis: { ...params.genesis, nonce, hash: toDisplayHex(hash) } };
    }
  }
  throw new Error('testNetwork: no genesis nonce found');
}

/** A block with what tests need to build on it. */
export interface MinedBlock {
  block: Block;
  hash: Hash32;
  id: DisplayHex;
  height: number;
}

export function genesisOf(params: NetworkParams): MinedBlock {
  const block = genesisBlock(params);
  const hash = headerHash(block.header);
  return { block, hash, id: toDisplayHex(hash), height: 0 };
}

/** coinbaseTx pays `value` to `pubkey` and commits to `height` (u32 LE) plus an extra nonce. */
export function coinbaseTx(height: number, pubkey: Uint8Array, value: bigint, extraNonce = 0): Tx {
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  view.setUint32(0, height, true);
  view.setUint32(4, extraNonce, true);
  return { version: 1, inputs: [{ prevout: { txHash: hash32(ZERO_HASH.slice()), index: NULL_INDEX }, witness: data }], outputs: [{ value, pubkey }], lockTime: 0 };
}

export interface BlockOptions {
  txs?: Tx[];
  /** fees the coinbase may add to the subsidy */
  fees?: bigint;
  /** override the coinbase value (to break bad-cb-amount) */
  coinbaseValue?: bigint;
  /** override the height the coinbase commits to (to break bad-cb-height) */
  coinbaseHeight?: number;
  pubkey?: Uint8Array;
  /** defaults to parent time + targetSpacing */
  time?: number;
  /** defaults to the parent's bits */
  bits?: number;
  /** makes otherwise equal blocks differ */
  extraNonce?: number;
  /** skip mining (to break high-hash): the nonce is left at whatever fails */
  unmined?: boolean;
}

/** mineBlock builds a block on `parent` and searches a nonce meeting its bits. */
export function mineBlock(params: NetworkParams, parent: MinedBlock, opts: BlockOptions = {}): MinedBlock {
  const height = parent.height + 1;
  const subsidy = blockSubsidy(height, params) + (opts.fees ?? 0n);
  const coinbase = coinbaseTx(opts.coinbaseHeight ?? height, opts.pubkey ?? KEYS[0]!.pubkey, opts.coinbaseValue ?? subsidy, opts.extraNonce ?? 0);
  const txs = [coinbase, ...(opts.txs ?? [])];
  const header = {
    version: 1,
    prevHash: parent.hash,
    merkleRoot: merkleRoot(txs.map(txHash)).root,
    time: opts.time ?? parent.block.header.time + params.targetSpacing,
    bits: opts.bits ?? parent.block.header.bits,
    nonce: 0,
  };
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    header.nonce = nonce;
    const ok = checkProofOfWork(headerHash(header), header.bits, params).ok;
    if (ok !== (opts.unmined === true)) break;
  }
  const block = { header, txs };
  const hash = headerHash(header);
  return { block, hash, id: toDisplayHex(hash), height };
}

/** mineChain mines `count` blocks in a row on `parent`, each with its own options. */
export function mineChain(params: NetworkParams, parent: MinedBlock, count: number, opts: (i: number) => BlockOptions = () => ({})): MinedBlock[] {
  const out: MinedBlock[] = [];
  let tip = parent;
  for (let i = 0; i < count; i++) {
    tip = mineBlock(params, tip, opts(i));
    out.push(tip);
  }
  return out;
}

export interface SpendInput {
  outpoint: Outpoint;
  coin: { value: bigint; pubkey: Uint8Array };
  privateKey: Uint8Array;
}

/** spendTx builds and signs a transaction spending `inputs` to `outputs`. */
export function spendTx(inputs: SpendInput[], outputs: TxOutput[]): Tx {
  const tx: Tx = { version: 1, inputs: inputs.map((i) => ({ prevout: i.outpoint, witness: new Uint8Array(64) })), outputs, lockTime: 0 };
  const spent = inputs.map((i) => i.coin);
  inputs.forEach((input, i) => {
    tx.inputs[i]!.witness = signInput(tx, i, spent, input.privateKey, new Uint8Array(32).fill(i));
  });
  return tx;
}

/** coinbaseOutpoint is output 0 of a block's coinbase. */
export function coinbaseOutpoint(mined: MinedBlock): Outpoint {
  return { txHash: txHash(mined.block.txs[0]!), index: 0 };
}

/**
 * replayUtxo connects `blocks` (heights 1..n of one chain, in order) from an empty set
 * with the consensus code alone: the UTXO set a store must equal after any sequence
 * of connects, disconnects and crashes.
 */
export function replayUtxo(params: NetworkParams, blocks: readonly Block[]): Map<string, Coin> {
  const coins = new Map<string, Coin>();
  const view: UtxoView = { getCoin: (o) => coins.get(outpointKey(o)) };
  blocks.forEach((block, i) => {
    const v = connectBlock(block, i + 1, view, params);
    if (!v.ok) throw new Error(`replay: block ${i + 1} fails: ${v.reason}`);
    for (const c of v.changes) {
      if (c.coin === null) coins.delete(outpointKey(c.outpoint));
      else coins.set(outpointKey(c.outpoint), c.coin);
    }
  });
  return coins;
}

/** describeCoins turns a coin map into sorted comparable strings. */
export function describeCoins(coins: Iterable<[string, Coin]>): string[] {
  return [...coins].map(([k, c]) => `${k} ${c.value} ${toDisplayHex(c.pubkey)} ${c.height} ${c.coinbase}`).sort();
}

export { concatBytes };
