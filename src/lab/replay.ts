/**
 * `toychain lab replay LOG`: a scenario's block finds again, on the lab's simulated
 * network. Each block of the log is found again by the same node, which builds it on its
 * own lab Chain's tip (the real Chain, on a memory store, lab clock); the lab delivers it
 * at once to the nodes that could hear the finder then (its group, if the network was
 * split) and, at each heal, every node receives every block it lacks. The lab's own
 * fork choice then decides each node's tip and reorgs, and they are compared with the
 * log's: the same tips and the same reorgs mean the devnet behaved as the model says.
 *
 * Lab blocks are other bytes than the devnet's (other keys, times and nonces): each lab
 * block stands for the log block it was found as, and tips are compared through that.
 * A log of regtest-retarget (a network made for tests that retargets, where a block costs
 * a moment's hashing) is replayed on its own rules, each lab block stamped with its log
 * block's time: the retarget then gives the lab's blocks the devnet's difficulties, and
 * the fork choice weighs the same work (heavier-beats-longer).
 * Differs from the devnet otherwise: every block has regtest's fixed difficulty, and
 * delivery within a group is instant (no link delay): a log of a demo devnet with
 * difficulty changes or races between near-simultaneous finds can differ, and the
 * result says so.
 */
import type { Reorg } from '../chain/block-outcome.js';
import { networks, regtest, retargetInterval } from '../consensus/params.js';
import type { LoggedEvent } from '../scenario/event-log.js';
import { replayAt } from '../scenario/replay.js';
import { BlockBuilder, type LabBlock } from './block-builder.js';
import { LabClock } from './lab-clock.js';
import { LabNode } from './lab-node.js';

export interface LabReplayTip {
  node: number;
  /** the node's tip at the end of the log */
  log: string | null;
  /** the log block the lab node's tip stands for */
  lab: string | null;
  same: boolean;
}

export interface LabReplayReorg {
  node: number;
  depth: number;
  /** the log block the new tip stands for (lab), or is (log) */
  newTip: string | null;
}

export interface LabReplayResult {
  nodes: number;
  /** block finds replayed */
  blocks: number;
  tips: LabReplayTip[];
  reorgs: { log: LabReplayReorg[]; lab: LabReplayReorg[] };
  sameTips: boolean;
  sameReorgs: boolean;
  /** finds the lab's miner made on another parent than the devnet's (its tip differed) */
  otherParent: { hash: string; node: number; logParent: string | null; labParent: string | null }[];
  /** log blocks whose parent never appeared in the log (they could not be replayed) */
  unplaced: string[];
}

const MAX_BLOCKS = 100_000;

