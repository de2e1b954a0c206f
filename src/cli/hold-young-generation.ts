/**
 * Imported first by the `toychain` command, for its side effect: when the command is
 * `toychain node`, the young generation does not grow and code is not compiled beyond
 * the interpreter while the modules load and the node starts (see
 * src/node/start-up-memory.ts); runNode releases both once the node is up. Other
 * commands are left alone.
 */
import { holdForStartUp } from '../node/start-up-memory.js';

if (process.argv[2] === 'node') holdForStartUp();
