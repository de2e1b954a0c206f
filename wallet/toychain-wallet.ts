#!/usr/bin/env node
/**
 * The `toychain-wallet` command: an HD wallet (BIP39 words, BIP86-style keys) that talks
 * to a node only through its REST API.
 *
 *   toychain-wallet [--node URL] [--wallet-dir DIR] [--network NAME] [--json]
 *                   [--password-file FILE] create|restore|address|balance|send|history …
 *
 * The network (and so the address prefix and rules) is what the node's GET /status says,
 * unless --network names it (then the node must agree, when it is asked at all). One
 * wallet file per network lives in the wallet folder. The password comes from
 * --password-file, or TOYCHAIN_WALLET_PASSWORD, or a prompt when there is a terminal.
 * Every command works without a terminal; --json prints one JSON value on stdout (errors
 * as { "error": { "code", "message" } }), exit code 1 for a user error, 2 for usage.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatCoins, parseCoins, AmountError } from '../src/consensus/amount.js';
import { UsageError } from '../src/cli/usage-error.js';
import { describeError, UserError } from './cli-errors.js';
import { DEFAULT_FEE_RATE } from './coin-selection.js';
import { MNEMONIC_WORDS, newMnemonic, normalizeMnemonic, type MnemonicWords } from './keys.js';
import { NodeUnreachableError, RestNodeClient, type NodeClient, type NodeStatus } from './node-client.js';
import { networks } from '../src/consensus/params.js';
import { decodeAddress } from '../src/consensus/address.js';
import { ApiUrlError, parseApiUrl } from '../src/api/contract/primitives.js';
import { DEFAULT_DEVNET_DIR, devnetNodeUrl, devnetNodeWallet, runningDevnet } from './devnet-node.js';
import { isInteractive, readHidden, readStdin } from './prompt.js';
import { SETTLED_CONFIRMATIONS, discoverAddresses, getBalance, getHistory, Keyring, networkParams, newReceiveAddress, send, WalletNetworkError, type HistoryEntry, type WalletNetwork } from './wallet.js';
import { createWalletFile, openWalletFile, saveWalletFile, walletPath, type OpenWallet, type WalletData } from './wallet-file.js';

/** The demo node's API, the default a newcomer runs. */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:28443';
export const PASSWORD_ENV = 'TOYCHAIN_WALLET_PASSWORD';

interface GlobalOptions {
  node: string;
  devnet?: number;
  devnetDir: string;
  walletDir: string;
  network?: string;
  json: boolean;
  passwordFile?: string;
  /** --devnet N without --wallet-dir: node N's own wallet (its folder's wallet/, its password file) */
  nodeWallet?: boolean;
}

/** The command's context: options, the node client and where output goes. */
class Cli {
  readonly client: NodeClient;
  /** the node's last GET /status: how a custom network's address prefix is known */
  private reported: NodeStatus | undefined;
  constructor(readonly opts: GlobalOptions) {
    this.client = new RestNodeClient(opts.node);
  }

  /** network is --network if given, else what the node says it runs. */
  async network(): Promise<string> {
    if (this.opts.network !== undefined) return networkParams(this.opts.network).name;
    try {
      return await this.nodeNetwork();
    } catch (e) {
      if (!(e instanceof NodeUnreachableError)) throw e;
      throw new UserError('node-unreachable', `${e.message}, or name the network with --network demo|regtest|regtest-retarget`, { cause: e });
    }
  }

  /** nodeNetwork asks the node for its network and checks it matches --network. */
  async nodeNetwork(): Promise<string> {
    const status = await this.client.status();
    const reported = status.network;
    if (this.opts.network !== undefined && reported !== this.opts.network) {
      throw new WalletNetworkError(`the node at ${this.opts.node} runs ${reported}, not ${this.opts.network}: point --node at a ${this.opts.network} node`);
    }
    this.reported = status;
    return this.params(reported).name;
  }

  /** params: a built-in network's, or a custom network's as its node reported it. */
  params(network: string): WalletNetwork {
    if (this.reported?.network === network && this.reported.addressPrefix !== undefined && networks[network] === undefined) {
      return { name: network, addressPrefix: this.reported.addressPrefix, ...(this.reported.coinbaseMaturity === undefined ? {} : { coinbaseMaturity: this.reported.coinbaseMaturity }) };
    }
    return networkParams(network);
  }

