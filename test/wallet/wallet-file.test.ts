import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  createWalletFile,
  openWalletFile,
  saveWalletFile,
  walletPath,
  WalletExistsError,
  WalletNotFoundError,
  WrongPasswordError,
  type ScryptCost,
  type WalletData,
} from '../../wallet/wallet-file.js';

/** A cheap scrypt cost for tests; the format records it, so opening needs no flag. */
const FAST: ScryptCost = { N: 1024, r: 8, p: 1 };
const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

function data(): WalletData {
  return { network: 'regtest', mnemonic: MNEMONIC, passphrase: 'extra words', nextReceive: 2, nextChange: 1, sent: [] };
}

describe('wallet file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'toychain-wallet-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the wallet data through encryption', async () => {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'correct horse', FAST);
    const opened = await openWalletFile(path, 'correct horse');
    expect(opened.data).to.deep.equal(data());
  });

  it('keeps one file per network in the wallet folder', () => {
    expect(walletPath(dir, 'demo')).to.equal(join(dir, 'demo.wallet'));
    expect(walletPath(dir, 'regtest')).to.equal(join(dir, 'regtest.wallet'));
  });

  it('writes the file with mode 0600', async () => {
    const path = walletPath(dir, 'regtest');
    const wallet = await createWalletFile(path, data(), 'pw', FAST);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    await saveWalletFile(wallet);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
  });

  it('never holds the mnemonic, the passphrase or any word of them in clear', async () => {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'pw', FAST);
    const text = readFileSync(path, 'utf8');
    for (const word of [...new Set(MNEMONIC.split(' '))]) expect(text).not.to.include(word);
    expect(text).not.to.include('extra words');
    expect(JSON.parse(text)).to.have.keys('format', 'version', 'kdf', 'cipher', 'ciphertext');
  });

  it('refuses a wrong password and leaves the file unchanged', async () => {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'right', FAST);
    const before = readFileSync(path);
    let error: unknown;
    try {
      await openWalletFile(path, 'wrong');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(WrongPasswordError);
    expect((error as Error).message).to.match(/^wrong password or corrupt wallet file/);
    expect(readFileSync(path).equals(before)).to.equal(true);
  });

  it('refuses a file whose KDF parameters were changed, as if the password were wrong', async () => {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'pw', FAST);
    const envelope = JSON.parse(readFileSync(path, 'utf8'));
    envelope.kdf.N = 2048;
    writeFileSync(path, JSON.stringify(envelope));
    await openWalletFile(path, 'pw').then(
      () => expect.fail('opened'),
      (e) => expect(e).to.be.instanceOf(WrongPasswordError),
    );
  });

  it('never replaces an existing wallet when creating one', async () => {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'first', FAST);
    const before = readFileSync(path);
    await createWalletFile(path, { ...data(), nextReceive: 9 }, 'second', FAST).then(
      () => expect.fail('replaced'),
      (e) => expect(e).to.be.instanceOf(WalletExistsError),
    );
    expect(readFileSync(path).equals(before)).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal(['regtest.wallet']);
  });

  it('saves atomically: a new nonce, no temp file left behind, the old contents replaced whole', async () => {
    const path = walletPath(dir, 'regtest');
    const wallet = await createWalletFile(path, data(), 'pw', FAST);
    const first = JSON.parse(readFileSync(path, 'utf8'));
    wallet.data.nextReceive = 7;
    await saveWalletFile(wallet);
    const second = JSON.parse(readFileSync(path, 'utf8'));
    expect(second.cipher.nonce).not.to.equal(first.cipher.nonce);
    expect(readdirSync(dir)).to.deep.equal(['regtest.wallet']);
    expect((await openWalletFile(path, 'pw')).data.nextReceive).to.equal(7);
  });

  it('says so when there is no wallet', async () => {
    await openWalletFile(walletPath(dir, 'demo'), 'pw').then(
      () => expect.fail('opened'),
      (e) => expect(e).to.be.instanceOf(WalletNotFoundError),
    );
  });
});
