import { expect } from 'chai';
import { encodeAddress } from '../../src/consensus/address.js';
import { bytesToHex, hash32 } from '../../src/consensus/bytes.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import { MAX_MONEY } from '../../src/consensus/subsidy.js';
import { encodeTx, txid, type Tx } from '../../src/consensus/tx.js';
import { coinbaseOutpoint, genesisOf, KEYS, mineBlock, mineChain, spendTx, type MinedBlock } from '../helpers/blocks.js';
import { startApi, type TestApi } from './api-fixture.js';
import { SseClient } from './sse-client.js';

/** regtest with coinbases spendable two blocks later, so a test needs only a few blocks. */
const params: NetworkParams = { ...regtest, name: 'regtest-quick', coinbaseMaturity: 2 };
const COIN = 100_000_000n;
const SUBSIDY = 50n * COIN;

/** A payment of block `from`'s coinbase (KEYS[0]'s) to KEYS[1], with `fee` left over. */
function pay(from: MinedBlock, value: bigint, fee = 1000n, key = KEYS[0]!): Tx {
  return spendTx([{ outpoint: coinbaseOutpoint(from), coin: { value: SUBSIDY, pubkey: key.pubkey }, privateKey: key.privateKey }], [
    { value, pubkey: KEYS[1]!.pubkey },
    { value: SUBSIDY - value - fee, pubkey: key.pubkey },
  ]);
}

const hex = (tx: Tx): string => bytesToHex(encodeTx(tx));

