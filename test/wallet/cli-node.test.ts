/**
 * The CLI's node-facing commands (balance, send, history) as child processes against a
 * stand-in HTTP node that answers the REST contract with canned data. The real node is
 * exercised by test/e2e/wallet.test.ts; this pins the wallet's side of the contract.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runWallet, type WalletRun } from '../helpers/wallet-process.js';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { decodeTx, txid as txidOf } from '../../src/consensus/tx.js';
import { estimateTxSize } from '../../wallet/coin-selection.js';
import { accountKey, deriveKey, keyAddress, mnemonicSeed, RECEIVE_CHAIN } from '../../wallet/keys.js';

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const FRIEND = keyAddress(deriveKey(accountKey(mnemonicSeed(MNEMONIC, 'friend')), RECEIVE_CHAIN, 0), regtest);
const MINE = keyAddress(deriveKey(accountKey(mnemonicSeed(MNEMONIC)), RECEIVE_CHAIN, 0), regtest);
const hash = (n: number) => n.toString(16).padStart(64, '0');
const zero = '0.00000000';

/** A stand-in node: one mature 50-coin coinbase at the wallet's first address; accepts one POST /tx. */
class StandInNode {
  readonly posted: string[] = [];
  mempool = new Set<string>();
  /** a reject reason for the next POST /tx */
  refuse: string | undefined;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const [status, json] = this.route(req.method ?? 'GET', req.url ?? '/', body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private route(method: string, url: string, body: string): [number, unknown] {
    const path = new URL(url, 'http://x').pathname;
    if (method === 'GET' && path === '/api/v1/status') return [200, { network: 'regtest', height: 120, tip: hash(120), chainwork: '00', peers: 0, mempool: { count: this.mempool.size, bytes: 0 }, mining: { active: false, hashrate: 0, workers: 1 } }];
    if (method === 'GET' && path.startsWith('/api/v1/address/')) {
      const address = decodeURIComponent(path.slice('/api/v1/address/'.length));
      if (!address.startsWith('tcrt1')) return [400, { error: { code: 'bad-address', message: 'not a regtest address' } }];
      if (address !== MINE) return [200, { address, height: 120, balance: { confirmed: zero, immature: zero, spendable: zero, unconfirmed: zero }, coins: [], coinsPage: { total: 0, from: 0, limit: 5000 }, pending: [], history: { total: 0, from: 0, limit: 50, items: [] } }];
      const spentBy = [...this.mempool][0] ?? null;
      return [200, {
        address, height: 120,
        balance: { confirmed: '50.00000000', immature: zero, spendable: spentBy ? zero : '50.00000000', unconfirmed: zero },
        coins: [{ txid: hash(1), index: 0, value: '50.00000000', units: '5000000000', height: 1, coinbase: true, confirmations: 120, mature: true, spentBy }],
        coinsPage: { total: 1, from: 0, limit: 5000 },
        pending: [],
        history: { total: 1 + this.mempool.size, from: 0, limit: 50, items: [...[...this.mempool].map((t) => ({ txid: t, height: null, blockHash: null, confirmations: 0 })), { txid: hash(1), height: 1, blockHash: hash(1001), confirmations: 120 }] },
      }];
    }
    if (method === 'GET' && path.startsWith('/api/v1/tx/')) {
      const id = path.slice('/api/v1/tx/'.length);
      if (id === hash(1)) return [200, { txid: id, hex: '', size: 0, status: 'confirmed', confirmations: 120, height: 1, blockHash: hash(1001), fee: null, inputs: [], outputs: [{ address: MINE, value: '50.00000000', units: '5000000000' }] }];
      return [404, { error: { code: 'tx-not-found', message: 'not in the mempool or the chain' } }];
    }
    if (method === 'POST' && path === '/api/v1/tx') {
      const hex = (JSON.parse(body) as { hex: string }).hex;
      if (this.refuse !== undefined) return [400, { error: { code: this.refuse, message: 'refused by the stand-in' } }];
      this.posted.push(hex);
      const id = txidOf(decodeTx(hexToBytes(hex)));
      this.mempool.add(id);
      return [200, { txid: id }];
    }
    return [404, { error: { code: 'not-found', message: path } }];
  }
}

function wallet(args: string[], stdin = ''): Promise<WalletRun> {
  return runWallet(args, { env: { TOYCHAIN_WALLET_PASSWORD: 'pw' }, stdin });
}

describe('toychain-wallet against a node\'s REST API', function () {
  this.timeout(60_000);
  const node = new StandInNode();
  let dir: string;
  let base: string[];
  before(() => node.start());
  after(() => node.stop());
  beforeEach(async () => {
    node.mempool.clear();
    node.refuse = undefined;
    node.posted.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'toychain-wallet-node-'));
    base = ['--node', node.url, '--wallet-dir', dir, '--json'];
    // restore asks the node which network it runs and finds the used address 0.
    const restored = await wallet([...base, 'restore'], MNEMONIC);
    expect(restored.code, restored.stdout + restored.stderr).to.equal(0);
    expect(restored.json).to.include({ network: 'regtest', receiveAddresses: 1, changeAddresses: 0, scanned: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the balance as 8-decimal coin strings', async () => {
    const run = await wallet([...base, 'balance']);
    expect(run.code, run.stdout).to.equal(0);
    expect(run.json).to.deep.equal({ confirmed: '50.00000000', unconfirmed: zero, immature: zero, spendable: '50.00000000' });
  });

  it('sends: posts a signed tx paying the friend, prints { txid }, and history shows it pending', async () => {
    const run = await wallet([...base, 'send', FRIEND, '12.5', '--fee-rate', '3']);
    expect(run.code, run.stdout).to.equal(0);
    expect(node.posted).to.have.length(1);
    const tx = decodeTx(hexToBytes(node.posted.at(-1)!));
    expect(run.json).to.deep.equal({ txid: txidOf(tx) });
    expect(tx.outputs.map((o) => o.value)).to.deep.equal([1_250_000_000n, 3_750_000_000n - 3n * BigInt(estimateTxSize(1, 2))]);
    const history = await wallet([...base, 'history']);
    expect(history.json.map((h: any) => [h.direction, h.status, h.amount])).to.deep.equal([
      ['sent', 'pending', '12.50000000'],
      ['received', 'confirmed', '50.00000000'],
    ]);
  });

  it('shows a send the node no longer knows, whose coins are unspent here, as not seen by this node (not failed)', async () => {
    const sent = await wallet([...base, 'send', FRIEND, '1']);
    expect(sent.code).to.equal(0);
    node.mempool.clear(); // neither in the mempool nor in the chain, and no conflicting spend confirmed
    const history = await wallet([...base, 'history']);
    expect(history.json[0]).to.include({ txid: sent.json.txid, direction: 'sent', status: 'not-seen' });
    const text = await wallet(base.filter((a) => a !== '--json').concat('history'));
    expect(text.stdout).to.match(/^not-seen\s+sent\s+1\.00000000/m);
    expect(text.stdout).to.include('not seen by this node');
    expect(text.stdout).to.include('It fails if a conflicting spend confirms, or when its coins are spendable again 6 blocks after it was sent');
  });

  it('passes on the node\'s reject reason as the error code and forgets the refused send', async () => {
    node.refuse = 'txn-mempool-conflict';
    const run = await wallet([...base, 'send', FRIEND, '1']);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('txn-mempool-conflict');
    const history = await wallet([...base, 'history']);
    expect(history.json.map((h: any) => h.direction)).to.deep.equal(['received']);
  });

  it('does not spend a coin a mempool tx already spends', async () => {
    node.mempool.add(hash(77));
    const run = await wallet([...base, 'send', FRIEND, '1']);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('insufficient-funds');
  });

  it('refuses to send more than is spendable (insufficient-funds)', async () => {
    const run = await wallet([...base, 'send', FRIEND, '50']);
    expect(run.code).to.equal(1);
    expect(run.json.error).to.deep.equal({
      code: 'insufficient-funds',
      message: 'insufficient funds: sending 50.00000000 coins needs 50.00000302 with the fee, but only 50.00000000 coins are spendable',
    });
    expect(node.posted).to.deep.equal([]);
  });

  it('refuses a demo address on a regtest node (bad-address)', async () => {
    const run = await wallet([...base, 'send', FRIEND.replace(/^tcrt1/, 'tc1'), '1']);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('bad-address');
  });
});
