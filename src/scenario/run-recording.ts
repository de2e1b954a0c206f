/**
 * What a scenario run records as it goes: every event in the log's shape (steps, blocks,
 * tips, reorgs, splits, payments) stamped with its time since the start, and the figures
 * the steps read back from it (the blocks found, the reorgs seen, each node's last
 * tip). Its own module because the log is what a replay draws: keeping the recording
 * apart from step execution keeps its one rule visible — the log must end where the
 * devnet did (settle).
 */
import { setTimeout as pause } from 'node:timers/promises';
import type { TreeBlock } from '../devnet/block-tree.js';
import type { LoggedEvent, ScenarioEvent } from './event-log.js';

const POLL_MS = 200;
/** How long settle waits for the nodes' last tip events. */
const SETTLE_MS = 5_000;

export class RunRecording {
  readonly startedAt = Date.now();
  readonly events: LoggedEvent[] = [];
  readonly reorgs: { node: number; depth: number }[] = [];
  /** blocks first connected since the start, in order: what a `mine` step counts in mining mode */
  readonly found: { hash: string; miner: number | null }[] = [];
  /** each node's tip as the log last says */
  readonly lastTips = new Map<number, string>();

  constructor(private readonly onEvent: ((event: LoggedEvent) => void) | undefined) {}

  emit(event: ScenarioEvent): void {
    const logged = { ...event, t: Date.now() - this.startedAt } as LoggedEvent;
    this.events.push(logged);
    this.onEvent?.(logged);
  }

  /** onDevnetEvent logs what the devnet reports: blocks (by the node that had each first), sightings, tips, reorgs. */
  onDevnetEvent(name: string, data: unknown): void {
    const d = data as Record<string, unknown>;
    if (typeof d !== 'object' || d === null) return;
    if (name === 'block') {
      const b = data as TreeBlock;
      const first = Object.entries(b.seenBy).sort((x, y) => x[1] - y[1])[0];
      if (first === undefined) return;
      this.found.push({ hash: b.hash, miner: b.miner ?? null });
      this.emit({ kind: 'block', hash: b.hash, prevHash: b.prevHash, height: b.height, chainwork: b.chainwork, time: b.time, miner: b.miner ?? null, node: Number(first[0]), ...(b.reachable === undefined ? {} : { reachable: b.reachable }) });
    } else if (name === 'seen') {
      this.emit({ kind: 'seen', hash: String(d.hash), node: Number(d.node) });
    } else if (name === 'tip') {
      this.lastTips.set(Number(d.node), String(d.hash));
      this.emit({ kind: 'tip', node: Number(d.node), hash: String(d.hash), height: Number(d.height) });
    } else if (name === 'reorg') {
      this.reorgs.push({ node: Number(d.node), depth: Number(d.depth) });
      this.emit({ kind: 'reorg', node: Number(d.node), oldTip: String(d.oldTip), newTip: String(d.newTip), fork: String(d.fork), depth: Number(d.depth) });
    }
  }

  /**
   * settle waits (bounded) until the log's last tip of each node is what the node says now,
   * so a replay of the log ends where the devnet did: the nodes' tip events travel on
   * their own streams and may trail the REST answers the last step read. `readTips` reads
   * each node's tip now (undefined for a node that does not answer).
   */
  async settle(readTips: () => Promise<(string | undefined)[]>): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const tips = await readTips();
      if (tips.every((tip, i) => tip === undefined || this.lastTips.get(i) === tip) || Date.now() >= deadline) return;
      await pause(POLL_MS);
    }
  }
}
