/**
 * Block locators, Bitcoin's way for two nodes to find where their chains fork with one
 * message: the hashes of the last 10 blocks, then exponentially spaced ones back to
 * genesis. The answering node takes the first hash on its active chain as the fork and
 * sends the headers after it.
 */
import type { Chain } from '../chain/chain.js';
import { ancestor, type ChainEntry } from '../chain/block-index.js';
import type { Hash32 } from '../consensus/bytes.js';
import type { BlockHeader } from '../consensus/header.js';
import { MAX_HEADERS, MAX_LOCATOR_HASHES } from './messages.js';

/** blockLocator lists hashes from `from` back to genesis: 10 one apart, then doubling steps. @see Core CChain::GetLocator. */
export function blockLocator(from: ChainEntry): Hash32[] {
  const hashes: Hash32[] = [];
  let step = 1;
  let entry: ChainEntry | undefined = from;
  while (entry !== undefined && hashes.length < MAX_LOCATOR_HASHES) {
    hashes.push(entry.hash);
    if (entry.height === 0) break;
    // The last hash is always genesis, so any two nodes of one network share a fork point.
    entry = ancestor(entry, Math.max(entry.height - step, 0));
    if (hashes.length >= 10) step *= 2;
  }
  return hashes;
}

/** locatorFork is the first locator hash on our active chain, else genesis. @see Core FindForkInGlobalIndex. */
export function locatorFork(chain: Chain, locator: readonly Hash32[]): ChainEntry {
  for (const hash of locator) {
    const entry = chain.getEntryByHash(hash);
    if (entry !== undefined && chain.isActive(entry)) return entry;
  }
  return chain.getEntryAtHeight(0)!;
}

/** headersAfter lists active-chain headers after `fork`, at most `max`, ending early at `stopId`. */
export function headersAfter(chain: Chain, fork: ChainEntry, stopId: string | undefined, max = MAX_HEADERS): BlockHeader[] {
  const headers: BlockHeader[] = [];
  for (let height = fork.height + 1; height <= chain.height && headers.length < max; height++) {
    const entry = chain.getEntryAtHeight(height)!;
    headers.push(entry.header);
    if (entry.id === stopId) break;
  }
  return headers;
}