  file(network: string): string {
    return walletPath(this.opts.walletDir, network);
  }

  /** password reads --password-file, then the environment, then asks on a terminal (twice when `confirm`). */
  async password(confirm: boolean): Promise<string> {
    let password: string | undefined;
    if (this.opts.passwordFile !== undefined) password = firstLine(await readUserFile(this.opts.passwordFile, 'password file'));
    else if (process.env[PASSWORD_ENV] !== undefined) password = process.env[PASSWORD_ENV];
    else if (isInteractive()) {
      password = await readHidden('Wallet password: ');
      if (confirm && (await readHidden('Same password again: ')) !== password) {
        throw new UserError('password-mismatch', 'the two passwords differ; nothing was written');
      }
    } else {
      throw new UserError('no-password', `no wallet password: there is no terminal to ask on, so set ${PASSWORD_ENV} or pass --password-file FILE`);
    }
    if (password === '') throw new UserError('no-password', 'the wallet password is empty: choose one, it encrypts the wallet file');
    return password;
  }

  async open(network: string): Promise<OpenWallet> {
    const path = this.file(network);
    const wallet = await openWalletFile(path, await this.password(false));
    if (wallet.data.network !== network) throw new WalletNetworkError(`${path} is a ${wallet.data.network} wallet, not ${network}`);
    return wallet;
  }

