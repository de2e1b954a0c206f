import { expect } from 'chai';
import { encodeAddress } from '../../src/consensus/address.js';
import { bytesToHex, fromDisplayHex } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { encodeTx, txid, type Tx } from '../../src/consensus/tx.js';
import { KEYS, spendTx } from '../helpers/blocks.js';
import { EventStream, NodeCluster, sameTip, waitFor, type NodeProcess } from '../helpers/node-process.js';

const COIN = 100_000_000n;
const SUBSIDY = 50n * COIN;
/** KEYS[0] is the payer: blocks 1–103 pay it, so the coinbases of heights 1–4 can be spent in block 104 (regtest maturity 100). */
const FUNDED = 103;
const PAYER = KEYS[0]!;
const payerAddress = encodeAddress(PAYER.pubkey, regtest);

/** pay spends the coinbase of block `height` (which paid PAYER) to KEYS[recipient]. */
async function pay(node: NodeProcess, height: number, value: bigint, recipient = 1): Promise<Tx> {
  const block = await node.api('GET', `/blocks/${height}`);
  expect(block.status).to.equal(200);
  const coinbase = block.body.txs[0];
  return spendTx([{ outpoint: { txHash: fromDisplayHex(coinbase.txid), index: 0 }, coin: { value: SUBSIDY, pubkey: PAYER.pubkey }, privateKey: PAYER.privateKey }], [
    { value, pubkey: KEYS[recipient]!.pubkey },
    { value: SUBSIDY - value - 10_000n, pubkey: PAYER.pubkey },
  ]);
}

async function send(node: NodeProcess, tx: Tx): Promise<void> {
  const res = await node.api('POST', '/tx', { hex: bytesToHex(encodeTx(tx)) }, false);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  expect(res.body.txid).to.equal(txid(tx));
}

const inMempool = async (node: NodeProcess, id: string): Promise<boolean> => (await node.api('GET', `/tx/${id}`)).body?.status === 'mempool';
const mempoolIds = async (node: NodeProcess): Promise<string[]> => (await node.api('GET', '/mempool')).body.entries.map((e: { txid: string }) => e.txid);


async function split(b: NodeProcess, a: NodeProcess): Promise<void> {
  // b holds the persistent link to a: unplugging b splits the pair, and replugging dials at once.
  expect((await b.api('POST', '/network', { active: false })).status).to.equal(200);
  await waitFor('the split', async () => (await a.status()).peers === 0 && (await b.status()).peers === 0);
}

describe('transactions across node processes', function () {
  this.timeout(180_000);
  const cluster = new NodeCluster();
  let a: NodeProcess;
  let b: NodeProcess;

  beforeEach(async () => {
    a = await cluster.start('a');
    b = await cluster.start('b', { peers: [a.p2pUrl] });
    await waitFor('a and b to connect', async () => (await b.status()).peers === 1);
    await a.generate(FUNDED, payerAddress);
    await sameTip([a, b], 'b to sync the funding blocks');
  });
  afterEach(() => cluster.cleanup());

  it('relays a transaction sent to one node into the other\'s mempool, and both drop it once a block confirms it', async () => {
    const tx = await pay(a, 1, 10n * COIN);
    await send(a, tx);
    await waitFor('the transaction to reach b', () => inMempool(b, txid(tx)));
    // b mines it: the template takes transactions from b's mempool.
    const [hash] = await b.generate(1);
    await sameTip([a, b], 'the confirming block to reach a');
    for (const node of [a, b]) {
      await waitFor(`${node.name}'s mempool to empty`, async () => (await mempoolIds(node)).length === 0);
      expect((await node.api('GET', `/tx/${txid(tx)}`)).body).to.include({ status: 'confirmed', blockHash: hash, confirmations: 1 });
    }
    const recipient = await b.api('GET', `/address/${encodeAddress(KEYS[1]!.pubkey, regtest)}`);
    expect(recipient.body.balance).to.include({ confirmed: '10.00000000', spendable: '10.00000000' });
  });

  it('returns a confirmed payment whose block is orphaned to the mempool, and confirms it again on the winning branch', async () => {
    await split(b, a);
    const tx = await pay(a, 2, 5n * COIN);
    await send(a, tx);
    const [paid] = await a.generate(1);
    expect((await a.api('GET', `/tx/${txid(tx)}`)).body).to.include({ status: 'confirmed', blockHash: paid });
    // b, alone, mines two blocks without the payment: more work.
    const winning = await b.generate(2);

    const events = new EventStream(`${a.apiUrl}/events`);
    try {
      await events.ready;
      expect((await b.api('POST', '/network', { active: true })).status).to.equal(200);
      expect(await sameTip([a, b], 'both on the branch with more work')).to.equal(winning[1]);
      const reorg = await waitFor('a to report the reorg', () => events.of('reorg')[0]);
      expect(reorg.depth).to.equal(1);
      await waitFor('the payment back in a\'s mempool', () => inMempool(a, txid(tx)));
      await waitFor('the payment relayed to b', () => inMempool(b, txid(tx)));
    } finally {
      await events.close();
    }
    const [again] = await b.generate(1);
    await sameTip([a, b], 'the new confirming block on both');
    for (const node of [a, b]) {
      expect((await node.api('GET', `/tx/${txid(tx)}`)).body).to.include({ status: 'confirmed', blockHash: again, height: FUNDED + 3 });
    }
  });

  it('settles a double spend sent to both sides of a split: exactly one is confirmed, the other is gone from every mempool', async () => {
    await split(b, a);
    const toBob = await pay(a, 3, 7n * COIN, 1);
    const toCarol = await pay(b, 3, 8n * COIN, 2);
    await send(a, toBob);
    await send(b, toCarol);
    // Each side refuses the other's spend of the same coin: first seen wins.
    const conflict = await a.api('POST', '/tx', { hex: bytesToHex(encodeTx(toCarol)) }, false);
    expect([conflict.status, conflict.body.error.code]).to.deep.equal([400, 'txn-mempool-conflict']);
    await a.generate(1);
    await b.generate(2);

    expect((await b.api('POST', '/network', { active: true })).status).to.equal(200);
    await sameTip([a, b], 'both on b\'s heavier branch');
    for (const node of [a, b]) {
      expect((await node.api('GET', `/tx/${txid(toCarol)}`)).body).to.include({ status: 'confirmed' });
      await waitFor(`the losing spend gone from ${node.name}`, async () => (await node.api('GET', `/tx/${txid(toBob)}`)).status === 404);
      expect(await mempoolIds(node)).to.not.include(txid(toBob));
    }
  });
});
