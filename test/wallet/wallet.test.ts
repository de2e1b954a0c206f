import { expect } from 'chai';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { AddressError } from '../../src/consensus/address.js';
import { demo, regtest } from '../../src/consensus/params.js';
import { checkTxSignatures } from '../../src/consensus/tx-check.js';
import { decodeTx } from '../../src/consensus/tx.js';
import { formatCoins } from '../../src/consensus/amount.js';
import { InsufficientFundsError } from '../../wallet/coin-selection.js';
import { CHANGE_CHAIN, RECEIVE_CHAIN } from '../../wallet/keys.js';
import { NodeError, type AddressInfo, type NodeClient, type TxInfo } from '../../wallet/node-client.js';
import { discoverAddresses, getBalance, getHistory, Keyring, newReceiveAddress, send, SETTLED_CONFIRMATIONS } from '../../wallet/wallet.js';
import type { WalletData } from '../../wallet/wallet-file.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const C = 100_000_000n;
const hash = (n: number) => n.toString(16).padStart(64, '0');

type FakeCoin = AddressInfo['coins'][number];

/** A node below the unit: canned /address and /tx answers, and a record of broadcasts. */
class FakeNode implements NodeClient {
  readonly addresses = new Map<string, AddressInfo>();
  readonly txs = new Map<string, TxInfo>();
  readonly broadcast: string[] = [];
  reject: string | undefined;
  /** the tip height /status reports; undefined: the field is left out */
  tipHeight: number | undefined;
  constructor(readonly network = 'regtest') {}
  async status() {
    return this.tipHeight === undefined ? { network: this.network } : { network: this.network, height: this.tipHeight };
  }
  async address(address: string, from: number, limit: number): Promise<AddressInfo> {
    const info = this.addresses.get(address) ?? empty(address);
    return { ...info, history: { ...info.history, from, limit, items: info.history.items.slice(from, from + limit) } };
  }
  async tx(txid: string) {
    return this.txs.get(txid);
  }
  async sendTx(hex: string) {
    if (this.reject !== undefined) throw new NodeError(this.reject, `the node refused: ${this.reject}`);
    this.broadcast.push(hex);
    return 'ignored';
  }
  put(address: string, coins: FakeCoin[], history: AddressInfo['history']['items'] = [], unconfirmed = 0n): void {
    const sum = (f: (c: FakeCoin) => boolean) => formatCoins(coins.filter(f).reduce((s, c) => s + BigInt(c.units), 0n));
    this.addresses.set(address, {
      address,
      balance: {
        confirmed: sum(() => true),
        immature: sum((c) => !c.mature),
        spendable: sum((c) => c.mature && c.spentBy === null),
        unconfirmed: formatCoins(unconfirmed),
      },
      coins,
      history: { total: history.length, from: 0, limit: 50, items: history },
    });
  }
}

function empty(address: string): AddressInfo {
  const zero = '0.00000000';
  return { address, balance: { confirmed: zero, immature: zero, spendable: zero, unconfirmed: zero }, coins: [], history: { total: 0, from: 0, limit: 50, items: [] } };
}

function coinOf(n: number, units: bigint, extra: Partial<FakeCoin> = {}): FakeCoin {
  return { txid: hash(n), index: 0, units: units.toString(), height: n, coinbase: true, confirmations: 200, mature: true, spentBy: null, ...extra };
}

function walletData(): WalletData {
  return { network: 'regtest', mnemonic: MNEMONIC, passphrase: '', nextReceive: 0, nextChange: 0, sent: [] };
}

