import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevnetProcess } from '../helpers/devnet-process.js';
import { waitFor } from '../helpers/node-process.js';
import { runWallet } from '../helpers/wallet-process.js';

describe('the wallet meets the devnet (toychain-wallet --devnet N)', function () {
  this.timeout(180_000);
  let devnet: DevnetProcess;
  let walletDir: string;
  const env = { env: { TOYCHAIN_WALLET_PASSWORD: 'devnet class' } };
  const wallet = (...args: string[]) => runWallet(['--devnet', '1', '--devnet-dir', devnet.datadir, '--wallet-dir', walletDir, '--json', ...args], env);

  beforeEach(async () => {
    walletDir = mkdtempSync(join(tmpdir(), 'toychain-wallet-devnet-'));
    devnet = new DevnetProcess(3);
    await devnet.start();
  });
  afterEach(async () => {
    await devnet.cleanup();
    rmSync(walletDir, { recursive: true, force: true });
  });

  it('finds node 1 through the devnet folder, is paid by node 0 (devnet send 0 ADDRESS 5) and pays node 0 back', async () => {
    expect((await wallet('create')).code).to.equal(0);
    const empty = await wallet('balance');
    expect([empty.code, empty.json.spendable]).to.deep.equal([0, '0.00000000']);
    const address = (await wallet('address')).json.address as string;
    expect(address.startsWith('tcrt1p')).to.equal(true);

    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2));
    // Node 0's first coinbase matures at depth 100 on regtest: 101 blocks make two spendable (generate takes at most 100 a call).
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 100 });
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 });
    await waitFor('node 0 to see its spendable coins', async () => (await devnet.view()).nodes[0].balance?.spendable === '100.00000000');
    const paid = await devnet.cli('send', '0', address, '5');
    expect(paid.code, paid.out).to.equal(0);
    expect(paid.out).to.include(`sent 5 coins from node 0 to ${address}`);
    await waitFor('the payment in node 2\'s mempool', async () => (await devnet.view()).nodes[2].status?.mempool.count === 1);
    await devnet.control('POST', '/devnet/nodes/2/generate', { blocks: 1 });
    await waitFor('the wallet paid, as node 1 sees it', async () => (await wallet('balance')).json.spendable === '5.00000000', 30_000);

    const node0 = (await devnet.view()).nodes[0].address as string;
    const back = await wallet('send', node0, '2');
    expect(back.code, back.stdout + back.stderr).to.equal(0);
    const txid = back.json.txid as string;
    await waitFor('the payment back in node 0\'s mempool', async () => (await devnet.view()).nodes[0].status?.mempool.count === 1);
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 });
    await waitFor('the payment back confirmed', async () => {
      const history = (await wallet('history')).json as { txid: string; direction: string; status: string }[];
      return history.some((h) => h.txid === txid && h.direction === 'sent' && h.status === 'confirmed');
    }, 30_000);
    const res = await fetch(`${(await devnet.view()).nodes[0].apiUrl}/tx/${txid}`);
    const tx = (await res.json()) as { status: string; outputs: { address: string; value: string }[] };
    expect(tx.status).to.equal('confirmed');
    expect(tx.outputs.some((o) => o.address === node0)).to.equal(true);
  });

  it('says --devnet when a node cannot be reached while a devnet runs, and refuses a node the devnet lacks', async () => {
    const unreachable = await runWallet(['--node', 'http://127.0.0.1:1', '--devnet-dir', devnet.datadir, '--wallet-dir', walletDir, '--json', 'balance'], env);
    expect(unreachable.json.error.code).to.equal('node-unreachable');
    expect(unreachable.json.error.message).to.include('use its nodes with --devnet 0');
    const missing = await runWallet(['--devnet', '7', '--devnet-dir', devnet.datadir, '--wallet-dir', walletDir, '--json', 'balance'], env);
    expect(missing.json.error).to.deep.equal({ code: 'no-such-node', message: `the devnet in ${devnet.datadir} has no node 7: its nodes are 0 to 2` });
  });

  it('lists each node\'s API address in devnet status, suggests a mistyped command and serves a favicon', async () => {
    const view = await devnet.view();
    const status = await devnet.cli('status');
    expect(status.code, status.out).to.equal(0);
    for (const n of view.nodes) expect(status.out).to.include(n.apiUrl);
    // Columns are as wide as their widest cell: no cell runs into the next.
    const lines = status.out.trim().split('\n').slice(1);
    const header = lines[0]!;
    for (const line of lines.slice(1)) expect(line.indexOf('http')).to.equal(header.indexOf('api'));
    expect(header).to.match(/^node +group +state/);
    const typo = await devnet.cli('stauts');
    expect([typo.code, typo.out.includes('did you mean: toychain devnet status?')]).to.deep.equal([2, true]);
    const icon = await fetch(new URL('/favicon.ico', devnet.dashboardUrl));
    expect([icon.status, icon.headers.get('content-type')]).to.deep.equal([200, 'image/svg+xml; charset=utf-8']);
  });
});
