/** Errors of the chain layer: a broken store or a data directory of another network. These are not rule failures. */

/** The data directory holds a chain of another network (its genesis block differs). */
export class ChainMismatchError extends Error {
  constructor(network: string, storedGenesis: string) {
    super(`the data directory holds a chain whose genesis is ${storedGenesis}, not ${network}'s: use another --datadir or --network`);
    this.name = 'ChainMismatchError';
  }
}

/** The store contradicts itself (a record without its block, a tip not in the index). */
export class CorruptStoreError extends Error {
  constructor(message: string) {
    super(`corrupt store: ${message}`);
    this.name = 'CorruptStoreError';
  }
}
