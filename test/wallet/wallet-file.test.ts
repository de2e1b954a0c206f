import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  createWalletFile,
  DEFAULT_SCRYPT,
  openWalletFile,
  scryptCostProblem,
  saveWalletFile,
  walletPath,
  ScryptCostError,
  UnreadableWalletError,
  WalletExistsError,
  WalletFileError,
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

  /** hostile writes `envelope` (edited from a real file) and returns what opening it throws. */
  async function openHostile(edit: (envelope: any) => unknown): Promise<unknown> {
    const path = walletPath(dir, 'regtest');
    await createWalletFile(path, data(), 'pw', FAST);
    const envelope = JSON.parse(readFileSync(path, 'utf8'));
    const replaced = edit(envelope);
    writeFileSync(path, typeof replaced === 'string' ? replaced : JSON.stringify(replaced ?? envelope));
    return openWalletFile(path, 'pw').then(
      () => expect.fail('opened'),
      (e: unknown) => e,
    );
  }

  it('refuses scrypt memory beyond 256 MiB before running scrypt (ScryptCostError)', async () => {
    const started = Date.now();
    const e = await openHostile((env) => Object.assign(env.kdf, { N: 2 ** 20, r: 32 }) && env);
    expect(e).to.be.instanceOf(ScryptCostError);
    expect((e as Error).message).to.include('4096 MiB of memory, more than 256 MiB');
    expect(Date.now() - started).to.be.below(10_000); // a bound on the test, not a timing claim: scrypt at this cost would run for minutes
  });

  it('refuses scrypt work beyond 8x the default (ScryptCostError), even within the memory bound', async () => {
    const e = await openHostile((env) => Object.assign(env.kdf, { N: 2 ** 16, r: 8, p: 16 }) && env);
    expect(e).to.be.instanceOf(ScryptCostError);
    expect((e as Error).message).to.include('16x the default work');
  });

  it('allows exactly 256 MiB and exactly 8x the default work, and no more', () => {
    expect(scryptCostProblem({ N: 2 ** 18, r: 8, p: 1 })).to.equal(undefined); // 256 MiB, 4x work
    expect(scryptCostProblem({ N: 2 ** 19, r: 8, p: 1 })).to.include('512 MiB');
    expect(scryptCostProblem({ N: 2 ** 16, r: 8, p: 8 })).to.equal(undefined); // 8x work
    expect(scryptCostProblem({ N: 2 ** 16, r: 8, p: 9 })).to.include('more than 8x');
    expect(scryptCostProblem(DEFAULT_SCRYPT)).to.equal(undefined);
  });

  it('refuses to create a file beyond the bounds, so it never writes one it could not open', async () => {
    const e = await createWalletFile(walletPath(dir, 'regtest'), data(), 'pw', { N: 2 ** 20, r: 8, p: 1 }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ScryptCostError);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('refuses a wallet path that is a folder or too big with UnreadableWalletError', async () => {
    const folder = walletPath(dir, 'regtest');
    mkdirSync(folder);
    const e1 = await openWalletFile(folder, 'pw').catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(UnreadableWalletError);
    const big = walletPath(dir, 'demo');
    writeFileSync(big, '');
    truncateSync(big, 17 * 1024 * 1024);
    const e2 = await openWalletFile(big, 'pw').catch((e: unknown) => e);
    expect(e2).to.be.instanceOf(UnreadableWalletError);
    expect((e2 as Error).message).to.include('more than a wallet file');
  });

  it('answers every malformed envelope with a WalletFileError, never another throw', async () => {
    const edits: ((env: any) => unknown)[] = [
      () => 'null',
      () => '[]',
      () => '{"format":"toychain-wallet","version":1}',
      (env) => ({ ...env, kdf: null }),
      (env) => ({ ...env, cipher: 7 }),
      (env) => Object.assign(env.kdf, { N: 3 }) && env,
      (env) => Object.assign(env.kdf, { N: -1 }) && env,
      (env) => Object.assign(env.kdf, { N: '65536' }) && env,
      (env) => Object.assign(env.kdf, { r: 1e9 }) && env,
      (env) => Object.assign(env.kdf, { salt: 'zz' }) && env,
      (env) => Object.assign(env.cipher, { nonce: 12 }) && env,
      (env) => ({ ...env, ciphertext: { x: 1 } }),
      (env) => ({ ...env, ciphertext: '!!!' }),
      () => '\u0000'.repeat(1000),
    ];
    for (const edit of edits) {
      const e = await openHostile(edit);
      expect(e, String(edit)).to.be.instanceOf(WalletFileError);
      rmSync(walletPath(dir, 'regtest'));
    }
  });
});
