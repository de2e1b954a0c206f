/**
 * What the wallet does with a node: find its coins, add up its balance, pay someone,
 * and tell its history. The wallet's state is its decrypted WalletData (seed words and
 * how many addresses it has issued on each chain); everything about coins comes from the
 * node's REST API through a NodeClient, asked once per issued address ("keep it simple":
 * no gap-limit scanning except when a wallet is restored).
 */
import type { HDKey } from '@scure/bip32';
import { decodeAddress } from '../src/consensus/address.js';
import { networks, type NetworkParams } from '../src/consensus/params.js';
import { formatCoins, parseCoins } from '../src/consensus/amount.js';
import { selectCoins } from './coin-selection.js';
import { accountKey, CHANGE_CHAIN, deriveKey, keyAddress, mnemonicSeed, RECEIVE_CHAIN, type KeyChain, type WalletKey } from './keys.js';
import type { AddressInfo, NodeClient, TxInfo } from './node-client.js';
import { buildPayment, type SpendableCoin } from './tx-builder.js';
import type { SentTx, WalletData } from './wallet-file.js';

/** Unused addresses in a row after which a restore stops looking (BIP44's gap limit). */
export const GAP_LIMIT = 20;
/** Page size for an address's history. */
export const HISTORY_PAGE = 50;

/** WalletNetworkError: the wallet and the node are on different networks, or the network is unknown. */
export class WalletNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalletNetworkError';
  }
}

/**
 * What the wallet needs of a network: its name and address prefix (and, for a built-in
 * network, its maturity). A custom network (a network file) is known by what its node's
 * GET /status reports.
 */
export interface WalletNetwork {
  name: string;
  addressPrefix: string;
  coinbaseMaturity?: number;
}

/** networkParams finds a network's parameters by the name the node reports. */
export function networkParams(name: string): NetworkParams {
  const params = networks[name];
  if (params === undefined) throw new WalletNetworkError(`unknown network "${name}": this wallet knows ${Object.keys(networks).join(', ')}`);
  return params;
}

/** A derived key with its address. */
export interface AddressKey extends WalletKey {
  address: string;
}

/** Keyring: the account key of a wallet's seed on one network, derived once per command. */
export class Keyring {
  private readonly account: HDKey;
  constructor(data: WalletData, readonly params: WalletNetwork) {
    this.account = accountKey(mnemonicSeed(data.mnemonic, data.passphrase));
  }

  key(chain: KeyChain, index: number): AddressKey {
    const key = deriveKey(this.account, chain, index);
    return { ...key, address: keyAddress(key, this.params) };
  }

  /** issued lists every address the wallet has handed out or used for change, receive chain first. */
  issued(data: WalletData): AddressKey[] {
    const keys: AddressKey[] = [];
    for (let i = 0; i < data.nextReceive; i++) keys.push(this.key(RECEIVE_CHAIN, i));
    for (let i = 0; i < data.nextChange; i++) keys.push(this.key(CHANGE_CHAIN, i));
    return keys;
  }
}

/** newReceiveAddress issues the next receive address (…/0/nextReceive) and counts it as issued. */
export function newReceiveAddress(data: WalletData, keyring: Keyring): string {
  const key = keyring.key(RECEIVE_CHAIN, data.nextReceive);
  data.nextReceive += 1;
  return key.address;
}

/** Balance in base units. */
export interface Balance {
  /** confirmed coins, immature coinbases included */
  confirmed: bigint;
  /** outputs of mempool transactions paying the wallet */
  unconfirmed: bigint;
  /** confirmed coinbase coins that have not matured */
  immature: bigint;
  /** mature confirmed coins no mempool transaction spends */
  spendable: bigint;
}

async function lookUp(client: NodeClient, keys: readonly AddressKey[]): Promise<AddressInfo[]> {
  return Promise.all(keys.map((k) => client.address(k.address, 0, HISTORY_PAGE)));
}

