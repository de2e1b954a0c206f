/**
 * Errors from opening the store. Both are broken-node errors (they throw), not verdicts:
 * the CLI prints the message and stops. The lower error is kept as `cause`.
 */

/** The data directory's LevelDB lock is held: another node (or this one) already has it open. */
export class StoreLockedError extends Error {
  readonly dir: string;
  constructor(dir: string, options?: { cause?: unknown }) {
    super(`data directory ${dir} is in use by another toychain process`, options);
    this.name = 'StoreLockedError';
    this.dir = dir;
  }
}

/** Any other failure to open the store: unreadable directory, corrupt database, wrong format version. */
export class StoreOpenError extends Error {
  readonly dir: string;
  constructor(dir: string, message: string, options?: { cause?: unknown }) {
    super(`cannot open the store in ${dir}: ${message}`, options);
    this.name = 'StoreOpenError';
    this.dir = dir;
  }
}

/**
 * A stored value does not decode: the database is corrupt or was written by something
 * else. Core stops the same way ("Corrupted block database detected"). A broken node,
 * not bad input, so it is not a DecodeError (which the edges treat as a peer's fault).
 */
export class StoreCorruptError extends Error {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`corrupt store: ${what}`, options);
    this.name = 'StoreCorruptError';
  }
}
