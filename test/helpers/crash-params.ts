import { regtest, type NetworkParams } from '../../src/consensus/params.js';

/** regtest with coinbases spendable after 2 blocks, so every crash-test block can spend one. */
export const CRASH_PARAMS: NetworkParams = { ...regtest, name: 'regtest-crash', coinbaseMaturity: 2 };
