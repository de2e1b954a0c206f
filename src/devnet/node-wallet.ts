/**
 * Each devnet node's own wallet: a real `toychain-wallet` wallet file in the node's
 * folder, NODE_FOLDER/wallet/NETWORK.wallet, made the first time the node starts. Its
 * password is random and kept beside it in NODE_FOLDER/wallet/password (mode 0600), so
 * `toychain-wallet --devnet N …` opens node N's wallet without asking, and a user can
 * spend what node N mined with the wallet CLI. The node mines to the wallet's first
 * receive address (…/0/0), which stays the same across restarts.
 *
 * The supervisor only READS the wallet file (its issued addresses, for the card's balance
 * and for `devnet send`); only the wallet CLI writes it, so the two never race on a save.
 *
 * A node folder from before (a raw 32-byte key in NODE_FOLDER/miner.key) gets a wallet
 * too; see legacy-miner-key.ts for what happens to the coins of the old key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkParams } from '../consensus/params.js';
import { newMnemonic, RECEIVE_CHAIN } from '../../wallet/keys.js';
import { Keyring, type AddressKey } from '../../wallet/wallet.js';
import { createWalletFile, openWalletFile, walletPath, WalletExistsError, type ScryptCost, type WalletData } from '../../wallet/wallet-file.js';

/** The wallet folder inside a node's folder (what `toychain-wallet --devnet N` uses). */
export const NODE_WALLET_DIR = 'wallet';
/** The file beside the wallet holding its password (one line). */
export const NODE_WALLET_PASSWORD_FILE = 'password';
/**
 * scrypt cost of a node's wallet: 2^12 (4 MiB, a few ms) instead of the wallet's 2^16.
 * Its password lies beside it, so a costly KDF would protect nothing; a cheap one keeps
 * a 64-node devnet's start and the supervisor's re-reads fast.
 */
export const NODE_WALLET_SCRYPT: ScryptCost = { N: 4096, r: 8, p: 1 };

/** A node's wallet: where it is, and the address its blocks pay. */
export interface NodeWallet {
  /** receive address 0: what the node's blocks pay */
  address: string;
  /** the wallet folder (`toychain-wallet --wallet-dir`) */
  dir: string;
  file: string;
  passwordFile: string;
}

/** loadOrCreateNodeWallet opens the node's wallet, or makes one (and its password) the first time. */
export async function loadOrCreateNodeWallet(datadir: string, params: NetworkParams): Promise<NodeWallet> {
  const dir = join(datadir, NODE_WALLET_DIR);
  const file = walletPath(dir, params.name);
  const passwordFile = join(dir, NODE_WALLET_PASSWORD_FILE);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const password = await loadOrCreatePassword(passwordFile);
  let data: WalletData;
  if (existsSync(file)) {
    data = (await openWalletFile(file, password)).data;
  } else {
    // nextReceive 1: address 0 is issued, so the wallet counts what the node mined.
    data = { network: params.name, mnemonic: newMnemonic(12), passphrase: '', nextReceive: 1, nextChange: 0, sent: [] };
    try {
      await createWalletFile(file, data, password, NODE_WALLET_SCRYPT);
    } catch (e) {
      if (!(e instanceof WalletExistsError)) throw e;
      data = (await openWalletFile(file, password)).data; // made by another start meanwhile
    }
  }
  const address = new Keyring(data, params).key(RECEIVE_CHAIN, 0).address;
  return { address, dir, file, passwordFile };
}

async function loadOrCreatePassword(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).split(/\r?\n/)[0]!;
  const password = randomBytes(12).toString('base64url');
  await writeFile(path, `${password}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return (await readFile(path, 'utf8')).split(/\r?\n/)[0]!;
}

/**
 * NodeWalletReader gives a node wallet's issued keys (receive and change addresses, with
 * their private keys), opening the file again only when it changed: the wallet CLI may
 * have issued addresses or made change since the last read.
 */
export class NodeWalletReader {
  private cached: { mtimeMs: number; size: number; keys: AddressKey[] } | undefined;
  constructor(
    readonly wallet: NodeWallet,
    private readonly params: NetworkParams,
  ) {}

  async keys(): Promise<AddressKey[]> {
    const s = await stat(this.wallet.file);
    if (this.cached !== undefined && this.cached.mtimeMs === s.mtimeMs && this.cached.size === s.size) return this.cached.keys;
    const password = (await readFile(this.wallet.passwordFile, 'utf8')).split(/\r?\n/)[0]!;
    const { data } = await openWalletFile(this.wallet.file, password);
    const keys = new Keyring(data, this.params).issued(data);
    this.cached = { mtimeMs: s.mtimeMs, size: s.size, keys };
    return keys;
  }
}