  print(json: unknown, text: string): void {
    process.stdout.write(this.opts.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

async function readUserFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError('bad-file', `cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}

async function passphrase(file: string | undefined): Promise<string> {
  return file === undefined ? '' : firstLine(await readUserFile(file, 'passphrase file'));
}

/** refuseNodeWallet: create and restore make YOUR wallet; node N's was made by the devnet. */
function refuseNodeWallet(cli: Cli, command: string): void {
  if (cli.opts.nodeWallet !== true) return;
  throw new UserError(
    'node-wallet-exists',
    `--devnet ${cli.opts.devnet} without --wallet-dir uses node ${cli.opts.devnet}'s own wallet (${cli.opts.walletDir}), which the devnet made: to ${command} a wallet of your own, add --wallet-dir DIR (e.g. --wallet-dir ~/.toychain/wallet)`,
  );
}

async function create(cli: Cli, opts: { words: MnemonicWords; passphraseFile?: string }): Promise<void> {
  refuseNodeWallet(cli, 'create');
  const network = await cli.network();
  const pass = await passphrase(opts.passphraseFile);
  const password = await cli.password(true);
  const mnemonic = newMnemonic(opts.words);
  const data: WalletData = { network, mnemonic, passphrase: pass, nextReceive: 0, nextChange: 0, sent: [] };
  const path = cli.file(network);
  await createWalletFile(path, data, password);
  const words = mnemonic.split(' ').map((w, i) => `${String(i + 1).padStart(2)}. ${w}`);
  cli.print(
    { network, file: path, mnemonic },
    [
      `Created a ${network} wallet: ${path}`,
      '',
      `Your recovery words (shown this once; write them down, in order${pass === '' ? '' : ', and keep your passphrase too'}):`,
      '',
      ...words.map((w) => `  ${w}`),
      '',
      'Anyone with these words can spend your coins; without them a lost wallet file means lost coins.',
      'Next: toychain-wallet address',
    ].join('\n'),
  );
}

async function restore(cli: Cli, opts: { mnemonicFile?: string; passphraseFile?: string }): Promise<void> {
  refuseNodeWallet(cli, 'restore');
  const network = await cli.network();
  let text: string;
  if (opts.mnemonicFile !== undefined) text = await readUserFile(opts.mnemonicFile, 'mnemonic file');
  else if (isInteractive()) text = await readHidden('Recovery words (12 or 24, separated by spaces): ');
  else text = await readStdin();
  const mnemonic = normalizeMnemonic(text);
  const pass = await passphrase(opts.passphraseFile);
  const password = await cli.password(true);
  const data: WalletData = { network, mnemonic, passphrase: pass, nextReceive: 0, nextChange: 0, sent: [] };
  // Find the addresses the words were used with, if a node is there to ask.
  let scanned = true;
  try {
    await cli.nodeNetwork();
    await discoverAddresses(cli.client, data, new Keyring(data, cli.params(network)));
  } catch (e) {
    if (!(e instanceof NodeUnreachableError) || cli.opts.network === undefined) throw e;
    scanned = false;
  }
  const path = cli.file(network);
  await createWalletFile(path, data, password);
  cli.print(
    { network, file: path, receiveAddresses: data.nextReceive, changeAddresses: data.nextChange, scanned },
    `Restored a ${network} wallet: ${path}\n` +
      (scanned
        ? `Found ${data.nextReceive} used receive and ${data.nextChange} used change addresses.`
        : `No node at ${cli.opts.node}: no addresses were looked up; the next "address" starts at index 0.`),
  );
}

async function address(cli: Cli): Promise<void> {
  const network = await cli.network();
  const wallet = await cli.open(network);
  const addr = newReceiveAddress(wallet.data, new Keyring(wallet.data, cli.params(network)));
  await saveWalletFile(wallet);
  cli.print({ address: addr }, addr);
}

async function balance(cli: Cli): Promise<void> {
  const network = await cli.nodeNetwork();
  const wallet = await cli.open(network);
  const b = await getBalance(cli.client, wallet.data, new Keyring(wallet.data, cli.params(network)));
  const json = { confirmed: formatCoins(b.confirmed), unconfirmed: formatCoins(b.unconfirmed), immature: formatCoins(b.immature), spendable: formatCoins(b.spendable) };
  cli.print(
    json,
    [
      `confirmed    ${json.confirmed.padStart(20)}   (in blocks, immature coinbases included)`,
      `unconfirmed  ${json.unconfirmed.padStart(20)}   (paid to you by transactions still in the mempool)`,
      `immature     ${json.immature.padStart(20)}   (mined coins waiting ${cli.params(network).coinbaseMaturity ?? 'the network\'s maturity in'} blocks to mature)`,
      `spendable    ${json.spendable.padStart(20)}   (what "send" can use now)`,
    ].join('\n'),
  );
}

/**
 * The highest fee rate `send` pays without --force: 500 times the default, about 0.002
 * coins for a typical 200-byte payment. Bitcoin: Core's wallet refuses a fee above
 * -maxtxfee and sendrawtransaction one above maxfeerate.
 */
export const MAX_FEE_RATE = 1_000n;

async function sendCommand(cli: Cli, to: string, amountText: string, opts: { feeRate: bigint; force?: boolean }): Promise<void> {
  const amount = parseCoins(amountText);
  if (amount === 0n) throw new AmountError('the amount is zero: send more than zero coins (at least 0.00000001)');
  if (opts.feeRate > MAX_FEE_RATE && opts.force !== true) {
    throw new UserError(
      'fee-rate-too-high',
      `--fee-rate ${opts.feeRate} is above the maximum of ${MAX_FEE_RATE} base units per byte (a 200-byte payment would pay ${formatCoins(opts.feeRate * 200n)} coins in fees instead of at most ${formatCoins(MAX_FEE_RATE * 200n)}): lower it, or pass --force to pay it anyway`,
    );
  }
  if (cli.opts.network !== undefined) decodeAddress(to, networkParams(cli.opts.network));
  const network = await cli.nodeNetwork();
  const params = cli.params(network);
  const wallet = await cli.open(network);
  const result = await send(cli.client, wallet.data, new Keyring(wallet.data, params), to, amount, opts.feeRate, () => saveWalletFile(wallet));
  cli.print(
    { txid: result.txid },
    `Sent ${formatCoins(amount)} coins to ${to} (fee ${formatCoins(result.fee)}${result.change > 0n ? `, change ${formatCoins(result.change)} to a new change address` : ''}).\n` +
      `txid ${result.txid}`,
  );
}

async function history(cli: Cli, opts: { all?: boolean }): Promise<void> {
  const network = await cli.nodeNetwork();
  const wallet = await cli.open(network);
  const all = await getHistory(cli.client, wallet.data, new Keyring(wallet.data, cli.params(network)));
  // Matured block rewards fold into one line (a miner's wallet holds hundreds); --all lists each. JSON always lists each.
  const maturity = cli.params(network).coinbaseMaturity;
  const matured = (e: HistoryEntry): boolean => e.coinbase === true && maturity !== undefined && e.confirmations >= maturity;
  const folded = opts.all === true || cli.opts.json ? [] : all.filter(matured);
  const entries = folded.length < 2 ? all : all.filter((e) => !matured(e));
  const status = (e: HistoryEntry): string => (e.status === 'confirmed' ? `confirmed ${e.confirmations}` : e.status);
  const line = (e: HistoryEntry): string =>
    `${status(e).padEnd(14)} ${e.direction.padEnd(8)} ${e.amount.padStart(18)}  ${e.direction === 'sent' ? 'to' : 'at'} ${e.address}  ${e.txid}` +
    (e.failedBecause === 'conflict-confirmed' ? '\n               (a conflicting spend of its coins is confirmed: this payment will never confirm, and it spent nothing)' : '') +
    (e.failedBecause === 'coins-spendable-again' ? `\n               (not in this node's mempool or chain ${SETTLED_CONFIRMATIONS} blocks after it was sent, and its coins are spendable again here: it spent nothing. A heavier branch that has it could still confirm it)` : '') +
    (e.status === 'not-seen' ? `\n               (not seen by this node: in neither its mempool nor its chain, and its coins are not spent here; on a split network it may be pending on the other side. It fails if a conflicting spend confirms, or when its coins are spendable again ${SETTLED_CONFIRMATIONS} blocks after it was sent)` : '');
  const rewards = folded.length < 2 ? [] : [`matured        received ${formatCoins(folded.reduce((t, e) => t + parseCoins(e.amount), 0n)).padStart(18)}  in ${folded.length} block rewards, heights ${folded.at(-1)!.height}–${folded[0]!.height} (history --all lists each)`];
  const lines = [...entries.map(line), ...rewards];
  cli.print(all, lines.length === 0 ? 'No transactions yet.' : lines.join('\n'));
}

function parseWords(value: string): MnemonicWords {
  const n = Number(value);
  if (!(MNEMONIC_WORDS as readonly number[]).includes(n)) throw new InvalidArgumentError('choose 12 or 24.');
  return n as MnemonicWords;
}

function parseNodeNumber(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError('a node number, as toychain devnet status shows (0, 1, 2…).');
  return Number(value);
}

/**
 * resolveNode turns --devnet N into node N's API address and, unless --wallet-dir names
 * another, node N's own wallet (the devnet made it, with its password beside it); it
 * catches a --node without http://.
 */
async function resolveNode(opts: GlobalOptions, walletDirGiven: boolean): Promise<GlobalOptions> {
  if (opts.devnet !== undefined) {
    const node = await devnetNodeUrl(opts.devnetDir, opts.devnet);
    if (walletDirGiven) return { ...opts, node };
    const own = devnetNodeWallet(opts.devnetDir, opts.devnet);
    return { ...opts, node, walletDir: own.dir, passwordFile: opts.passwordFile ?? own.passwordFile, nodeWallet: true };
  }
  if (!/^https?:\/\//i.test(opts.node)) {
    throw new UsageError(`--node: '${opts.node}' has no scheme: write it as http://${opts.node.replace(/^\w+:\/\//, '')} (a node's API address starts with http://)`);
  }
  try {
    parseApiUrl(opts.node);
  } catch (e) {
    if (e instanceof ApiUrlError) throw new UsageError(`--node: ${e.message}`);
    throw e;
  }
  return opts;
}

function parseFeeRate(value: string): bigint {
  if (!/^[0-9]{1,9}$/.test(value)) throw new InvalidArgumentError('a fee rate is a whole number of base units per byte, e.g. 2.');
  return BigInt(value);
}

function program(run: (action: (cli: Cli) => Promise<void>) => Promise<void>): Command {
  const cmd = new Command('toychain-wallet')
    .description('A toychain HD wallet that talks to a node over its REST API.')
    .option('--node <url>', 'the node\'s API', DEFAULT_NODE_URL)
    .addOption(new Option('--devnet <n>', "use node N of the running devnet (npm start), found through its devnet folder, and node N's own wallet unless --wallet-dir is given").argParser(parseNodeNumber))
    .option('--devnet-dir <dir>', 'the devnet folder for --devnet', DEFAULT_DEVNET_DIR)
    .option('--wallet-dir <dir>', 'folder of the wallet files (one per network); with --devnet N the default is node N\'s own wallet', join(homedir(), '.toychain', 'wallet'))
    .addOption(new Option('--network <name>', 'the network, instead of asking the node (create, restore and address work without a node)').choices(['demo', 'regtest', 'regtest-retarget']))
    .option('--json', 'machine-readable output', false)
    .option('--password-file <file>', `read the wallet password from the first line of a file (or set ${PASSWORD_ENV})`)
    .showHelpAfterError(false)
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .exitOverride();
  cmd
    .command('create')
    .description('make a new wallet and show its recovery words once')
    .addOption(new Option('--words <n>', 'mnemonic length: 12 or 24').default(12).argParser(parseWords))
    .option('--passphrase-file <file>', 'an optional BIP39 passphrase (first line of the file), needed again to restore')
    .action((o) => run((cli) => create(cli, o)));
  cmd
    .command('restore')
    .description('rebuild a wallet from its recovery words (terminal prompt, --mnemonic-file, or stdin)')
    .option('--mnemonic-file <file>', 'read the words from a file')
    .option('--passphrase-file <file>', 'the BIP39 passphrase the wallet was made with')
    .action((o) => run((cli) => restore(cli, o)));
  cmd.command('address').description('show a new receive address').action(() => run(address));
  cmd.command('balance').description('confirmed, unconfirmed, immature and spendable coins').action(() => run(balance));
  cmd
    .command('send')
    .description('pay AMOUNT coins (up to 8 decimals) to ADDRESS; prints the txid')
    .argument('<address>', 'the recipient')
    .argument('<amount>', 'coins, e.g. 1.5')
    .addOption(new Option('--fee-rate <n>', 'fee in base units per byte').default(DEFAULT_FEE_RATE, String(DEFAULT_FEE_RATE)).argParser(parseFeeRate))
    .option('--force', `pay a fee rate above the maximum (${MAX_FEE_RATE} base units per byte)`)
    .action((to: string, amount: string, o) => run((cli) => sendCommand(cli, to, amount, o)));
  cmd
    .command('history')
    .description('sent and received transactions: confirmed N, pending, not-seen (by this node) or failed; matured block rewards on one line')
    .option('--all', 'list every matured block reward on its own line')
    .action((o: { all?: boolean }) => run((cli) => history(cli, o)));
  return cmd;
}

/** withDevnetHint: "cannot reach" a node while a devnet runs says how to use it. */
function withDevnetHint(e: unknown, opts: GlobalOptions): unknown {
  const unreachable = e instanceof NodeUnreachableError || (e instanceof UserError && e.code === 'node-unreachable');
  if (!unreachable || opts.devnet !== undefined || runningDevnet(opts.devnetDir) === undefined) return e;
  return new UserError('node-unreachable', `${(e as Error).message}; a devnet is running in ${opts.devnetDir}: use its nodes with --devnet 0 (1, 2…), as toychain devnet status lists them`, { cause: e });
}

const NO_COMMAND = 'no command given: try create, address, balance, send, history or restore (--help for all)';

/** main runs the command line and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  let failure: unknown;
  let ran = false;
  const cmd = program(async (action) => {
    ran = true;
    const cli = new Cli(await resolveNode(cmd.opts<GlobalOptions>(), cmd.getOptionValueSource('walletDir') !== 'default'));
    try {
      await action(cli);
    } catch (e) {
      throw withDevnetHint(e, cli.opts);
    }
  });
  try {
    await cmd.parseAsync(argv, { from: 'user' });
    if (!ran) throw new UsageError(NO_COMMAND);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      failure =
        e.code === 'commander.help'
          ? new UsageError(NO_COMMAND)
          : new UsageError(`${e.message.replace(/^error: /, '')} (see toychain-wallet --help)`);
    } else {
      failure = e;
    }
  }
  if (failure === undefined) return 0;
  const f = describeError(failure);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: f.code, message: f.message } })}\n`);
  else process.stderr.write(`toychain-wallet: ${f.message}\n`);
  return f.exitCode;
}

process.exitCode = await main(process.argv.slice(2));
