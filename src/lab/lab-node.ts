/**
 * A lab node: the real Chain (src/chain/chain.ts: block index, fork choice, reorg,
 * UTXO set) on a memory store, with the lab's clock injected. Every lab block goes
 * through Chain.processBlock, so what the experiments report as "the attacker's branch
 * won" is the Chain's own fork choice moving its tip, not a comparison the lab makes.
 */
import type { Chain, ChainOptions } from '../chain/chain.js';
import type { BlockOutcome } from '../chain/block-outcome.js';
import { Chain as RealChain } from '../chain/chain.js';
import type { NetworkParams } from '../consensus/params.js';
import { openMemoryStore } from '../storage/level-store.js';
import type { BlockBuilder, LabBlock } from './block-builder.js';
import type { LabClock } from './lab-clock.js';
import { type DisplayHex } from '../consensus/bytes.js';

/** A lab block the Chain rejected: the lab built it wrong, which is a bug, never an outcome. */
export class LabBlockRejectedError extends Error {
  constructor(
    readonly id: string,
    readonly reason: string,
    debug: string | undefined,
  ) {
    super(`the chain rejected lab block ${id}: ${reason}${debug === undefined ? '' : ` (${debug})`}`);
    this.name = 'LabBlockRejectedError';
  }
}

export class LabNode {
  /** every block this node's chain holds, by id, so a miner can build on the chain's tip */
  private readonly blocks = new Map<string, LabBlock>();
  /** blocks sent to the chain */
  submitted = 0;

  private constructor(
    readonly chain: Chain,
    genesis: LabBlock,
  ) {
    this.blocks.set(genesis.id, genesis);
  }

  /** open starts a chain at the builder's genesis on an empty memory store, on the lab's clock. */
  static async open(builder: BlockBuilder, clock: LabClock, options: Pick<ChainOptions, 'forkChoice'> = {}): Promise<LabNode> {
    const store = await openMemoryStore();
    const chain = await RealChain.open(store, builder.params, { ...options, clock: () => clock.now() });
    return new LabNode(chain, builder.genesis());
  }

  get params(): NetworkParams {
    return this.chain.params;
  }

  /** tip is the block at the chain's active tip: where an honest miner builds next. */
  get tip(): LabBlock {
    const tip = this.blocks.get(this.chain.tip.id);
    if (tip === undefined) throw new Error(`LabNode: the chain's tip ${this.chain.tip.id} is not a lab block`);
    return tip;
  }

  has(id: string): boolean {
    return this.blocks.has(id);
  }

  /** submit hands a block to Chain.processBlock; any rejection throws LabBlockRejectedError. */
  async submit(block: LabBlock): Promise<BlockOutcome> {
    const outcome = await this.chain.processBlock(block.block);
    this.submitted++;
    if (outcome.status === 'rejected') throw new LabBlockRejectedError(block.id, outcome.reason, outcome.debug);
    this.blocks.set(block.id, block);
    return outcome;
  }

  /** isActive says whether the block is on the chain's active branch now. */
  isActive(id: DisplayHex): boolean {
    const entry = this.chain.getEntry(id);
    return entry !== undefined && this.chain.isActive(entry);
  }

  async close(): Promise<void> {
    await this.chain.store.close();
  }
}
