/**
 * Blocks made on demand (regtest `generate`) with the times a lesson asks for. Its own
 * module because stamping a block's time is a small protocol of its own — set the node's
 * clock just before each block, let it go after — and a retargeting network needs it
 * for its difficulty to hold (stampedSpacing).
 */
import type { Status } from '../api/contract/responses.js';
import type { ResponseOf } from '../api/contract/operations.js';
import { ServiceRefusal } from '../api/services.js';
import { retargetInterval, type NetworkParams } from '../consensus/params.js';
import type { ChildNode } from './child-node.js';

/**
 * generateBlocks mines blocks on one node now (regtest), through its API. On a network made
 * for tests whose clock can be set, `spacingSec` stamps each block that long after its
 * parent: the node's clock is set (PUT /clock) just before each block and let go after,
 * as Core's functional tests use setmocktime. A network that also retargets
 * (regtest-retarget) is always stamped so, by default at stampedSpacing(): a burst
 * made on the real clock would look four times too fast at every retarget, and the
 * difficulty would climb fourfold every few blocks. The stamps run ahead of the wall
 * clock (14 s a block against a lesson's seconds): after some 500 blocks they pass the
 * 2 h any other node allows (time-too-new), the devnet's own included; a lesson mines a handful.
 */
export async function generateBlocks(node: ChildNode, blocks: number, params: NetworkParams, options: { spacingSec?: number } = {}): Promise<string[]> {
  const spacing = options.spacingSec ?? (params.mockableChain === true && !params.noRetargeting ? stampedSpacing(params) : undefined);
  if (spacing === undefined) return (await node.api<ResponseOf<'generateBlocks'>>('POST', '/mining/generate', { blocks }, 120_000)).hashes;
  if (params.mockableChain !== true) throw new ServiceRefusal('mocktime-not-allowed', `blocks can be spaced only on a network whose clock can be set (regtest, regtest-retarget); this devnet runs ${params.name}`, 409);
  const hashes: string[] = [];
  try {
    for (let i = 0; i < blocks; i++) {
      const status = await node.api<Status>('GET', '/status');
      const parent = await node.api<ResponseOf<'getBlock'>>('GET', `/blocks/${status.tip}`);
      await node.api('PUT', '/clock', { mocktime: parent.time + spacing });
      hashes.push(...(await node.api<ResponseOf<'generateBlocks'>>('POST', '/mining/generate', { blocks: 1 }, 120_000)).hashes);
    }
  } finally {
    if (node.alive) await node.api('PUT', '/clock', { mocktime: 0 }).catch(() => undefined);
  }
  return hashes;
}

/**
 * stampedSpacing is the gap between blocks made on demand that holds a retargeting
 * network's difficulty: Bitcoin's retarget measures the interval's gaps (one fewer than
 * its blocks) against the whole timespan, so the gap is timespan / (interval − 1),
 * rounded up (regtest-retarget: 40 s / 3 → 14 s; the difficulty eases 5 % a window
 * rather than climbing).
 */
export function stampedSpacing(params: NetworkParams): number {
  return Math.ceil(params.targetTimespan / Math.max(1, retargetInterval(params) - 1));
}
