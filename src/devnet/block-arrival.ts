/**
 * Blocks as the nodes report them, into the BlockTree: the recent chain a node has when
 * watching starts, and each block-connected event after. Shared by the devnet
 * supervisor and `toychain watch`, which read their nodes the same way.
 */
import type { NodeEventData } from '../api/contract/events.js';
import type { ResponseOf } from '../api/contract/operations.js';
import type { BlockTree, TreeBlock } from './block-tree.js';

/** What a node's block-connected event carries (the API contract's). */
export type ConnectedBlock = NodeEventData<'block-connected'>;

/** A node's REST API, as far as reading blocks goes: GET path → parsed JSON. */
export type BlockReader = <T>(path: string) => Promise<T>;

/** loadRecentBlocks puts a node's newest 50 blocks in the tree (parents linked), so the page has a chain to draw at once. */
export async function loadRecentBlocks(tree: BlockTree, read: BlockReader, at: number): Promise<void> {
  const page = await read<ResponseOf<'listBlocks'>>('/blocks?limit=50&order=desc');
  const byHeight = new Map(page.blocks.map((b) => [b.height, b]));
  for (const b of [...page.blocks].reverse()) {
    tree.add({ hash: b.hash, height: b.height, time: b.time, chainwork: b.chainwork, txCount: b.txCount, prevHash: byHeight.get(b.height - 1)?.hash ?? null }, undefined, at);
  }
}

/**
 * recordArrival notes that node `index` connected block `b` at `at`. A block new to the
 * tree gets its parent from the node (GET /blocks/HASH) and is returned; a known one
 * only gets the node's arrival time, and undefined is returned.
 */
export async function recordArrival(tree: BlockTree, index: number, b: ConnectedBlock, at: number, read: BlockReader): Promise<TreeBlock | undefined> {
  if (tree.has(b.hash)) {
    tree.seen(b.hash, index, at);
    return undefined;
  }
  let prevHash: string | null = null;
  try {
    prevHash = (await read<ResponseOf<'getBlock'>>(`/blocks/${b.hash}`)).prevHash;
  } catch {
    // drawn without a parent line; the next block that names it as parent joins up
  }
  if (!tree.add({ hash: b.hash, height: b.height, time: b.time, chainwork: b.chainwork, prevHash }, index, at)) return undefined;
  return tree.get(b.hash);
}
