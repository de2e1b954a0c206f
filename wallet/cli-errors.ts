/**
 * The CLI edge's errors: every error a command can meet becomes one line with a stable
 * code, exit code 1 for a user error and 2 for a usage error, and never a stack trace.
 * With --json the same facts come out as `{ "error": { "code", "message" } }`.
 */
import { UsageError } from '../src/cli/usage-error.js';
import { AddressError } from '../src/consensus/address.js';
import { AmountError } from '../src/consensus/amount.js';
import { InsufficientFundsError } from './coin-selection.js';
import { MnemonicError } from './keys.js';
import { NodeError, NodeUnreachableError } from './node-client.js';
import { WalletNetworkError } from './wallet.js';
import { ScryptCostError, UnreadableWalletError, WalletExistsError, WalletNotFoundError, WrongPasswordError } from './wallet-file.js';


/** UserError: a named user mistake found by the CLI itself (no password, unreadable file, …); exit code 1. */
export class UserError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
  }
}

export interface CliFailure {
  code: string;
  message: string;
  exitCode: 1 | 2;
}

/** describeError maps any thrown value to the code, one-line message and exit code the CLI reports. */
export function describeError(e: unknown): CliFailure {
  const user = (code: string, message: string): CliFailure => ({ code, message: oneLine(message), exitCode: 1 });
  if (e instanceof UsageError) return { code: 'usage', message: oneLine(e.hint === undefined ? e.message : `${e.message} (${e.hint})`), exitCode: 2 };
  if (e instanceof UserError) return user(e.code, e.message);
  if (e instanceof AmountError) return user('bad-amount', e.message);
  if (e instanceof AddressError) return user('bad-address', `"${e.address}" is not a valid address here: ${e.reason}`);
  if (e instanceof InsufficientFundsError) return user('insufficient-funds', e.message);
  if (e instanceof WrongPasswordError) return user('wrong-password', e.message);
  if (e instanceof WalletNotFoundError) return user('no-wallet', `${e.message}: make one with "toychain-wallet create" or "toychain-wallet restore"`);
  if (e instanceof WalletExistsError) return user('wallet-exists', `${e.message}: it was not touched; use another --wallet-dir to keep two wallets`);
  if (e instanceof ScryptCostError) return user('wallet-cost-too-high', e.message);
  if (e instanceof UnreadableWalletError) return user('unreadable-wallet', e.message);
  if (e instanceof MnemonicError) return user('bad-mnemonic', e.message);
  if (e instanceof WalletNetworkError) return user('wrong-network', e.message);
  if (e instanceof NodeUnreachableError) return user('node-unreachable', e.message);
  if (e instanceof NodeError) return user(e.code, e.message);
  return user('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
