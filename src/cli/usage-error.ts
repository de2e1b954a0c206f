/**
 * UsageError: the command line itself is wrong (an unknown value, a missing argument, a
 * bad option). Both commands, `toychain` and `toychain-wallet`, print its message and
 * hint and exit with code 2, never with a stack trace. One class for both: the wallet
 * may import this module and nothing else of the CLI (.dependency-cruiser.cjs), because
 * it imports nothing itself.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** what to type instead, printed as `hint: …` */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
