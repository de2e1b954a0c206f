import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runWallet, type WalletRun } from '../helpers/wallet-process.js';
import { regtest } from '../../src/consensus/params.js';
import { accountKey, deriveKey, keyAddress, mnemonicSeed, normalizeMnemonic, RECEIVE_CHAIN } from '../../wallet/keys.js';

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
/** Nothing listens on port 1: a node that is not there. */
const NO_NODE = 'http://127.0.0.1:1';

function wallet(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<WalletRun> {
  return runWallet(args, options);
}

function receiveAddress(mnemonic: string, index: number): string {
  return keyAddress(deriveKey(accountKey(mnemonicSeed(mnemonic)), RECEIVE_CHAIN, index), regtest);
}

describe('toychain-wallet command', function () {
  this.timeout(30_000);
  let dir: string;
  let base: string[];
  const withPassword = { env: { TOYCHAIN_WALLET_PASSWORD: 'classroom secret' } };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-wallet-cli-'));
    base = ['--node', NO_NODE, '--network', 'regtest', '--wallet-dir', dir];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a wallet, prints its 12 words once as JSON, and keeps them only encrypted in a 0600 file', async () => {
    const run = await wallet([...base, '--json', 'create'], withPassword);
    expect(run.code).to.equal(0);
    expect(run.json).to.have.keys('network', 'file', 'mnemonic');
    expect(run.json.network).to.equal('regtest');
    expect(run.json.file).to.equal(join(dir, 'regtest.wallet'));
    expect(normalizeMnemonic(run.json.mnemonic).split(' ')).to.have.length(12);
    expect(statSync(run.json.file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(run.json.file, 'utf8')).not.to.include(run.json.mnemonic.split(' ')[0]);
  });

  it('creates a 24-word wallet with --words 24', async () => {
    const run = await wallet([...base, '--json', 'create', '--words', '24'], withPassword);
    expect(run.code).to.equal(0);
    expect(run.json.mnemonic.split(' ')).to.have.length(24);
  });

  it('shows the words in text mode with a warning to write them down', async () => {
    const run = await wallet([...base, 'create'], withPassword);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/write them down/);
    expect(run.stdout).to.match(/ 1\. [a-z]+/);
    expect(run.stdout).to.match(/12\. [a-z]+/);
  });

  it('refuses to create over an existing wallet and leaves it unchanged', async () => {
    await wallet([...base, 'create'], withPassword);
    const before = readFileSync(join(dir, 'regtest.wallet'));
    const run = await wallet([...base, '--json', 'create'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('wallet-exists');
    expect(readFileSync(join(dir, 'regtest.wallet')).equals(before)).to.equal(true);
  });

  it('hands out receive addresses m/86\'/1\'/0\'/0/0, /0/1, … as { address }', async () => {
    const created = await wallet([...base, '--json', 'create'], withPassword);
    const first = await wallet([...base, '--json', 'address'], withPassword);
    const second = await wallet([...base, '--json', 'address'], withPassword);
    expect(first.code).to.equal(0);
    expect(first.json).to.deep.equal({ address: receiveAddress(created.json.mnemonic, 0) });
    expect(second.json).to.deep.equal({ address: receiveAddress(created.json.mnemonic, 1) });
    expect(first.json.address).to.match(/^tcrt1p/);
  });

  it('restores from words piped on stdin to the same addresses', async () => {
    const restored = await wallet([...base, '--json', 'restore'], { ...withPassword, stdin: `${MNEMONIC}\n` });
    expect(restored.code).to.equal(0);
    expect(restored.json).to.include({ network: 'regtest', scanned: false });
    const run = await wallet([...base, '--json', 'address'], withPassword);
    expect(run.json.address).to.equal(receiveAddress(MNEMONIC, 0));
  });

  it('restores from --mnemonic-file with the password from --password-file', async () => {
    writeFileSync(join(dir, 'words.txt'), `${MNEMONIC}\n`);
    writeFileSync(join(dir, 'password.txt'), 'from a file\n');
    const restored = await wallet([...base, '--password-file', join(dir, 'password.txt'), 'restore', '--mnemonic-file', join(dir, 'words.txt')]);
    expect(restored.code, restored.stderr).to.equal(0);
    const run = await wallet([...base, '--json', 'address'], { env: { TOYCHAIN_WALLET_PASSWORD: 'from a file' } });
    expect(run.json.address).to.equal(receiveAddress(MNEMONIC, 0));
  });

  it('refuses words that fail the BIP39 checksum (bad-mnemonic)', async () => {
    const run = await wallet([...base, '--json', 'restore'], { ...withPassword, stdin: 'legal winner thank year wave sausage worth useful legal winner thank thank' });
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('bad-mnemonic');
  });

  it('without a terminal and without a password, says what to set (no-password)', async () => {
    const run = await wallet([...base, 'create']);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.match(/TOYCHAIN_WALLET_PASSWORD/).and.match(/--password-file/);
    const json = await wallet([...base, '--json', 'address']);
    expect(json.json.error.code).to.equal('no-password');
  });

  it('refuses a wrong password and leaves the file unchanged (wrong-password)', async () => {
    await wallet([...base, 'create'], withPassword);
    const before = readFileSync(join(dir, 'regtest.wallet'));
    const run = await wallet([...base, '--json', 'address'], { env: { TOYCHAIN_WALLET_PASSWORD: 'guess' } });
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('wrong-password');
    expect(readFileSync(join(dir, 'regtest.wallet')).equals(before)).to.equal(true);
  });

  it('refuses a wallet file asking for a hostile scrypt cost with one line and no stack (wallet-cost-too-high)', async () => {
    const path = join(dir, 'regtest.wallet');
    await wallet([...base, 'create'], withPassword);
    const envelope = JSON.parse(readFileSync(path, 'utf8'));
    envelope.kdf.N = 2 ** 22;
    writeFileSync(path, JSON.stringify(envelope));
    const run = await wallet([...base, 'address'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.include('asks for scrypt N=4194304');
    const json = await wallet([...base, '--json', 'address'], withPassword);
    expect(json.json.error.code).to.equal('wallet-cost-too-high');
  });

  it('says there is no wallet yet and how to make one (no-wallet)', async () => {
    const run = await wallet([...base, 'address'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/no wallet at .*regtest\.wallet: make one with "toychain-wallet create"/);
  });

  for (const [amount, message] of [['1.123456789', /9 decimals/], ['-1', /negative/], ['1e3', /exponent/], ['lots', /not a number/], ['0', /zero/]] as const) {
    it(`refuses the amount "${amount}" with a one-line message and no stack (bad-amount)`, async () => {
      const run = await wallet([...base, 'send', receiveAddress(MNEMONIC, 0), amount], withPassword);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(message);
      expect(run.stderr.trim().split('\n')).to.have.length(1);
      expect(run.stderr).not.to.match(/\n\s+at /);
      const json = await wallet([...base, '--json', 'send', receiveAddress(MNEMONIC, 0), amount], withPassword);
      expect(json.json.error.code).to.equal('bad-amount');
    });
  }

  it('refuses an address of another network, naming both prefixes (bad-address)', async () => {
    const demoAddress = receiveAddress(MNEMONIC, 0).replace(/^tcrt1/, 'tc1');
    const run = await wallet([...base, '--json', 'send', demoAddress, '1'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('bad-address');
    expect(run.json.error.message).to.match(/another network/);
  });

  it('refuses a mistyped address (bad-address)', async () => {
    const good = receiveAddress(MNEMONIC, 0);
    const run = await wallet([...base, 'send', `${good.slice(0, -1)}${good.endsWith('q') ? 'p' : 'q'}`, '1'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/bad checksum/);
  });

  it('says when the node cannot be reached (node-unreachable)', async () => {
    await wallet([...base, 'create'], withPassword);
    const run = await wallet([...base, '--json', 'balance'], withPassword);
    expect(run.code).to.equal(1);
    expect(run.json.error.code).to.equal('node-unreachable');
    expect(run.json.error.message).to.include(NO_NODE);
  });

  it('exits 2 for usage errors: no command, an unknown command, a bad --words or --fee-rate', async () => {
    for (const args of [[], ['frobnicate'], ['create', '--words', '13'], ['send', 'x', '1', '--fee-rate', 'fast'], ['send']]) {
      const run = await wallet([...base, '--json', ...args], withPassword);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.json.error.code).to.equal('usage');
    }
  });

  it('refuses a fee rate above the maximum unless --force, naming both numbers (fee-rate-too-high)', async () => {
    const to = receiveAddress(MNEMONIC, 0);
    const run = await wallet([...base, '--json', 'send', to, '1', '--fee-rate', '1000000'], withPassword);
    expect([run.code, run.json.error.code]).to.deep.equal([1, 'fee-rate-too-high']);
    expect(run.json.error.message).to.include('--fee-rate 1000000 is above the maximum of 1000 base units per byte');
    expect(run.json.error.message).to.include('--force');
    // With --force the fee check is passed: the next step, asking the node, is what stops it here.
    const forced = await wallet([...base, '--json', 'send', to, '1', '--fee-rate', '1000000', '--force'], withPassword);
    expect(forced.json.error.code).to.equal('node-unreachable');
  });

  it('refuses 0 coins saying an amount is more than zero (bad-amount)', async () => {
    const run = await wallet([...base, '--json', 'send', receiveAddress(MNEMONIC, 0), '0'], withPassword);
    expect(run.json.error).to.deep.equal({ code: 'bad-amount', message: 'the amount is zero: send more than zero coins (at least 0.00000001)' });
  });

  it('hints at http:// for a --node without a scheme, instead of "cannot reach"', async () => {
    const run = await wallet(['--node', 'localhost:38543', '--wallet-dir', dir, '--json', 'balance'], withPassword);
    expect(run.code).to.equal(2);
    expect(run.json.error.message).to.include("--node: 'localhost:38543' has no scheme: write it as http://localhost:38543");
  });

  it('says no devnet runs when --devnet finds no devnet file (no-devnet)', async () => {
    const run = await wallet(['--devnet', '1', '--devnet-dir', dir, '--wallet-dir', dir, '--json', 'balance'], withPassword);
    expect(run.json.error.code).to.equal('no-devnet');
    expect(run.json.error.message).to.include(`no devnet is running in ${dir}`);
  });
});