export async function labReplay(events: readonly LoggedEvent[]): Promise<LabReplayResult> {
  const head = events[0];
  if (head?.kind !== 'scenario') throw new RangeError("labReplay: a scenario log starts with its 'scenario' line");
  const count = head.nodes;
  const own = networks[head.network];
  // Its own rules only where a block is cheap to find and its time the log's (a mockable chain that retargets).
  const params = own !== undefined && own.mockableChain === true && !own.noRetargeting ? own : regtest;
  const stamped = params !== regtest;
  const builder = new BlockBuilder(params);
  const clock = new LabClock(params.genesis.time);
  const nodes: LabNode[] = [];
  for (let i = 0; i < count; i++) nodes.push(await LabNode.open(builder, clock));
  const labReorgs: LabReplayReorg[] = [];
  const standsFor = new Map<string, string>(); // lab id → log hash
  const mirror = new Map<string, LabBlock>(); // log hash → lab block
  try {
    nodes.forEach((n, i) => n.chain.on('reorg', (r: Reorg) => labReorgs.push({ node: i, depth: r.depth, newTip: standsFor.get(r.newTip) ?? null })));
    const built: LabBlock[] = [];
    const otherParent: LabReplayResult['otherParent'] = [];
    let split = false;
    const deliver = async (block: LabBlock, to: number[]): Promise<void> => {
      for (const i of to) if (!nodes[i]!.has(block.id)) await nodes[i]!.submit(block);
    };
    // The history before the log: one common chain up to the highest tip of the snapshot.
    // A block before the log (a snapshot tip, or the parent of the log's first blocks) is
    // stood for by the prehistory block at its height: its real branch is not in the log.
    const prehistory = [builder.genesis()];
    const snapshot = events.find((e) => e.kind === 'snapshot');
    const snapshotTips = snapshot?.kind === 'snapshot' ? Object.values(snapshot.tips) : [];
    const top = Math.min(MAX_BLOCKS, Math.max(0, ...snapshotTips.map((t) => t.height)));
    // On a retargeting network its blocks are spaced so a window measures its timespan (interval − 1 gaps).
    const prehistoryGap = stamped ? Math.ceil(params.targetTimespan / Math.max(1, retargetInterval(params) - 1)) : 1;
    while (prehistory.length <= top) {
      clock.advanceTo(clock.exact + prehistoryGap);
      const block = builder.buildOn(prehistory.at(-1)!, { now: clock.now(), miner: 0 });
      prehistory.push(block);
      await deliver(block, nodes.map((_, i) => i));
    }
    for (const t of snapshotTips) {
      mirror.set(t.hash, prehistory[t.height]!);
      standsFor.set(prehistory[t.height]!.id, t.hash);
    }
    const inLog = new Set(events.flatMap((e) => (e.kind === 'block' ? [e.hash] : [])));
    const parentOf = (b: { prevHash: string | null; height: number }): LabBlock | undefined => {
      if (b.prevHash === null) return undefined;
      const known = mirror.get(b.prevHash);
      if (known !== undefined || inLog.has(b.prevHash) || b.height - 1 > top) return known;
      return prehistory[b.height - 1];
    };
    const waiting = events.filter((e): e is Extract<LoggedEvent, { kind: 'block' }> => e.kind === 'block');
    const pending: typeof waiting = [];
    const base = clock.exact;
    const findOne = async (b: (typeof waiting)[number]): Promise<boolean> => {
      const logParent = parentOf(b);
      if (logParent === undefined) return false;
      const finder = b.miner ?? b.node;
      if (finder >= count) return false;
      const tip = nodes[finder]!.tip;
      if (tip.id !== logParent.id) otherParent.push({ hash: b.hash, node: finder, logParent: b.prevHash, labParent: standsFor.get(tip.id) ?? null });
      clock.advanceTo(Math.max(clock.exact, base + b.t / 1000, stamped && b.time !== undefined ? b.time : 0));
      const block = builder.buildOn(tip, { now: clock.now(), miner: finder, ...(stamped && b.time !== undefined && b.time > builder.medianTimeOf(tip) ? { time: b.time } : {}) });
      mirror.set(b.hash, block);
      standsFor.set(block.id, b.hash);
      built.push(block);
      const hear = split ? (b.reachable ?? [finder]) : nodes.map((_, i) => i);
      await deliver(block, [finder, ...hear.filter((i) => i !== finder && i < count)]);
      return true;
    };
    for (const e of events) {
      if (e.kind === 'split') split = true;
      if (e.kind === 'heal') {
        split = false;
        for (const block of built) await deliver(block, nodes.map((_, i) => i));
      }
      if (e.kind !== 'block' || mirror.has(e.hash)) continue;
      if (built.length >= MAX_BLOCKS) break;
      if (!(await findOne(e))) pending.push(e);
      // A block whose parent came later in the log is found once the parent is.
      for (let progress = true; progress; ) {
        progress = false;
        for (const p of [...pending]) {
          if (await findOne(p)) {
            pending.splice(pending.indexOf(p), 1);
            progress = true;
          }
        }
      }
    }
    const end = replayAt(events);
    const tips: LabReplayTip[] = nodes.map((n, i) => {
      const log = end.tips[i]?.hash ?? null;
      const lab = standsFor.get(n.chain.tip.id) ?? null;
      return { node: i, log, lab, same: log !== null && log === lab };
    });
    const logReorgs = end.reorgs.map((r) => ({ node: r.node, depth: r.depth, newTip: r.newTip }));
    const key = (r: LabReplayReorg): string => `${r.node}/${r.depth}`;
    const sameReorgs = JSON.stringify(logReorgs.map(key).sort()) === JSON.stringify(labReorgs.map(key).sort());
    return { nodes: count, blocks: built.length, tips, reorgs: { log: logReorgs, lab: labReorgs }, sameTips: tips.every((t) => t.same), sameReorgs, otherParent, unplaced: pending.map((p) => p.hash) };
  } finally {
    for (const n of nodes) await n.close();
  }
}
