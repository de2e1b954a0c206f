import { expect } from 'chai';
import { Chain } from '../../src/chain/chain.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { COIN } from '../../src/consensus/subsidy.js';
import { txHash as txHashOf } from '../../src/consensus/tx.js';
import { openMemoryStore } from '../../src/storage/level-store.js';
import type { ChainStore } from '../../src/storage/store.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineBlock, mineChain, replayUtxo, describeCoins, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { FAR_FUTURE, indexDifferences, storeCoins } from '../helpers/chain-fixture.js';

const params: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };

/** countingChain: a Chain on a memory store whose batch writes are counted. */
async function countingChain(): Promise<{ chain: Chain; writes: () => number }> {
  const store = await openMemoryStore();
  let writes = 0;
  const counting = new Proxy(store, {
    get(target, key) {
      if (key === 'batch') {
        return () => {
          const batch = target.batch();
          const write = batch.write.bind(batch);
          batch.write = async () => {
            writes++;
            return write();
          };
          return batch;
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as ChainStore;
  const chain = await Chain.open(counting, params, { clock: () => FAR_FUTURE });
  return { chain, writes: () => writes };
}

function spend(of: MinedBlock, value: bigint) {
  const coin = { value: of.block.txs[0]!.outputs[0]!.value, pubkey: KEYS[0]!.pubkey };
  return spendTx([{ outpoint: coinbaseOutpoint(of), coin, privateKey: KEYS[0]!.privateKey }], [{ value, pubkey: KEYS[1]!.pubkey }]);
}

/** A chain of 8 blocks where blocks 4 and 5 spend coinbases the run itself creates (blocks 1 and 2), and block 6 spends block 4's output. */
function chainWithSpends(): MinedBlock[] {
  const blocks = mineChain(params, genesisOf(params), 3);
  const four = mineBlock(params, blocks[2]!, { txs: [spend(blocks[0]!, 49n * COIN)], fees: 1n * COIN });
  const five = mineBlock(params, four, { txs: [spend(blocks[1]!, 48n * COIN)], fees: 2n * COIN });
  const out = four.block.txs[1]!;
  const spendFour = spendTx([{ outpoint: { txHash: txHashOf(out), index: 0 }, coin: { value: 49n * COIN, pubkey: KEYS[1]!.pubkey }, privateKey: KEYS[1]!.privateKey }], [{ value: 47n * COIN, pubkey: KEYS[2]!.pubkey }]);
  const six = mineBlock(params, five, { txs: [spendFour], fees: 2n * COIN });
  return [...blocks, four, five, six, ...mineChain(params, six, 2)];
}

describe('connecting a run of blocks (processBlocks)', () => {
  it('connects a run whose headers it holds in one store write, to the same UTXO set and indexes as one by one', async () => {
    const blocks = chainWithSpends();
    const { chain, writes } = await countingChain();
    await chain.processHeaders(blocks.map((b) => b.block.header));
    const before = writes();
    const outcomes = await chain.processBlocks(blocks.map((b) => b.block));
    expect(outcomes.map((o) => o.status)).to.deep.equal(blocks.map(() => 'connected'));
    expect(writes() - before).to.equal(1);
    expect(chain.tip.id).to.equal(blocks.at(-1)!.id);
    expect(describeCoins(await storeCoins(chain.store))).to.deep.equal(describeCoins(replayUtxo(params, blocks.map((b) => b.block))));
    expect(await indexDifferences(chain.store, blocks)).to.deep.equal([]);
  });

  it('emits blockConnected for each block of the run, in order, then the new tip', async () => {
    const blocks = mineChain(params, genesisOf(params), 5);
    const { chain } = await countingChain();
    await chain.processHeaders(blocks.map((b) => b.block.header));
    const seen: string[] = [];
    chain.on('blockConnected', (e) => seen.push(`connected ${e.height}`));
    chain.on('tip', (e) => seen.push(`tip ${e.height}`));
    await chain.processBlocks(blocks.map((b) => b.block));
    expect(seen).to.deep.equal(['connected 1', 'connected 2', 'connected 3', 'connected 4', 'connected 5', 'tip 5']);
  });

  it('keeps the blocks before one that fails at its connect, and records that one invalid (bad-txns-inputs-missingorspent)', async () => {
    const blocks = mineChain(params, genesisOf(params), 3);
    const good = mineBlock(params, blocks[2]!, { txs: [spend(blocks[0]!, 49n * COIN)], fees: 1n * COIN });
    const twice = mineBlock(params, good, { txs: [spend(blocks[0]!, 48n * COIN)], fees: 2n * COIN });
    const after = mineBlock(params, twice);
    const all = [...blocks, good, twice, after];
    const { chain } = await countingChain();
    await chain.processHeaders(all.map((b) => b.block.header));
    const outcomes = await chain.processBlocks(all.map((b) => b.block));
    expect(outcomes.slice(0, 4).map((o) => o.status)).to.deep.equal(['connected', 'connected', 'connected', 'connected']);
    expect(outcomes[4]).to.deep.include({ status: 'rejected', reason: 'bad-txns-inputs-missingorspent', stage: 'connect' });
    expect(outcomes[5]).to.deep.include({ status: 'rejected', reason: 'duplicate' });
    expect(chain.tip.id).to.equal(good.id);
    expect(describeCoins(await storeCoins(chain.store))).to.deep.equal(describeCoins(replayUtxo(params, [...blocks, good].map((b) => b.block))));
  });

  it('takes blocks without known headers one by one, as processBlock does', async () => {
    const blocks = mineChain(params, genesisOf(params), 4);
    const { chain, writes } = await countingChain();
    const before = writes();
    const outcomes = await chain.processBlocks(blocks.map((b) => b.block));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['connected', 'connected', 'connected', 'connected']);
    expect(writes() - before).to.equal(4);
  });
});