/** getBalance adds up the node's balance of every issued address. */
export async function getBalance(client: NodeClient, data: WalletData, keyring: Keyring): Promise<Balance> {
  const total: Balance = { confirmed: 0n, unconfirmed: 0n, immature: 0n, spendable: 0n };
  for (const info of await lookUp(client, keyring.issued(data))) {
    total.confirmed += parseCoins(info.balance.confirmed);
    total.unconfirmed += parseCoins(info.balance.unconfirmed);
    total.immature += parseCoins(info.balance.immature);
    total.spendable += parseCoins(info.balance.spendable);
  }
  return total;
}

/** spendableCoins lists the mature confirmed coins of the issued addresses that no mempool transaction spends. */
export async function spendableCoins(client: NodeClient, data: WalletData, keyring: Keyring): Promise<SpendableCoin[]> {
  const keys = keyring.issued(data);
  const infos = await lookUp(client, keys);
  const coins: SpendableCoin[] = [];
  infos.forEach((info, i) => {
    const key = keys[i]!;
    for (const c of info.coins) {
      if (!c.mature || c.spentBy !== null) continue;
      coins.push({ txid: c.txid, index: c.index, value: BigInt(c.units), pubkey: key.pubkey, privateKey: key.privateKey });
    }
  });
  return coins;
}

export interface SendResult {
  txid: string;
  fee: bigint;
  change: bigint;
}

/**
 * send pays `amount` to `to`: coin selection, change to a NEW change address, signing,
 * then broadcasting. The wallet is saved (`persist`) with the send recorded and the change
 * index used BEFORE the broadcast, so a crash never loses track of the change address;
 * a broadcast the node refuses removes the record again and rethrows the node's reason.
 * Throws AddressError (consensus decodeAddress), InsufficientFundsError, RangeError (amount ≤ 0), NodeError.
 */
