/**
 * Test and campaign helper: the state a store must hold, computed independently of
 * connectBlock, for the crash test and the crash campaign.
 */
import { expect } from 'chai';
import { toDisplayHex } from '../../src/consensus/bytes.js';
import type { Coin } from '../../src/consensus/coin.js';
import { isCoinbase, outpointKey, txHash } from '../../src/consensus/tx.js';
import type { ChainStore } from '../../src/storage/store.js';
import type { ActiveBlock } from './chain-fixture.js';

/**
 * The UTXO set a store must hold, computed independently of connectBlock: walk the
 * active chain from genesis and, per transaction, delete the coins it spends and add
 * the ones it creates.
 */
export async function replayActiveChain(store: ChainStore): Promise<{ coins: Map<string, Coin>; tip: string; tipStatus: number; height: number; active: ActiveBlock[] }> {
  const records = new Map((await store.loadRecords()).map((r) => [toDisplayHex(r.hash), r]));
  const tipHash = await store.getTip();
  expect(tipHash, 'the store has a tip').to.not.equal(undefined);
  const tip = records.get(toDisplayHex(tipHash!));
  expect(tip, 'the tip has a block record').to.not.equal(undefined);
  const path = [];
  for (let r = tip; r !== undefined && r.height > 0; r = records.get(toDisplayHex(r.header.prevHash))) path.unshift(r);
  expect(path.length).to.equal(tip!.height);
  const coins = new Map<string, Coin>();
  const active: ActiveBlock[] = [];
  for (const record of path) {
    const block = await store.getBlock(record.hash);
    expect(block, `block ${record.height} of the active chain is stored`).to.not.equal(undefined);
    active.push({ block: block!, hash: record.hash, height: record.height });
    for (const [t, tx] of block!.txs.entries()) {
      if (!isCoinbase(tx)) for (const input of tx.inputs) expect(coins.delete(outpointKey(input.prevout))).to.equal(true);
      const txid = txHash(tx);
      tx.outputs.forEach((o, index) => coins.set(outpointKey({ txHash: txid, index }), { value: o.value, pubkey: o.pubkey, height: record.height, coinbase: t === 0 }));
    }
  }
  return { coins, tip: toDisplayHex(tipHash!), tipStatus: tip!.status, height: tip!.height, active };
}

