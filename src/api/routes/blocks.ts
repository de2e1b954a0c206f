/**
 * GET /blocks (a page of the active chain by height, newest first unless asked) and
 * GET /blocks/:hashOrHeight (one block, on any branch when named by hash).
 */
import type { ChainEntry } from '../../chain/block-index.js';
import type { ChainView as Chain } from '../../chain/chain-view.js';
import type { Block } from '../../consensus/block.js';
import { operations } from '../contract/operations.js';
import { blockSummary, blockView } from '../block-view.js';
import { NotFoundError, BadRequestError } from '../errors.js';
import type { Routes } from '../route.js';
import type { ApiDeps } from '../services.js';
import { displayHex } from '../../consensus/bytes.js';

const HASH = /^[0-9a-fA-F]{64}$/;
const HEIGHT = /^\d{1,10}$/;

export function registerBlockRoutes(routes: Routes, { chain, params }: ApiDeps): void {
  routes.json(operations.listBlocks, async ({ query: { from, limit, order } }) => {
    const heights: number[] = [];
    if (order === 'desc') {
      for (let h = Math.min(from ?? chain.height, chain.height); h >= 0 && heights.length < limit; h--) heights.push(h);
    } else {
      for (let h = from ?? 0; h <= chain.height && heights.length < limit; h++) heights.push(h);
    }
    const blocks = [];
    for (const h of heights) {
      const entry = chain.getEntryAtHeight(h);
      if (entry === undefined) break; // the tip moved back while we read
      blocks.push(blockSummary(entry, await readBlock(chain, entry)));
    }
    const last = heights[heights.length - 1];
    const next = last === undefined ? null : order === 'desc' ? (last > 0 ? last - 1 : null) : last < chain.height ? last + 1 : null;
    return { tip: chain.tip.id, height: chain.height, order, blocks, next };
  });

  routes.json(operations.getBlock, async ({ params: { hashOrHeight } }) => {
    const entry = findEntry(chain, hashOrHeight);
    return blockView(chain, entry, await readBlock(chain, entry), params);
  });
}

/** findEntry reads a path parameter as a height on the active chain or a block hash on any branch. */
function findEntry(chain: Chain, id: string): ChainEntry {
  if (HASH.test(id)) {
    const blockId = displayHex(id, 'params.hashOrHeight');
    const entry = chain.getEntry(blockId);
    if (entry === undefined) throw new NotFoundError(`no block with hash ${blockId}`);
    return entry;
  }
  if (HEIGHT.test(id)) {
    const height = Number(id);
    const entry = chain.getEntryAtHeight(height);
    if (entry === undefined) throw new NotFoundError(`no block at height ${height}: the active chain ends at ${chain.height}`);
    return entry;
  }
  throw new BadRequestError('bad-request', `params.hashOrHeight: "${id.slice(0, 80)}" is neither a block hash (64 hex digits) nor a height`);
}

async function readBlock(chain: Chain, entry: ChainEntry): Promise<Block> {
  const block = await chain.getBlock(entry.id);
  if (block === undefined) throw new NotFoundError(`block ${entry.id} is known by its header only: its data has not arrived`);
  return block;
}
