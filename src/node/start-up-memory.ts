/**
 * Keeping an idle node small. V8 grows its young generation (the semi-spaces where new
 * objects are born) when a scavenge finds many survivors, and start-up is exactly that:
 * modules, the block index and the store's first reads all survive. The young
 * generation then stays at its grown size (16 MB here) in a node that allocates next to
 * nothing while idle. So the growth is switched off while the node starts and switched
 * back on once it is up: a node that then syncs or mines grows its young generation as
 * usual, and an idle node keeps the initial one. `npm run bench -- memory` measures the
 * idle node's RSS.
 *
 * Most of the start-up garbage comes from loading modules, so the hold starts in the
 * first module the `toychain` command imports (src/cli/hold-young-generation.ts), and
 * the command imports every other module dynamically after it: a static import would
 * load with the command's whole static graph, before the hold (zod and the contract
 * alone grew the young generation to 4-8 MB that way). Only for `toychain node`; runNode
 * releases the hold once the node is up.
 *
 * `--max-semi-space-size` would bound it for good, but only from the command line and for
 * every node, syncing ones included, where a bigger young generation pays; the node does
 * not set it.
 *
 * The growth factor is one of the V8 flags read each time the heap grows, so it can be
 * changed at run time (the maximum semi-space size cannot: it is fixed when the heap is
 * made).
 */
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

/** holdYoungGeneration keeps the young generation at its current size until releaseYoungGeneration. */
export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** releaseYoungGeneration lets the young generation grow again, as V8 does by default. */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
