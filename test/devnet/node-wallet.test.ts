import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAddress } from '../../src/consensus/address.js';
import { bytesToHex } from '../../src/consensus/bytes.js';
import { regtest } from '../../src/consensus/params.js';
import { xOnlyPublicKey } from '../../src/consensus/signature.js';
import { DevnetProcess } from '../helpers/devnet-process.js';
import { nodeMiningKey } from '../helpers/devnet-wallet.js';
import { waitFor } from '../helpers/node-process.js';
import { runWallet } from '../helpers/wallet-process.js';

/** Each devnet node mines to a real toychain-wallet wallet in its folder; toychain-wallet --devnet N opens it. */
describe('devnet node wallets (toychain-wallet --devnet N uses node N\'s own wallet)', function () {
  this.timeout(300_000);
  let devnet: DevnetProcess;
  const wallet = (node: number, ...args: string[]) => runWallet(['--devnet', String(node), '--devnet-dir', devnet.datadir, '--json', ...args]);
  const nodeApi = async (index: number, path: string, body: unknown): Promise<any> => {
    const view = await devnet.view();
    const token = readFileSync(join(devnet.datadir, `node-${index}`, 'api.cookie'), 'utf8').trim();
    const res = await fetch(`${view.nodes[index].apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).to.equal(200);
    return res.json();
  };

  beforeEach(() => {
    devnet = new DevnetProcess(3);
  });
  afterEach(async () => {
    await devnet.cleanup();
  });

  it('node 1 spends its mined coins with toychain-wallet to an address of node 0\'s wallet, it confirms, and both wallets survive a devnet restart', async () => {
    await devnet.start();
    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2), 60_000);
    const before = (await devnet.view()).nodes.map((n: any) => n.address as string);
    // The node's mining address is receive address 0 of a wallet file in its folder, with a password file beside it.
    const key1 = await nodeMiningKey(devnet.datadir, 1, regtest);
    expect(key1.address).to.equal(before[1]);
    expect(statSync(join(devnet.datadir, 'node-1', 'wallet', 'password')).mode & 0o777).to.equal(0o600);

    // Regtest matures a coinbase at depth 100: 101 blocks of node 1 make two spendable.
    await devnet.control('POST', '/devnet/nodes/1/generate', { blocks: 100 });
    await devnet.control('POST', '/devnet/nodes/1/generate', { blocks: 1 });
    await waitFor('node 1\'s wallet to see two mature rewards', async () => (await wallet(1, 'balance')).json?.spendable === '100.00000000', 60_000);
    const to = (await wallet(0, 'address')).json.address as string;
    expect(to.startsWith('tcrt1p')).to.equal(true);
    expect(to).to.not.equal(before[0]); // a new receive address of node 0's wallet, not its mining address

    const sent = await wallet(1, 'send', to, '7');
    expect(sent.code, sent.stdout + sent.stderr).to.equal(0);
    const txid = sent.json.txid as string;
    await waitFor('the payment in node 2\'s mempool', async () => (await devnet.view()).nodes[2].status?.mempool.count === 1, 60_000);
    await devnet.control('POST', '/devnet/nodes/2/generate', { blocks: 1 });
    await waitFor('node 0\'s wallet paid', async () => (await wallet(0, 'balance')).json?.spendable === '7.00000000', 60_000);
    const history1 = (await wallet(1, 'history')).json as { txid: string; direction: string; status: string; address: string }[];
    expect(history1.find((h) => h.txid === txid)).to.include({ direction: 'sent', status: 'confirmed', address: to });
    // The devnet card counts every address of the wallet, not only the mining address.
    await waitFor('node 0\'s card balance', async () => (await devnet.view()).nodes[0].balance?.spendable === '7.00000000', 30_000);

    // create and restore make a wallet of your own: on a node's wallet they say to add --wallet-dir.
    const refused = await wallet(0, 'create');
    expect([refused.code, refused.json.error.code]).to.deep.equal([1, 'node-wallet-exists']);
    expect(refused.json.error.message).to.include('--wallet-dir');

    expect(await devnet.stop()).to.equal(0);
    await devnet.start();
    expect((await devnet.view()).nodes.map((n: any) => n.address)).to.deep.equal(before);
    await waitFor('node 0\'s wallet after the restart', async () => (await wallet(0, 'balance')).json?.spendable === '7.00000000', 60_000);
  });

  it('moves the coins of an old raw miner.key into the node\'s wallet when the node starts, then keeps the empty key as miner.key.old', async () => {
    await devnet.start();
    await waitFor('a full mesh', async () => (await devnet.view()).nodes.every((n: any) => n.status?.peers === 2), 60_000);
    // An old node folder: its blocks paid a raw key in miner.key. 101 of them, matured by 100 more.
    const secret = new Uint8Array(32).fill(7);
    const oldAddress = encodeAddress(xOnlyPublicKey(secret), regtest);
    await nodeApi(1, '/mining/generate', { blocks: 100, address: oldAddress });
    await nodeApi(1, '/mining/generate', { blocks: 1, address: oldAddress });
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 100 });
    await waitFor('every node at 201', async () => (await devnet.view()).nodes.every((n: any) => n.status?.height === 201), 60_000);
    const keyFile = join(devnet.datadir, 'node-1', 'miner.key');
    writeFileSync(keyFile, `${bytesToHex(secret)}\n`, { mode: 0o600 });

    const restarted = await devnet.cli('restart', '1');
    expect(restarted.code, restarted.out).to.equal(0);
    // 101 inputs, one output: 4 + 1 + 101 × 101 + 1 + 40 + 4 = 10,251 bytes at 2 units a byte.
    await waitFor('the sweep in the timeline', async () => devnet.output.includes('node 1: moved 5049.99979498 coins from its old key (miner.key) into its wallet'), 60_000);
    await waitFor('the sweep in node 0\'s mempool', async () => (await devnet.view()).nodes[0].status?.mempool.count === 1, 60_000);
    await devnet.control('POST', '/devnet/nodes/0/generate', { blocks: 1 });
    await waitFor('node 1\'s wallet holds the old coins', async () => (await wallet(1, 'balance')).json?.spendable === '5049.99979498', 60_000);

    const again = await devnet.cli('restart', '1');
    expect(again.code, again.out).to.equal(0);
    await waitFor('the old key kept aside', async () => existsSync(`${keyFile}.old`) && !existsSync(keyFile), 60_000);
    expect(devnet.output).to.include('node 1: its old key (miner.key) holds no coins');
  });

  it('says how to get a node wallet when a node folder has none', async () => {
    await devnet.start(['--no-mine']);
    // A folder as an older toychain left it: no wallet/ folder.
    rmSync(join(devnet.datadir, 'node-2', 'wallet'), { recursive: true, force: true });
    const missing = await wallet(2, 'balance');
    expect([missing.code, missing.json.error.code]).to.deep.equal([1, 'no-node-wallet']);
    expect(missing.json.error.message).to.include('restart it (npm start)');
  });
});
