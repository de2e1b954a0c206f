/**
 * The wallet file, encrypted at rest. On disk it is a small JSON envelope:
 *
 *   { "format": "toychain-wallet", "version": 1,
 *     "kdf":    { "name": "scrypt", "N": 65536, "r": 8, "p": 1, "salt": hex 16 bytes },
 *     "cipher": { "name": "aes-256-gcm", "nonce": hex 12 bytes },
 *     "ciphertext": base64 (AES-256-GCM of the WalletData JSON, with its 16-byte tag) }
 *
 * The key is scrypt(password, salt) (RFC 7914, @noble/hashes); the cipher is AES-256-GCM
 * (NIST SP 800-38D, @noble/ciphers) with the envelope's header as associated data, so
 * changing the KDF parameters or the format fails authentication like a wrong password.
 * Every save uses a fresh random nonce under the same key. The mnemonic, the passphrase
 * and everything else the wallet knows live only inside the ciphertext.
 *
 * Files are written atomically: a temp file in the same folder (mode 0600), fsync, then
 * rename over the old file (or link, for a new wallet, so an existing one is never
 * overwritten), then fsync of the folder. A crash leaves the old file or the new one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, link, unlink, chmod } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { gcm } from '@noble/ciphers/aes.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64 } from '@scure/base';
import { bytesToHex, hexToBytes } from '../src/consensus/bytes.js';

export const WALLET_FORMAT = 'toychain-wallet';
export const WALLET_FILE_VERSION = 1;
/** scrypt cost for new files: N = 2^16, r = 8, p = 1 (64 MiB, about half a second). */
export const DEFAULT_SCRYPT: ScryptCost = { N: 65536, r: 8, p: 1 };
/** Largest cost a file may ask for, so a hostile file cannot make us allocate gigabytes. */
const MAX_SCRYPT_N = 1 << 20;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** A send the wallet made, kept so history can tell pending, confirmed and failed apart. */
export interface SentTx {
  txid: string;
  /** the canonical encoding, kept so it can be shown or sent again */
  hex: string;
  /** the outpoints it spends, "txid:index" (display hex) */
  spends: string[];
  to: string;
  /** base units, as decimal strings */
  amount: string;
  fee: string;
  /** the change output's index in the transaction, or -1 when there is none */
  changeIndex: number;
  /** Unix seconds */
  createdAt: number;
}

/** Everything the wallet keeps, all of it encrypted. */
export interface WalletData {
  network: string;
  mnemonic: string;
  passphrase: string;
  /** next unused index on the receive chain (…/0/i) and on the change chain (…/1/i) */
  nextReceive: number;
  nextChange: number;
  /** every transaction this wallet signed and broadcast, oldest first */
  sent: SentTx[];
}

/** An opened wallet: its data and the key that re-encrypts it without running scrypt again. */
export interface OpenWallet {
  path: string;
  data: WalletData;
  key: Uint8Array;
  salt: Uint8Array;
  cost: ScryptCost;
}

/** WalletFileError: the base of the wallet file's named errors. */
export class WalletFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WalletFileError';
  }
}

/** WrongPasswordError: authentication failed; the password is wrong or the file was changed. */
export class WrongPasswordError extends WalletFileError {
  constructor(path: string, options?: { cause?: unknown }) {
    super(`wrong password or corrupt wallet file: ${path}`, options);
    this.name = 'WrongPasswordError';
  }
}

export class WalletNotFoundError extends WalletFileError {
  constructor(readonly path: string) {
    super(`no wallet at ${path}`);
    this.name = 'WalletNotFoundError';
  }
}

export class WalletExistsError extends WalletFileError {
  constructor(readonly path: string) {
    super(`a wallet already exists at ${path}`);
    this.name = 'WalletExistsError';
  }
}

/** walletPath is where a network's wallet lives in a wallet folder: DIR/NETWORK.wallet. */
export function walletPath(dir: string, network: string): string {
  return join(dir, `${network}.wallet`);
}

/** createWalletFile encrypts a new wallet and writes it; it never replaces an existing file. */
export async function createWalletFile(
  path: string,
  data: WalletData,
  password: string,
  cost: ScryptCost = DEFAULT_SCRYPT,
): Promise<OpenWallet> {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, cost);
  const wallet: OpenWallet = { path, data, key, salt, cost };
  await writeAtomic(path, encryptWallet(wallet), { replace: false });
  return wallet;
}

/** saveWalletFile re-encrypts an opened wallet (fresh nonce) and replaces the file atomically. */
export async function saveWalletFile(wallet: OpenWallet): Promise<void> {
  await writeAtomic(wallet.path, encryptWallet(wallet), { replace: true });
}

