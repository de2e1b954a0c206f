/**
 * The wallet end to end: real `toychain node` processes (regtest) and the real
 * `toychain-wallet` binary as a child process, password from the environment, talking to
 * the nodes only through their REST API.
 */
import { expect } from 'chai';
import { NodeCluster, sameTip, waitFor, type NodeProcess } from '../helpers/node-process.js';
import { runWallet, type WalletRun } from '../helpers/wallet-process.js';

const PASSWORD = { TOYCHAIN_WALLET_PASSWORD: 'e2e password' };
/** Regtest coinbase maturity: a coin mined at height h is spendable in block h + 100. */
const MATURITY = 100;

/** wallet runs the CLI with --json against `node`, with the wallet in `dir`, and insists on success. */
async function wallet(node: NodeProcess, dir: string, args: string[]): Promise<any> {
  const run: WalletRun = await runWallet(['--node', node.apiUrl, '--wallet-dir', dir, '--json', ...args], { env: PASSWORD });
  if (run.code !== 0) throw new Error(`toychain-wallet ${args.join(' ')} exited ${run.code}: ${run.stdout}${run.stderr}`);
  return run.json;
}


async function inMempool(node: NodeProcess, txid: string): Promise<boolean> {
  const res = await node.api('GET', '/mempool');
  return res.status === 200 && JSON.stringify(res.body).includes(txid);
}

/** twoNodes starts a and b (b connected to a) and a funded wallet A: one mature 50-coin coinbase. */
async function twoNodesAndFundedWallet(cluster: NodeCluster): Promise<{ a: NodeProcess; b: NodeProcess; dirA: string; dirB: string; addrB: string }> {
  const a = await cluster.start('a');
  const b = await cluster.start('b', { peers: [a.p2pUrl] });
  await waitFor('a and b to connect', async () => (await a.status()).peers === 1 && (await b.status()).peers === 1);
  const dirA = cluster.tempDir('wallet-a');
  const dirB = cluster.tempDir('wallet-b');
  await wallet(a, dirA, ['create']);
  await wallet(b, dirB, ['create']);
  const { address: addrA } = await wallet(a, dirA, ['address']);
  const { address: addrB } = await wallet(b, dirB, ['address']);
  expect(addrA).to.match(/^tcrt1p/);
  await a.generate(1, addrA);
  expect(await wallet(a, dirA, ['balance'])).to.deep.equal({ confirmed: '50.00000000', unconfirmed: '0.00000000', immature: '50.00000000', spendable: '0.00000000' });
  await a.generate(MATURITY);
  await sameTip([a, b], 'b to sync the mined blocks');
  expect(await wallet(b, dirA, ['balance'])).to.deep.equal({ confirmed: '50.00000000', unconfirmed: '0.00000000', immature: '0.00000000', spendable: '50.00000000' });
  return { a, b, dirA, dirB, addrB };
}

describe('wallet against node processes', function () {
  this.timeout(300_000);
  const cluster = new NodeCluster();
  afterEach(() => cluster.cleanup());

  it('mines to wallet A, pays wallet B with the CLI, and both balances are right after a block', async () => {
    const { a, b, dirA, dirB, addrB } = await twoNodesAndFundedWallet(cluster);

    const { txid } = await wallet(a, dirA, ['send', addrB, '12.5']);
    expect(txid).to.match(/^[0-9a-f]{64}$/);
    await waitFor('the payment to reach b\'s mempool', () => inMempool(b, txid));
    expect(await wallet(b, dirB, ['balance'])).to.include({ confirmed: '0.00000000', unconfirmed: '12.50000000' });
    expect((await wallet(a, dirA, ['history']))[0]).to.include({ txid, direction: 'sent', status: 'pending', amount: '12.50000000' });

    await b.generate(1);
    await sameTip([a, b], 'a to have the block with the payment');
    // 1 input, 2 outputs: 191 bytes at the default 2 units/byte = 382 units of fee.
    expect(await wallet(a, dirA, ['balance'])).to.deep.equal({ confirmed: '37.49999618', unconfirmed: '0.00000000', immature: '0.00000000', spendable: '37.49999618' });
    expect(await wallet(b, dirB, ['balance'])).to.deep.equal({ confirmed: '12.50000000', unconfirmed: '0.00000000', immature: '0.00000000', spendable: '12.50000000' });
    expect((await wallet(a, dirA, ['history']))[0]).to.include({ txid, direction: 'sent', status: 'confirmed', confirmations: 1, fee: '0.00000382' });
    expect((await wallet(b, dirB, ['history']))[0]).to.include({ txid, direction: 'received', status: 'confirmed', amount: '12.50000000' });
  });

  it('shows the send that lost a double-spend race across a split network as failed', async () => {
    const { a, b, dirA, addrB } = await twoNodesAndFundedWallet(cluster);
    expect((await a.api('POST', '/network', { active: false })).status).to.equal(200);
    await waitFor('the split', async () => (await a.status()).peers === 0 && (await b.status()).peers === 0);

    // The same coin, spent on each side of the split: a pays B, b (from the same wallet) pays A itself.
    const { txid: loser } = await wallet(a, dirA, ['send', addrB, '10']);
    const { address: self } = await wallet(a, dirA, ['address']);
    const { txid: winner } = await wallet(b, dirA, ['send', self, '20']);
    expect(winner).not.to.equal(loser);
    await a.generate(1);
    const more = await b.generate(2);

    expect((await a.api('POST', '/network', { active: true })).status).to.equal(200);
    expect(await sameTip([a, b], 'the heal to settle on b\'s branch (more work)')).to.equal(more.at(-1));
    await waitFor('a to drop the conflicting tx', async () => !(await inMempool(a, loser)));
    const history: any[] = await wallet(a, dirA, ['history']);
    const status = (txid: string) => history.find((h) => h.txid === txid)?.status;
    expect(status(winner)).to.equal('confirmed');
    expect(status(loser)).to.equal('failed');
    expect((await a.api('GET', `/tx/${loser}`)).status).to.equal(404);
  });
});
