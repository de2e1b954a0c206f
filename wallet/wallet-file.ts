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
import { mkdir, open, rename, link, unlink, chmod } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { gcm } from '@noble/ciphers/aes.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64 } from '@scure/base';
import { bytesToHex, hexToBytes } from '../src/consensus/bytes.js';

export const WALLET_FORMAT = 'toychain-wallet';
export const WALLET_FILE_VERSION = 1;
/** scrypt cost for new files: N = 2^16, r = 8, p = 1 (64 MiB, about half a second). */
export const DEFAULT_SCRYPT: ScryptCost = { N: 65536, r: 8, p: 1 };
/**
 * Bounds on what a file may ask for, checked before scrypt runs: a hostile file could
 * otherwise make opening it allocate gigabytes (scrypt uses 128·N·r bytes) or run for
 * minutes (work grows with N·r·p). 256 MiB and 8x the default work (a few seconds) leave
 * room for a stronger cost than ours without letting a file choose the machine's fate.
 */
export const MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024;
export const MAX_SCRYPT_WORK = 8 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r * DEFAULT_SCRYPT.p;
/** A wallet file is a few kB plus ~300 bytes per send; a bigger one is not ours. */
export const MAX_WALLET_FILE_BYTES = 16 * 1024 * 1024;

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
  /** the node's tip height when it was sent (absent in files written before it was kept) */
  height?: number;
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

/** ScryptCostError: the file asks for a scrypt cost beyond the bounds; scrypt was not run. */
export class ScryptCostError extends WalletFileError {
  constructor(
    readonly path: string,
    readonly cost: ScryptCost,
    why: string,
  ) {
    super(`the wallet file ${path} asks for scrypt N=${cost.N}, r=${cost.r}, p=${cost.p}: ${why}; toychain-wallet never writes such a file (restore the wallet from its recovery words)`);
    this.name = 'ScryptCostError';
  }
}

/** UnreadableWalletError: the path exists but is not a wallet file this program can read (a folder, too big, no permission). */
export class UnreadableWalletError extends WalletFileError {
  constructor(
    readonly path: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read the wallet file ${path}: ${why}`, options);
    this.name = 'UnreadableWalletError';
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
  const problem = scryptCostProblem(cost);
  if (problem !== undefined) throw new ScryptCostError(path, cost, problem);
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

/**
 * openWalletFile reads and decrypts a wallet. Throws only WalletFileError subclasses:
 * WalletNotFoundError, UnreadableWalletError, ScryptCostError or WrongPasswordError.
 */
export async function openWalletFile(path: string, password: string): Promise<OpenWallet> {
  const text = await readWalletText(path);
  const envelope = parseEnvelope(text, path);
  const problem = scryptCostProblem(envelope.cost);
  if (problem !== undefined) throw new ScryptCostError(path, envelope.cost, problem);
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

/** readWalletText reads at most MAX_WALLET_FILE_BYTES of a regular file, so a huge file or a device is refused, not slurped. */
async function readWalletText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new WalletNotFoundError(path);
    throw new UnreadableWalletError(path, (e as NodeJS.ErrnoException).code ?? 'open failed', { cause: e });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnreadableWalletError(path, 'not a regular file');
    if (stat.size > MAX_WALLET_FILE_BYTES) throw new UnreadableWalletError(path, `${stat.size} bytes, more than a wallet file's ${MAX_WALLET_FILE_BYTES}`);
    return await handle.readFile('utf8');
  } catch (e) {
    if (e instanceof WalletFileError) throw e;
    throw new UnreadableWalletError(path, (e as NodeJS.ErrnoException).code ?? 'read failed', { cause: e });
  } finally {
    await handle.close();
  }
}

/** scryptCostProblem says why a cost is beyond the bounds, or undefined when it is within them. */
export function scryptCostProblem(cost: ScryptCost): string | undefined {
  const { N, r, p } = cost;
  const memory = 128 * N * r;
  if (memory > MAX_SCRYPT_MEMORY_BYTES) return `${Math.round(memory / 2 ** 20)} MiB of memory, more than ${MAX_SCRYPT_MEMORY_BYTES / 2 ** 20} MiB`;
  const work = N * r * p;
  if (work > MAX_SCRYPT_WORK) return `${(work / (MAX_SCRYPT_WORK / 8)).toFixed(0)}x the default work, more than 8x`;
  return undefined;
}

function deriveKey(password: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  // maxmem only as a second fence: scryptCostProblem has already bounded 128·N·r.
  return scryptAsync(password.normalize('NFKC'), salt, { ...cost, dkLen: 32, maxmem: MAX_SCRYPT_MEMORY_BYTES + 1024 * 1024 });
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
    // The shape only (scrypt needs N a power of two); the cost bounds are checked by the caller with a named error.
    if (!isInt(N, 2, 2 ** 30) || (N & (N - 1)) !== 0 || !isInt(r, 1, 1024) || !isInt(p, 1, 1024)) {
      throw new Error('scrypt parameters are not scrypt parameters');
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

/** parseData checks every field the wallet later reads, so a file written by someone else with the password cannot throw later on. */
function parseData(text: string, path: string): WalletData {
  let d: WalletData;
  try {
    d = JSON.parse(text) as WalletData;
  } catch (cause) {
    throw new WrongPasswordError(path, { cause });
  }
  const ok =
    typeof d === 'object' &&
    d !== null &&
    typeof d.network === 'string' &&
    typeof d.mnemonic === 'string' &&
    typeof d.passphrase === 'string' &&
    isInt(d.nextReceive, 0, 0x7fffffff) &&
    isInt(d.nextChange, 0, 0x7fffffff) &&
    Array.isArray(d.sent) &&
    d.sent.every(isSentTx);
  if (!ok) throw new WrongPasswordError(path, { cause: new Error('decrypted data has the wrong shape') });
  return d;
}

function isSentTx(s: unknown): s is SentTx {
  if (typeof s !== 'object' || s === null) return false;
  const t = s as Record<string, unknown>;
  return (
    ['txid', 'hex', 'to', 'amount', 'fee'].every((k) => typeof t[k] === 'string') &&
    Array.isArray(t['spends']) &&
    (t['spends'] as unknown[]).every((o) => typeof o === 'string') &&
    isInt(t['changeIndex'], -1, 0xffffffff) &&
    typeof t['createdAt'] === 'number' &&
    (t['height'] === undefined || isInt(t['height'], 0, 0x7fffffff))
  );
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