/** openWalletFile reads and decrypts a wallet. Throws WalletNotFoundError or WrongPasswordError. */
export async function openWalletFile(path: string, password: string): Promise<OpenWallet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new WalletNotFoundError(path);
    throw e;
  }
  const envelope = parseEnvelope(text, path);
  const key = await deriveKey(password, envelope.salt, envelope.cost);
  let plain: Uint8Array;
  try {
    plain = gcm(key, envelope.nonce, header(envelope.cost, envelope.salt)).decrypt(envelope.ciphertext);
  } catch (e) {
    throw new WrongPasswordError(path, { cause: e });
  }
  const data = parseData(new TextDecoder().decode(plain), path);
  return { path, data, key, salt: envelope.salt, cost: envelope.cost };
}

function deriveKey(password: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  return scryptAsync(password.normalize('NFKC'), salt, { ...cost, dkLen: 32, maxmem: 2 ** 31 });
}

/** header is the associated data GCM authenticates: every envelope field except the nonce and ciphertext. */
function header(cost: ScryptCost, salt: Uint8Array): Uint8Array {
  return new TextEncoder().encode(
    `${WALLET_FORMAT}|${WALLET_FILE_VERSION}|scrypt|${cost.N}|${cost.r}|${cost.p}|${bytesToHex(salt)}|aes-256-gcm`,
  );
}

function encryptWallet(wallet: OpenWallet): string {
  const nonce = randomBytes(12);
  const plain = new TextEncoder().encode(JSON.stringify(wallet.data));
  const ciphertext = gcm(wallet.key, nonce, header(wallet.cost, wallet.salt)).encrypt(plain);
  const envelope = {
    format: WALLET_FORMAT,
    version: WALLET_FILE_VERSION,
    kdf: { name: 'scrypt', ...wallet.cost, salt: bytesToHex(wallet.salt) },
    cipher: { name: 'aes-256-gcm', nonce: bytesToHex(nonce) },
    ciphertext: base64.encode(ciphertext),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

interface Envelope {
  cost: ScryptCost;
  salt: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

/** parseEnvelope reads the clear part; anything malformed is a corrupt file (WrongPasswordError's message). */
function parseEnvelope(text: string, path: string): Envelope {
  try {
    const e = JSON.parse(text) as Record<string, unknown>;
    const kdf = e['kdf'] as Record<string, unknown>;
    const cipher = e['cipher'] as Record<string, unknown>;
    if (e['format'] !== WALLET_FORMAT || e['version'] !== WALLET_FILE_VERSION) throw new Error('unknown format or version');
    if (kdf['name'] !== 'scrypt' || cipher['name'] !== 'aes-256-gcm') throw new Error('unknown kdf or cipher');
    const { N, r, p } = kdf as { N: unknown; r: unknown; p: unknown };
    if (!isInt(N, 2, MAX_SCRYPT_N) || (N & (N - 1)) !== 0 || !isInt(r, 1, 32) || !isInt(p, 1, 16)) {
      throw new Error('scrypt parameters out of range');
    }
    const salt = hexToBytes(String(kdf['salt']));
    const nonce = hexToBytes(String(cipher['nonce']));
    if (salt.length !== 16 || nonce.length !== 12) throw new Error('bad salt or nonce length');
    const ciphertext = base64.decode(String(e['ciphertext']));
    return { cost: { N, r, p }, salt, nonce, ciphertext };
  } catch (cause) {
    throw new WrongPasswordError(path, { cause });
  }
}

function parseData(text: string, path: string): WalletData {
  const d = JSON.parse(text) as WalletData;
  const ok =
    typeof d.network === 'string' &&
    typeof d.mnemonic === 'string' &&
    typeof d.passphrase === 'string' &&
    isInt(d.nextReceive, 0, 0x7fffffff) &&
    isInt(d.nextChange, 0, 0x7fffffff) &&
    Array.isArray(d.sent);
  if (!ok) throw new WrongPasswordError(path, { cause: new Error('decrypted data has the wrong shape') });
  return d;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** writeAtomic writes temp (0600) + fsync, then renames (or links, to never replace) it into place. */
async function writeAtomic(path: string, text: string, opts: { replace: boolean }): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${bytesToHex(randomBytes(4))}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chmod(0o600); // the mode argument is masked by umask; 0600 is not negotiable
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (opts.replace) {
      await rename(temp, path);
    } else {
      try {
        await link(temp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new WalletExistsError(path);
        throw e;
      }
      await unlink(temp);
    }
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await chmod(path, 0o600);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
