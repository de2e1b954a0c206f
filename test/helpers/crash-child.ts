/**
 * Child process of the crash-safety test: opens a LevelDB store, feeds the chain the
 * blocks listed in a file (hex, in order; ones it already has are duplicates) and
 * exits. The test kills it with SIGKILL at random instants and checks the store.
 */
import { readFileSync } from 'node:fs';
import { decodeBlock } from '../../src/consensus/block.js';
import { hexToBytes } from '../../src/consensus/bytes.js';
import { Chain } from '../../src/chain/chain.js';
import { openLevelStore } from '../../src/storage/level-store.js';
import { CRASH_PARAMS } from './crash-params.js';
import { FAR_FUTURE } from './chain-fixture.js';

const [dir, blocksFile] = process.argv.slice(2);
if (dir === undefined || blocksFile === undefined) throw new Error('usage: crash-child DATADIR BLOCKS_FILE');
const hexes = JSON.parse(readFileSync(blocksFile, 'utf8')) as string[];
const store = await openLevelStore(dir);
const chain = await Chain.open(store, CRASH_PARAMS, { clock: () => FAR_FUTURE });
process.stdout.write(`ready ${chain.height}\n`);
for (const hex of hexes) {
  const outcome = await chain.processBlock(decodeBlock(hexToBytes(hex)));
  if (outcome.status === 'rejected' || outcome.status === 'orphan') throw new Error(`unexpected ${outcome.status} ${outcome.blockId}`);
  // Progress for the parent, which kills at a random point after some new blocks.
  if (outcome.status !== 'duplicate') process.stdout.write(`processed ${outcome.status}\n`);
}
await store.close();
process.stdout.write(`done ${chain.tip.id}\n`);
