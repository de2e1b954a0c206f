/**
 * Imported first by the `toychain` command, for its side effect: when the command is
 * `toychain node`, the young generation does not grow while the modules load and the
 * node starts (see src/node/start-up-memory.ts); runNode lets it grow again once the
 * node is up. Other commands are left alone.
 */
import { holdYoungGeneration } from '../node/start-up-memory.js';

if (process.argv[2] === 'node') holdYoungGeneration();
