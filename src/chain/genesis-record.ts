/** The genesis block as the store keeps it: connected by definition, with no undo data and no coins. */
import type { Block } from '../consensus/block.js';
import { genesisBlock } from '../consensus/genesis.js';
import { headerHash } from '../consensus/header.js';
import type { NetworkParams } from '../consensus/params.js';
import { blockWork } from '../consensus/pow.js';
import { BlockStatus, type BlockRecord } from '../storage/store.js';

export function genesisRecord(params: NetworkParams): { record: BlockRecord; block: Block } {
  const block = genesisBlock(params);
  const record: BlockRecord = {
    hash: headerHash(block.header),
    header: block.header,
    height: 0,
    chainwork: blockWork(block.header.bits),
    status: BlockStatus.HAVE_DATA | BlockStatus.VALID,
    sequence: 0,
  };
  return { record, block };
}