describe('API: transactions and addresses', () => {
  let api: TestApi;
  let blocks: MinedBlock[];

  beforeEach(async () => {
    api = await startApi({ params });
    blocks = mineChain(params, genesisOf(params), 4);
    for (const b of blocks) expect((await api.chain.processBlock(b.block)).status).to.equal('connected');
  });
  afterEach(async () => api.close());

  async function postTx(body: unknown): Promise<{ status: number; json: any }> {
    const res = await api.send('POST', '/tx', body, null);
    return { status: res.status, json: await res.json() };
  }

  async function expectRejected(body: unknown, code: string): Promise<void> {
    const before = await api.getJson('/mempool');
    const { status, json } = await postTx(body);
    expect(status, JSON.stringify(json)).to.equal(400);
    expect(json.error.code).to.equal(code);
    expect(json.error.message).to.be.a('string').and.not.contain('    at ');
    const after = await api.getJson('/mempool');
    expect(after.count).to.equal(before.count);
    expect(after.entries.map((e: any) => e.txid)).to.deep.equal(before.entries.map((e: any) => e.txid));
  }

  it('takes a signed transaction without a token, shows it in /mempool, /tx and /status, and again after it is confirmed', async () => {
    const tx = pay(blocks[0]!, 10n * COIN, 2000n);
    const { status, json } = await postTx({ hex: hex(tx) });
    expect(status, JSON.stringify(json)).to.equal(200);
    expect(json).to.deep.equal({ txid: txid(tx) });

    const pool = await api.getJson('/mempool');
    expect(pool.count).to.equal(1);
    expect(pool.bytes).to.equal(encodeTx(tx).length);
    expect(pool.entries).to.have.length(1);
    expect(pool.entries[0]).to.include({ txid: txid(tx), fee: '0.00002000', size: encodeTx(tx).length });
    expect(pool.histogram.reduce((n: number, b: any) => n + b.count, 0)).to.equal(1);
    expect((await api.getJson('/status')).mempool).to.deep.equal({ count: 1, bytes: encodeTx(tx).length });

    const pending = await api.getJson(`/tx/${txid(tx)}`);
    expect(pending).to.include({ txid: txid(tx), status: 'mempool', confirmations: 0, height: null, blockHash: null, fee: '0.00002000', hex: hex(tx) });
    expect(pending.outputs[0]).to.include({ value: '10.00000000', address: encodeAddress(KEYS[1]!.pubkey, params) });

    // Sending it again is not an error: the caller learns the same txid.
    expect((await postTx({ hex: hex(tx) })).json).to.deep.equal({ txid: txid(tx) });

    const block = mineBlock(params, blocks[3]!, { txs: [tx], fees: 2000n });
    expect((await api.chain.processBlock(block.block)).status).to.equal('connected');
    await api.mempool.idle();
    expect((await api.getJson('/mempool')).count).to.equal(0);
    const confirmed = await api.getJson(`/tx/${txid(tx)}`);
    expect(confirmed).to.include({ status: 'confirmed', confirmations: 1, height: 5, blockHash: block.id, fee: '0.00002000' });
  });

  it('announces a transaction entering and leaving the mempool over GET /events', async () => {
    const client = await SseClient.open(`${api.url}/events`);
    try {
      await client.ready();
      const tx = pay(blocks[0]!, COIN, 3000n);
      expect((await postTx({ hex: hex(tx) })).status).to.equal(200);
      expect((await client.waitForEvent('tx')).data).to.include({ txid: txid(tx), fee: '0.00003000', size: encodeTx(tx).length });
      const block = mineBlock(params, blocks[3]!, { txs: [tx], fees: 3000n });
      await api.chain.processBlock(block.block);
      expect((await client.waitForEvent('tx-removed')).data).to.deep.equal({ txid: txid(tx), reason: 'confirmed' });
    } finally {
      client.close();
    }
  });

  it('answers 404 tx-not-found for an unknown txid and 400 for one that is not 64 hex digits', async () => {
    const res = await api.get(`/tx/${'ab'.repeat(32)}`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as any).error.code).to.equal('tx-not-found');
    const bad = await api.get('/tx/xyz');
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as any).error.code).to.equal('bad-request');
  });

  describe('refuses bad transactions with a named code and leaves the mempool unchanged', () => {
    it('malformed hex and bytes that do not decode', async () => {
      await expectRejected({ hex: 'abc' }, 'bad-tx-hex');
      await expectRejected({ hex: 'zz' }, 'bad-tx-hex');
      await expectRejected({ hex: 'deadbeef' }, 'bad-txns-encoding');
      await expectRejected({ hex: hex(pay(blocks[0]!, COIN)) + '00' }, 'bad-txns-encoding');
      await expectRejected({ hex: 42 }, 'bad-request');
      await expectRejected('not json', 'bad-json');
    });

    it('a bad signature', async () => {
      const tx = pay(blocks[0]!, COIN);
      tx.inputs[0]!.witness = tx.inputs[0]!.witness.slice();
      tx.inputs[0]!.witness[5]! ^= 1;
      await expectRejected({ hex: hex(tx) }, 'bad-txns-sig');
    });

    it('a signature by the wrong key', async () => {
      await expectRejected({ hex: hex(pay(blocks[0]!, COIN, 1000n, KEYS[2]!)) }, 'bad-txns-sig');
    });

    it('spending an immature coinbase', async () => {
      // Block 4's coinbase is one block deep: the next block is only its second.
      await expectRejected({ hex: hex(pay(blocks[3]!, COIN)) }, 'bad-txns-premature-spend-of-coinbase');
    });

    it('spending the same coin twice within one transaction', async () => {
      const input = { outpoint: coinbaseOutpoint(blocks[0]!), coin: { value: SUBSIDY, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey };
      await expectRejected({ hex: hex(spendTx([input, input], [{ value: COIN, pubkey: KEYS[1]!.pubkey }])) }, 'bad-txns-inputs-duplicate');
    });

    it('amounts out of range', async () => {
      const input = { outpoint: coinbaseOutpoint(blocks[0]!), coin: { value: SUBSIDY, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey };
      await expectRejected({ hex: hex(spendTx([input], [{ value: MAX_MONEY + 1n, pubkey: KEYS[1]!.pubkey }])) }, 'bad-txns-vout-toolarge');
      await expectRejected({ hex: hex(spendTx([input], [{ value: SUBSIDY + 1n, pubkey: KEYS[1]!.pubkey }])) }, 'bad-txns-in-belowout');
    });

    it('a coin that does not exist, and a conflict with a transaction already in the pool (first seen wins)', async () => {
      const missing = spendTx([{ outpoint: { txHash: hash32(new Uint8Array(32).fill(7)), index: 0 }, coin: { value: SUBSIDY, pubkey: KEYS[0]!.pubkey }, privateKey: KEYS[0]!.privateKey }], [{ value: COIN, pubkey: KEYS[1]!.pubkey }]);
      await expectRejected({ hex: hex(missing) }, 'bad-txns-inputs-missingorspent');
      const first = pay(blocks[0]!, COIN);
      expect((await postTx({ hex: hex(first) })).status).to.equal(200);
      await expectRejected({ hex: hex(pay(blocks[0]!, 2n * COIN)) }, 'txn-mempool-conflict');
      expect((await api.getJson('/mempool')).entries.map((e: any) => e.txid)).to.deep.equal([txid(first)]);
    });
  });

  describe('GET /address/:address', () => {
    it('splits the balance into spendable, immature and unconfirmed, and lists coins and history', async () => {
      const alice = encodeAddress(KEYS[0]!.pubkey, params);
      const bob = encodeAddress(KEYS[1]!.pubkey, params);
      const before = await api.getJson(`/address/${alice}`);
      // Blocks 1–4 pay Alice; at height 4 the next block is 5, so blocks 1–3 are mature (depth ≥ 2).
      expect(before.balance).to.deep.equal({ confirmed: '200.00000000', immature: '50.00000000', spendable: '150.00000000', unconfirmed: '0.00000000' });
      expect(before.coins).to.have.length(4);
      expect(before.history.items.map((h: any) => h.height)).to.deep.equal([4, 3, 2, 1]);

      const tx = pay(blocks[0]!, 10n * COIN, 1000n);
      expect((await postTx({ hex: hex(tx) })).status).to.equal(200);

      const aliceNow = await api.getJson(`/address/${alice}`);
      // Block 1's coin is spent by the pending payment; its change is unconfirmed.
      expect(aliceNow.balance).to.deep.equal({ confirmed: '200.00000000', immature: '50.00000000', spendable: '100.00000000', unconfirmed: '39.99999000' });
      expect(aliceNow.coins.find((c: any) => c.height === 1).spentBy).to.equal(txid(tx));
      expect(aliceNow.history.items[0]).to.deep.equal({ txid: txid(tx), height: null, blockHash: null, confirmations: 0 });
      expect(aliceNow.history.total).to.equal(5);

      const bobNow = await api.getJson(`/address/${bob}`);
      expect(bobNow.balance).to.deep.equal({ confirmed: '0.00000000', immature: '0.00000000', spendable: '0.00000000', unconfirmed: '10.00000000' });
      expect(bobNow.pending).to.deep.equal([{ txid: txid(tx), index: 0, value: '10.00000000', units: '1000000000' }]);

      const block = mineBlock(params, blocks[3]!, { txs: [tx], fees: 1000n, pubkey: KEYS[2]!.pubkey });
      expect((await api.chain.processBlock(block.block)).status).to.equal('connected');
      await api.mempool.idle();
      const bobAfter = await api.getJson(`/address/${bob}`);
      expect(bobAfter.balance).to.deep.equal({ confirmed: '10.00000000', immature: '0.00000000', spendable: '10.00000000', unconfirmed: '0.00000000' });
      expect(bobAfter.history.items).to.deep.equal([{ txid: txid(tx), height: 5, blockHash: block.id, confirmations: 1 }]);
      expect(bobAfter.coins[0]).to.include({ txid: txid(tx), index: 0, units: '1000000000', coinbase: false, mature: true, spentBy: null });
    });

    it('pages the history and refuses another network\'s address or garbage with invalid-address', async () => {
      const alice = encodeAddress(KEYS[0]!.pubkey, params);
      const page = await api.getJson(`/address/${alice}?from=1&limit=2`);
      expect(page.history).to.deep.include({ total: 4, from: 1, limit: 2 });
      expect(page.history.items.map((h: any) => h.height)).to.deep.equal([3, 2]);
      for (const bad of [encodeAddress(KEYS[0]!.pubkey, { addressPrefix: 'tc' }), 'hello']) {
        const res = await api.get(`/address/${bad}`);
        expect(res.status).to.equal(400);
        expect(((await res.json()) as any).error.code).to.equal('invalid-address');
      }
    });

    it('pages the coins (coinsFrom, coinsLimit) while the balance still counts every coin', async () => {
      const alice = encodeAddress(KEYS[0]!.pubkey, params);
      const all = await api.getJson(`/address/${alice}`);
      expect(all.coinsPage.total).to.equal(4);
      const page = await api.getJson(`/address/${alice}?coinsFrom=1&coinsLimit=2`);
      expect(page.coins.map((c: any) => `${c.txid}:${c.index}`)).to.deep.equal(all.coins.slice(1, 3).map((c: any) => `${c.txid}:${c.index}`));
      expect(page.coinsPage).to.deep.equal({ total: 4, from: 1, limit: 2 });
      expect(page.balance).to.deep.equal(all.balance);
      expect(page.balance.confirmed).to.equal('200.00000000');
    });
  });
});
