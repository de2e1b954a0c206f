/** Test fixture: a Chain over a memory store with matured coinbase coins, and a Mempool following it. */
import { expect } from 'chai';
import type { Chain, ChainOptions } from '../../src/chain/chain.js';
import { viewOf } from '../../src/chain/chain-view.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { txHash, type Outpoint, type Tx } from '../../src/consensus/tx.js';
import { Mempool, type MempoolOptions } from '../../src/mempool/mempool.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineChain, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { memoryChain } from '../helpers/chain-fixture.js';

/** regtest with a coinbase maturity of 2, so a few blocks give spendable coins. */
export const params: NetworkParams = { ...regtest, name: 'regtest-mempool', coinbaseMaturity: 2 };

/** A coin the tests can spend: where it is, what it holds, and the key that unlocks it. */
export interface TestCoin {
  outpoint: Outpoint;
  value: bigint;
  key: (typeof KEYS)[number];
}

export interface PoolFixture {
  chain: Chain;
  mempool: Mempool;
  blocks: MinedBlock[];
  /** the coinbase coin of each block (index i is block i + 1); the last two are immature */
  coinbases: TestCoin[];
}

/** poolWith mines `blocks` blocks onto a fresh chain and opens a mempool on it. */
export async function poolWith(
  blocks: number,
  options: Partial<Omit<MempoolOptions, 'chain'>> = {},
  chainOptions: ChainOptions = {},
): Promise<PoolFixture> {
  const chain = await memoryChain(params, chainOptions);
  const mined = mineChain(params, genesisOf(params), blocks);
  for (const b of mined) expect((await chain.processBlock(b.block)).status).to.equal('connected');
  // The chain's own verifier and cache, as a node shares its own between the two.
  const mempool = new Mempool({ chain: viewOf(chain), params: chain.params, signatureVerifier: chain.signatureVerifier, verifiedTxs: chain.verifiedTxs, clock: () => 1_000_000, ...options });
  const coinbases = mined.map((b) => ({ outpoint: coinbaseOutpoint(b), value: b.block.txs[0]!.outputs[0]!.value, key: KEYS[0]! }));
  return { chain, mempool, blocks: mined, coinbases };
}

/**
 * spend signs a transaction spending `coins` to `outputs` outputs of equal value (to
 * KEYS[1] unless `to` says otherwise), paying `fee`.
 */
export function spend(coins: TestCoin[], fee: bigint, opts: { outputs?: number; to?: (typeof KEYS)[number] } = {}): Tx {
  const n = opts.outputs ?? 1;
  const to = opts.to ?? KEYS[1]!;
  const total = coins.reduce((s, c) => s + c.value, 0n) - fee;
  const each = total / BigInt(n);
  const outputs = Array.from({ length: n }, (_, i) => ({ value: i === 0 ? total - each * BigInt(n - 1) : each, pubkey: to.pubkey }));
  return spendTx(
    coins.map((c) => ({ outpoint: c.outpoint, coin: { value: c.value, pubkey: c.key.pubkey }, privateKey: c.key.privateKey })),
    outputs,
  );
}

/** outputOf is output `index` of `tx` as a coin, locked to `key` (KEYS[1] by default, as spend() pays). */
export function outputOf(tx: Tx, index = 0, key: (typeof KEYS)[number] = KEYS[1]!): TestCoin {
  return { outpoint: { txHash: txHash(tx), index }, value: tx.outputs[index]!.value, key };
}

/** snapshot is what a rejection must leave unchanged. */
export function snapshot(mempool: Mempool): unknown {
  return { info: mempool.info(), txids: mempool.entries().map((e) => e.txid) };
}
