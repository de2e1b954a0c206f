/**
 * How a devnet keeps its nodes wired as asked: the graph of who dials whom (all of it
 * when healed, each group's part when split), the deny lists that make a split's sides
 * drop and refuse each other, and the pass that dials every missing edge. Its own module
 * because the supervisor (devnet.ts) keeps the wiring itself rather than relying on the
 * nodes' reconnect logic, and that job is apart from starting nodes and drawing the view.
 */
import type { Logger } from 'pino';
import { ServiceRefusal } from '../api/services.js';
import type { ResponseOf } from '../api/contract/operations.js';
import type { ChildNode } from './child-node.js';
import { baseEdges, checkGroups, groupEdges, type Edge } from './topology.js';

export class DevnetWiring {
  private readonly base: Edge[];
  private current: number[][] | null = null;
  private maintaining: Promise<void> | undefined;

  /** `stopped` says the devnet is stopping: no more dialling. */
  constructor(
    private readonly nodes: readonly ChildNode[],
    private readonly logger: Logger,
    private readonly stopped: () => boolean,
  ) {
    this.base = baseEdges(nodes.length);
  }

  /** the groups of a split, each sorted, or null when healed */
  get groups(): number[][] | null {
    return this.current;
  }

  /** split puts nodes in groups that drop and refuse each other until heal. Refuses bad-groups. */
  async split(groups: number[][]): Promise<void> {
    const problem = checkGroups(groups, this.nodes.length);
    if (problem !== undefined) throw new ServiceRefusal('bad-groups', problem, 400);
    this.current = groups.map((g) => [...g].sort((a, b) => a - b));
    await Promise.all(this.nodes.filter((n) => n.alive).map((n) => this.applyDenyList(n)));
    await this.maintain();
  }

  /** heal clears every deny list and wires the whole graph again; says whether it was split. */
  async heal(): Promise<boolean> {
    const wasSplit = this.current !== null;
    this.current = null;
    await Promise.all(this.nodes.filter((n) => n.alive).map((n) => this.applyDenyList(n)));
    await this.maintain();
    return wasSplit;
  }

  /** rewire follows a restarted node: its p2p address changed, so the other side of a split must deny the new one. */
  async rewire(node: ChildNode): Promise<void> {
    if (this.current !== null) await Promise.all(this.nodes.filter((n) => n.alive && n !== node).map((n) => this.applyDenyList(n)));
    await this.maintain();
  }

  groupOf(index: number): number {
    if (this.current === null) return 0;
    return this.current.findIndex((g) => g.includes(index));
  }

  currentEdges(): Edge[] {
    return this.current === null ? this.base : groupEdges(this.base, this.current);
  }

  /** reachableFrom: the live nodes in the same group as `index` now, itself included (who can hear a block it just got). */
  reachableFrom(index: number): number[] {
    const group = this.groupOf(index);
    return this.nodes.filter((n) => (n.alive || n.index === index) && this.groupOf(n.index) === group).map((n) => n.index);
  }

  async applyDenyList(node: ChildNode): Promise<void> {
    const group = this.groupOf(node.index);
    const denied = this.current === null ? [] : this.nodes.filter((m) => this.groupOf(m.index) !== group && m.endpoints !== undefined).map((m) => m.endpoints!.p2pUrl);
    await node.api('PUT', '/network/deny', { addresses: denied });
  }

  /** maintain dials every edge of the current graph that is not connected (one pass at a time). */
  maintain(): Promise<void> {
    this.maintaining ??= this.connectMissing().finally(() => (this.maintaining = undefined));
    return this.maintaining;
  }

  private async connectMissing(): Promise<void> {
    if (this.stopped()) return;
    const edges = this.currentEdges();
    await Promise.all(
      this.nodes.map(async (from) => {
        const targets = edges.filter(([a]) => a === from.index).map(([, b]) => this.nodes[b]!);
        if (!from.alive || targets.length === 0) return;
        try {
          const peers = await from.api<ResponseOf<'listPeers'>>('GET', '/peers');
          const outbound = new Set(peers.filter((p) => p.direction === 'outbound').map((p) => p.address));
          for (const to of targets) {
            if (!to.alive || outbound.has(to.endpoints!.p2pUrl)) continue;
            await from.api('POST', '/peers', { address: to.endpoints!.p2pUrl }).catch((e: Error) => this.logger.debug({ from: from.index, to: to.index, reason: e.message }, 'connect failed: will retry'));
          }
        } catch (e) {
          this.logger.debug({ node: from.index, reason: (e as Error).message }, 'topology check failed');
        }
      }),
    );
  }
}