export async function send(
  client: NodeClient,
  data: WalletData,
  keyring: Keyring,
  to: string,
  amount: bigint,
  feeRate: bigint,
  persist: () => Promise<void>,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<SendResult> {
  const toKey = decodeAddress(to, keyring.params);
  if (amount <= 0n) throw new RangeError('the amount must be more than zero');
  const coins = await spendableCoins(client, data, keyring);
  const selection = selectCoins(coins, amount, feeRate);
  const tip = (await client.status()).height;
  const changeKey = keyring.key(CHANGE_CHAIN, data.nextChange);
  const signed = buildPayment({ inputs: selection.inputs, to: toKey, amount, changeTo: changeKey.pubkey, change: selection.change });
  if (selection.change > 0n) data.nextChange += 1;
  const record: SentTx = {
    txid: signed.txid,
    hex: signed.hex,
    spends: selection.inputs.map((c) => `${c.txid}:${c.index}`),
    to,
    amount: amount.toString(),
    fee: selection.fee.toString(),
    changeIndex: signed.changeIndex,
    createdAt: now(),
    ...(tip === undefined ? {} : { height: tip }),
  };
  data.sent.push(record);
  await persist();
  try {
    await client.sendTx(signed.hex);
  } catch (e) {
    data.sent = data.sent.filter((s) => s.txid !== signed.txid);
    await persist();
    throw e;
  }
  return { txid: signed.txid, fee: selection.fee, change: selection.change };
}

/**
 * `not-seen`: a send this node has neither in its mempool nor in its chain while the coins
 * it spends are not known to be spent here. One node cannot know more: on a split network
 * it may be pending on the other side. It becomes `failed` once a conflicting spend of one
 * of its coins is confirmed (a coin confirmed here has left the UTXO set without it), or
 * once its coins are spendable again after SETTLED_CONFIRMATIONS blocks on this node's
 * chain since it was sent.
 */
export type TxStatus = 'confirmed' | 'pending' | 'not-seen' | 'failed';

/**
 * Blocks on this node's chain since a send, with the send in neither mempool nor chain and
 * its coins unspent, after which its coins count as spendable again and the send as failed.
 * Bitcoin: 6 confirmations is the customary depth at which a payment counts as settled;
 * here it is the depth at which the absence of one does. A heavier branch that has the
 * send can still confirm it (history then says confirmed): one node cannot know of it.
 */
export const SETTLED_CONFIRMATIONS = 6;

/** Why a send failed: a conflicting spend confirmed, or its coins spendable again after SETTLED_CONFIRMATIONS blocks. */
export type FailedBecause = 'conflict-confirmed' | 'coins-spendable-again';

/** One line of history, amounts in coins with 8 decimals. */
export interface HistoryEntry {
  txid: string;
  direction: 'sent' | 'received';
  /** what was paid (sent) or what arrived at the wallet's addresses (received) */
  amount: string;
  /** the fee the wallet paid, for sends it made; null for receipts */
  fee: string | null;
  /** the recipient (sent) or the wallet's address that received it (received) */
  address: string;
  status: TxStatus;
  confirmations: number;
  height: number | null;
  /** a block reward (a coinbase paying the wallet) */
  coinbase?: boolean;
  /** for a failed send: why */
  failedBecause?: FailedBecause;
}

/**
 * getHistory merges what the node reports for each issued address with the sends the
 * wallet recorded. A recorded send the node has neither in its mempool nor in its chain is
 * `not-seen` while its coins are unspent here, and `failed` once one of them was spent by
 * a confirmed conflicting transaction (it lost a double-spend race).
 * Newest first: pending and failed, then confirmed by height.
 */
export async function getHistory(client: NodeClient, data: WalletData, keyring: Keyring): Promise<HistoryEntry[]> {
  const keys = keyring.issued(data);
  const ours = new Set(keys.map((k) => k.address));
  const seen = new Map<string, { height: number | null; confirmations: number }>();
  /** the wallet's coins still in this node's UTXO set, "txid:index" */
  const unspent = new Set<string>();
  for (const key of keys) {
    for (let from = 0; ; ) {
      const info = await client.address(key.address, from, HISTORY_PAGE);
      if (from === 0) for (const c of info.coins) unspent.add(`${c.txid}:${c.index}`);
      for (const item of info.history.items) seen.set(item.txid, { height: item.height, confirmations: item.confirmations });
      from += info.history.items.length;
      if (info.history.items.length === 0 || from >= info.history.total) break;
    }
  }
  const sent = new Map(data.sent.map((s) => [s.txid, s]));
  const entries: HistoryEntry[] = [];
  for (const [txid, where] of seen) {
    const status: TxStatus = where.height === null ? 'pending' : 'confirmed';
    const record = sent.get(txid);
    if (record !== undefined) {
      entries.push(sentEntry(record, status, where.confirmations, where.height));
      continue;
    }
    const tx = await client.tx(txid);
    if (tx === undefined) continue; // gone between the two calls (a reorg or an eviction): the next call shows it
    entries.push(await unrecordedEntry(client, tx, ours, where.confirmations, where.height));
  }
  // Sends the addresses' histories do not show: ask for each; gone from mempool and chain is not-seen, or failed.
  let tip: number | undefined;
  for (const record of data.sent) {
    if (seen.has(record.txid)) continue;
    const tx = await client.tx(record.txid);
    if (tx !== undefined) {
      entries.push(sentEntry(record, tx.status === 'confirmed' ? 'confirmed' : 'pending', tx.confirmations, tx.height));
      continue;
    }
    tip ??= record.height === undefined ? undefined : (await client.status()).height;
    const because = await whyFailed(client, record, unspent, tip);
    const entry = sentEntry(record, because === undefined ? 'not-seen' : 'failed', 0, null);
    if (because !== undefined) entry.failedBecause = because;
    entries.push(entry);
  }
  const rank = (e: HistoryEntry): number => (e.height === null ? Number.MAX_SAFE_INTEGER : e.height);
  return entries.sort((a, b) => rank(b) - rank(a));
}

/**
 * whyFailed decides a send neither in this node's mempool nor in its chain: failed when a
 * coin it spends was confirmed here and is no longer in the UTXO set (a conflicting spend
 * confirmed), or when all its coins are unspent here SETTLED_CONFIRMATIONS blocks after it
 * was sent; otherwise undefined (not seen: a coin it spends may exist only on the other side
 * of a split, or the chain has not moved on far enough to tell).
 */
async function whyFailed(client: NodeClient, record: SentTx, unspent: ReadonlySet<string>, tip: number | undefined): Promise<FailedBecause | undefined> {
  let allUnspent = true;
  for (const outpoint of record.spends) {
    if (unspent.has(outpoint)) continue;
    allUnspent = false;
    const made = await client.tx(outpoint.slice(0, outpoint.lastIndexOf(':')));
    if (made?.status === 'confirmed') return 'conflict-confirmed';
  }
  if (allUnspent && record.spends.length > 0 && tip !== undefined && record.height !== undefined && tip - record.height >= SETTLED_CONFIRMATIONS) return 'coins-spendable-again';
  return undefined;
}

/**
 * unrecordedEntry describes a transaction the wallet did not record sending (a payment to
 * it, or a send made by another copy of the same words): if it spends a coin of one of the
 * wallet's addresses it is a send of what went to other addresses, else a receipt.
 */
async function unrecordedEntry(client: NodeClient, tx: TxInfo, ours: ReadonlySet<string>, confirmations: number, height: number | null): Promise<HistoryEntry> {
  const status: TxStatus = height === null ? 'pending' : 'confirmed';
  let spendsOurs = false;
  for (const input of tx.inputs) {
    const prev = await client.tx(input.txid);
    const output = prev?.outputs[input.index];
    if (output !== undefined && ours.has(output.address)) {
      spendsOurs = true;
      break;
    }
  }
  const sum = (outputs: TxInfo['outputs']): bigint => outputs.reduce((total, o) => total + BigInt(o.units), 0n);
  const toUs = tx.outputs.filter((o) => ours.has(o.address));
  const toOthers = tx.outputs.filter((o) => !ours.has(o.address));
  if (spendsOurs) {
    return {
      txid: tx.txid,
      direction: 'sent',
      amount: formatCoins(sum(toOthers)),
      fee: tx.fee,
      address: toOthers[0]?.address ?? toUs[0]?.address ?? '',
      status,
      confirmations,
      height,
    };
  }
  // A coinbase has no inputs once its null prevout is left out (node-client's txSchema).
  const entry: HistoryEntry = { txid: tx.txid, direction: 'received', amount: formatCoins(sum(toUs)), fee: null, address: toUs[0]?.address ?? '', status, confirmations, height };
  if (tx.inputs.length === 0) entry.coinbase = true;
  return entry;
}

function sentEntry(record: SentTx, status: TxStatus, confirmations: number, height: number | null): HistoryEntry {
  return {
    txid: record.txid,
    direction: 'sent',
    amount: formatCoins(BigInt(record.amount)),
    fee: formatCoins(BigInt(record.fee)),
    address: record.to,
    status,
    confirmations,
    height,
  };
}

/**
 * discoverAddresses finds how far a restored wallet's addresses were used: on each chain it
 * asks for addresses in order until GAP_LIMIT in a row have no history and no coins, and
 * sets nextReceive / nextChange just past the last used one (BIP44 account discovery).
 */
export async function discoverAddresses(client: NodeClient, data: WalletData, keyring: Keyring, gap = GAP_LIMIT): Promise<void> {
  for (const chain of [RECEIVE_CHAIN, CHANGE_CHAIN] as const) {
    let lastUsed = -1;
    for (let index = 0; index - lastUsed <= gap; index++) {
      const info = await client.address(keyring.key(chain, index).address, 0, 1);
      if (info.history.total > 0 || info.coins.length > 0) lastUsed = index;
    }
    if (chain === RECEIVE_CHAIN) data.nextReceive = Math.max(data.nextReceive, lastUsed + 1);
    else data.nextChange = Math.max(data.nextChange, lastUsed + 1);
  }
}