describe('wallet', () => {
  const keyring = new Keyring(walletData(), regtest);
  const friend = keyring.key(RECEIVE_CHAIN, 50).address;

  it('issues receive addresses in order on m/86\'/1\'/0\'/0/i', () => {
    const data = walletData();
    expect(newReceiveAddress(data, keyring)).to.equal(keyring.key(RECEIVE_CHAIN, 0).address);
    expect(newReceiveAddress(data, keyring)).to.equal(keyring.key(RECEIVE_CHAIN, 1).address);
    expect(data.nextReceive).to.equal(2);
    expect(keyring.key(RECEIVE_CHAIN, 0).path).to.equal("m/86'/1'/0'/0/0");
  });

  it('adds up the balance of every issued address, receive and change', async () => {
    const node = new FakeNode();
    const data = { ...walletData(), nextReceive: 2, nextChange: 1 };
    node.put(keyring.key(RECEIVE_CHAIN, 0).address, [coinOf(1, 50n * C), coinOf(2, 50n * C, { mature: false })]);
    node.put(keyring.key(RECEIVE_CHAIN, 1).address, [coinOf(3, 5n * C, { spentBy: hash(9) })], [], 2n * C);
    node.put(keyring.key(CHANGE_CHAIN, 0).address, [coinOf(4, 1n * C, { coinbase: false })]);
    node.put(keyring.key(RECEIVE_CHAIN, 2).address, [coinOf(5, 1000n * C)]); // not issued: not counted
    expect(await getBalance(node, data, keyring)).to.deep.equal({ confirmed: 106n * C, immature: 50n * C, spendable: 51n * C, unconfirmed: 2n * C });
  });

  describe('send', () => {
    function funded(): { node: FakeNode; data: WalletData } {
      const node = new FakeNode();
      const data = { ...walletData(), nextReceive: 1 };
      node.put(keyring.key(RECEIVE_CHAIN, 0).address, [
        coinOf(1, 50n * C),
        coinOf(2, 50n * C, { mature: false }),
        coinOf(3, 50n * C, { spentBy: hash(99) }),
      ]);
      return { node, data };
    }

    it('spends only mature unspent coins, pays change to a new change address and broadcasts a signed tx', async () => {
      const { node, data } = funded();
      let saves = 0;
      const result = await send(node, data, keyring, friend, 10n * C, 2n, async () => void saves++);
      expect(node.broadcast).to.have.length(1);
      const tx = decodeTx(hexToBytes(node.broadcast[0]!));
      expect(tx.inputs).to.have.length(1);
      expect(tx.outputs.map((o) => o.value)).to.deep.equal([10n * C, 40n * C - result.fee]);
      expect(tx.outputs[1]!.pubkey).to.deep.equal(keyring.key(CHANGE_CHAIN, 0).pubkey);
      const spent = [{ value: 50n * C, pubkey: keyring.key(RECEIVE_CHAIN, 0).pubkey }];
      expect(checkTxSignatures(tx, spent)).to.deep.equal({ ok: true });
      expect(data.nextChange).to.equal(1);
      expect(data.sent.map((s) => s.txid)).to.deep.equal([result.txid]);
      expect(saves).to.equal(1);
    });

    it('records the send before broadcasting it', async () => {
      const { node, data } = funded();
      let recordedWhenSaved = -1;
      await send(node, data, keyring, friend, 1n * C, 1n, async () => void (recordedWhenSaved = data.sent.length + node.broadcast.length * 10));
      expect(recordedWhenSaved).to.equal(1);
    });

    it('records the node\'s tip height with the send, so history can count the blocks since', async () => {
      const { node, data } = funded();
      node.tipHeight = 212;
      await send(node, data, keyring, friend, 1n * C, 1n, async () => undefined);
      expect(data.sent[0]).to.include({ height: 212 });
    });

    it('drops the record and passes on the node\'s reason when the node refuses the tx', async () => {
      const { node, data } = funded();
      node.reject = 'txn-mempool-conflict';
      await send(node, data, keyring, friend, 1n * C, 1n, async () => undefined).then(
        () => expect.fail('sent'),
        (e) => expect(e).to.be.instanceOf(NodeError).with.property('code', 'txn-mempool-conflict'),
      );
      expect(data.sent).to.deep.equal([]);
    });

    it('refuses more than the spendable coins with InsufficientFundsError', async () => {
      const { node, data } = funded();
      await send(node, data, keyring, friend, 60n * C, 1n, async () => undefined).then(
        () => expect.fail('sent'),
        (e) => expect(e).to.be.instanceOf(InsufficientFundsError).and.have.property('message').that.match(/only 50\.00000000 coins are spendable/),
      );
      expect(node.broadcast).to.deep.equal([]);
    });

    it('refuses an address of another network, naming the prefixes', async () => {
      const { node, data } = funded();
      const demoAddress = new Keyring(walletData(), demo).key(RECEIVE_CHAIN, 0).address;
      await send(node, data, keyring, demoAddress, 1n * C, 1n, async () => undefined).then(
        () => expect.fail('sent'),
        (e) => expect(e).to.be.instanceOf(AddressError).and.have.property('message').that.match(/prefix "tc" but this network's prefix is "tcrt"/),
      );
    });

    it('refuses a mistyped address', async () => {
      const { node, data } = funded();
      const typo = friend.slice(0, -1) + (friend.endsWith('q') ? 'p' : 'q');
      await send(node, data, keyring, typo, 1n * C, 1n, async () => undefined).then(
        () => expect.fail('sent'),
        (e) => expect(e).to.be.instanceOf(AddressError).and.have.property('message').that.match(/bad checksum/),
      );
    });
  });

  describe('history', () => {
    it('shows receipts, and sends as confirmed, pending, not seen by this node (coins unspent) or failed (a conflicting spend confirmed)', async () => {
      const node = new FakeNode();
      const data: WalletData = { ...walletData(), nextReceive: 1, nextChange: 1 };
      const mine = keyring.key(RECEIVE_CHAIN, 0).address;
      const change = keyring.key(CHANGE_CHAIN, 0).address;
      const record = (n: number, amount: bigint) => ({ txid: hash(n), hex: '00', spends: [], to: friend, amount: amount.toString(), fee: '202', changeIndex: 1, createdAt: 0 });
      // hash(22) spent a coin that is gone from the UTXO set (spent by another, confirmed tx); hash(23) one still unspent here.
      data.sent = [record(20, 5n * C), record(21, 6n * C), { ...record(22, 7n * C), spends: [`${hash(40)}:0`] }, { ...record(23, 8n * C), spends: [`${hash(41)}:0`] }];
      node.put(mine, [coinOf(41, 9n * C)], [{ txid: hash(10), height: 3, confirmations: 8 }]);
      node.put(change, [], [
        { txid: hash(21), height: null, confirmations: 0 },
        { txid: hash(20), height: 9, confirmations: 2 },
      ]);
      node.txs.set(hash(10), { txid: hash(10), status: 'confirmed', confirmations: 8, height: 3, fee: null, inputs: [], outputs: [{ address: mine, units: String(50n * C) }, { address: friend, units: '1' }] });
      // The coin hash(22) spent was confirmed here (hash(40)); hash(22) is known to neither mempool nor chain: it lost a double-spend race.
      node.txs.set(hash(40), { txid: hash(40), status: 'confirmed', confirmations: 30, height: 1, fee: null, inputs: [], outputs: [{ address: mine, units: String(7n * C) }] });
      const history = await getHistory(node, data, keyring);
      expect(history.map((h) => [h.txid, h.direction, h.status, h.amount])).to.deep.equal([
        [hash(21), 'sent', 'pending', '6.00000000'],
        [hash(22), 'sent', 'failed', '7.00000000'],
        [hash(23), 'sent', 'not-seen', '8.00000000'],
        [hash(20), 'sent', 'confirmed', '5.00000000'],
        [hash(10), 'received', 'confirmed', '50.00000000'],
      ]);
      expect(history[3]).to.include({ confirmations: 2, height: 9, fee: '0.00000202', address: friend });
      expect(history[4]).to.include({ address: mine, fee: null });
      expect(history[1]).to.include({ failedBecause: 'conflict-confirmed' });
    });

    it('keeps a send not-seen while a coin it spends is unknown here (it may exist only on the other side of a split), not failed', async () => {
      const node = new FakeNode();
      const data: WalletData = { ...walletData(), nextReceive: 1 };
      node.put(keyring.key(RECEIVE_CHAIN, 0).address, []);
      // It spends the change of an earlier send this node never saw: hash(50) is in neither its mempool nor its chain.
      data.sent = [{ txid: hash(51), hex: '00', spends: [`${hash(50)}:1`], to: friend, amount: String(C), fee: '202', changeIndex: -1, createdAt: 0, height: 3 }];
      node.tipHeight = 40;
      const [entry] = await getHistory(node, data, keyring);
      expect(entry).to.include({ txid: hash(51), status: 'not-seen' });
      expect(entry).to.not.have.property('failedBecause');
    });

    it(`fails a send whose coins are spendable again ${SETTLED_CONFIRMATIONS} blocks after it was sent, and not one block before`, async () => {
      const node = new FakeNode();
      const data: WalletData = { ...walletData(), nextReceive: 1 };
      node.put(keyring.key(RECEIVE_CHAIN, 0).address, [coinOf(41, 9n * C)]);
      data.sent = [{ txid: hash(52), hex: '00', spends: [`${hash(41)}:0`], to: friend, amount: String(C), fee: '202', changeIndex: 1, createdAt: 0, height: 100 }];
      node.tipHeight = 100 + SETTLED_CONFIRMATIONS - 1;
      expect((await getHistory(node, data, keyring))[0]).to.include({ status: 'not-seen' });
      node.tipHeight = 100 + SETTLED_CONFIRMATIONS;
      expect((await getHistory(node, data, keyring))[0]).to.include({ status: 'failed', failedBecause: 'coins-spendable-again' });
      // A send recorded before the wallet kept the height stays not-seen: it cannot count the blocks since.
      const { height: _, ...old } = data.sent[0]!;
      data.sent = [old];
      expect((await getHistory(node, data, keyring))[0]).to.include({ status: 'not-seen' });
    });

    it('tells a send the wallet did not record (made by another copy of the words) from a receipt', async () => {
      const node = new FakeNode();
      const data: WalletData = { ...walletData(), nextReceive: 1, nextChange: 1 };
      const mine = keyring.key(RECEIVE_CHAIN, 0).address;
      const change = keyring.key(CHANGE_CHAIN, 0).address;
      node.put(mine, [], [{ txid: hash(2), height: 5, confirmations: 1 }, { txid: hash(1), height: 1, confirmations: 5 }]);
      node.put(change, [], [{ txid: hash(2), height: 5, confirmations: 1 }]);
      node.txs.set(hash(1), { txid: hash(1), status: 'confirmed', confirmations: 5, height: 1, fee: null, inputs: [], outputs: [{ address: mine, units: String(50n * C) }] });
      node.txs.set(hash(2), {
        txid: hash(2), status: 'confirmed', confirmations: 1, height: 5, fee: '0.00000382',
        inputs: [{ txid: hash(1), index: 0 }],
        outputs: [{ address: friend, units: String(10n * C) }, { address: change, units: String(40n * C - 382n) }],
      });
      const history = await getHistory(node, data, keyring);
      expect(history).to.deep.equal([
        { txid: hash(2), direction: 'sent', amount: '10.00000000', fee: '0.00000382', address: friend, status: 'confirmed', confirmations: 1, height: 5 },
        // hash(1) has no inputs: a block reward, marked so history can group matured rewards.
        { txid: hash(1), direction: 'received', amount: '50.00000000', fee: null, address: mine, status: 'confirmed', confirmations: 5, height: 1, coinbase: true },
      ]);
    });

    it('reads every page of a long address history', async () => {
      const node = new FakeNode();
      const data: WalletData = { ...walletData(), nextReceive: 1 };
      const mine = keyring.key(RECEIVE_CHAIN, 0).address;
      const items = Array.from({ length: 120 }, (_, i) => ({ txid: hash(1000 + i), height: 120 - i, confirmations: i + 1 }));
      node.put(mine, [], items);
      for (const item of items) node.txs.set(item.txid, { txid: item.txid, status: 'confirmed', confirmations: item.confirmations, height: item.height, fee: null, inputs: [], outputs: [{ address: mine, units: '5' }] });
      expect(await getHistory(node, data, keyring)).to.have.length(120);
    });
  });

  it('finds the used addresses of a restored wallet up to the gap limit', async () => {
    const node = new FakeNode();
    const data = walletData();
    node.put(keyring.key(RECEIVE_CHAIN, 3).address, [coinOf(1, C)]);
    node.put(keyring.key(RECEIVE_CHAIN, 7).address, [], [{ txid: hash(5), height: 2, confirmations: 1 }]);
    node.put(keyring.key(CHANGE_CHAIN, 0).address, [coinOf(2, C)]);
    node.put(keyring.key(RECEIVE_CHAIN, 40).address, [coinOf(3, C)]); // beyond the gap: not found
    await discoverAddresses(node, data, keyring, 20);
    expect(data.nextReceive).to.equal(8);
    expect(data.nextChange).to.equal(1);
  });
});
