/**
 * Where each block of the devnet's block tree is drawn: a pure function from the blocks
 * every node reported (and each node's tip) to rows and columns, shared by the
 * dashboard (which bundles it) and its unit tests.
 *
 * - The main row (row 0) is the active chain of the most-work tip among all reported
 *   blocks, never a tip some poll said was best a second ago: a new block with more
 *   work is on the main row the moment it is known.
 * - Every branch with a block in the window is drawn whole, from its fork point, even
 *   when the fork point is older than the window.
 * - A block is `stale` (grey) only once it is on no node's active chain AND a branch
 *   with more work exists; a competing branch some node still follows is a `fork`.
 * - Runs of heights where nothing starts, ends or forks collapse into one segment
 *   column ("… 37 blocks …"), so an old fork, a long split branch and the tip fit on
 *   one screen; `expanded` height ranges are drawn block by block.
 *
 * A column-per-height grid, not a general graph layout: heights are the x axis a
 * student reads, so a layered-graph library (dagre, elk) would only move blocks off it.
 */

export interface LayoutBlock {
  hash: string;
  height: number;
  /** null when the parent was never reported */
  prevHash: string | null;
  /** cumulative work, hex */
  chainwork: string;
  /** Unix milliseconds each node first had it; the earliest breaks chainwork ties */
  seenBy?: Record<string, number>;
}

export type BlockStatus = 'active' | 'fork' | 'stale';

export interface LayoutOptions {
  /** how many heights below the most-work tip are drawn (branches reaching into it are drawn whole) */
  windowHeights: number;
  /** height ranges [from, to] drawn block by block even without a fork */
  expanded?: ReadonlyArray<readonly [number, number]>;
  /** a run of at least this many quiet heights becomes one segment */
  collapseMin?: number;
}

export interface PlacedBlock {
  hash: string;
  height: number;
  row: number;
  col: number;
  status: BlockStatus;
  /** the nodes whose tip this is */
  tipOf: number[];
  /** on the main row: most-work tip height − height + 1; otherwise null */
  confirmations: number | null;
  /** this block's own work (chainwork minus its parent's), null when the parent is unknown */
  work: bigint | null;
}

/** A collapsed run of blocks of one row, drawn as one box in a segment column. */
export interface Segment {
  row: number;
  col: number;
  fromHeight: number;
  toHeight: number;
  count: number;
  status: BlockStatus;
}

export interface Column {
  col: number;
  kind: 'height' | 'segment';
  fromHeight: number;
  toHeight: number;
}

export interface Edge {
  from: { col: number; row: number };
  to: { col: number; row: number };
  status: BlockStatus;
}

/** A branch off the main row: where it forks, how long it is and how much work it holds from the fork point. */
export interface Branch {
  row: number;
  tip: string;
  /** the block it forks from, null when its oldest block's parent is unknown */
  fork: string | null;
  length: number;
  /** the sum of its blocks' work, from the fork point */
  work: bigint;
}

export interface TreeLayout {
  bestTip: string | null;
  branches: Branch[];
  columns: Column[];
  blocks: PlacedBlock[];
  segments: Segment[];
  edges: Edge[];
  rows: number;
}

const DEFAULT_COLLAPSE_MIN = 3;

/** layoutTree places the blocks; see the module comment for the rules. */
export function layoutTree(all: readonly LayoutBlock[], tips: Readonly<Record<string, string | undefined>>, options: LayoutOptions): TreeLayout {
  if (!(options.windowHeights >= 1)) throw new RangeError('layoutTree: windowHeights must be at least 1');
  const byHash = new Map(all.map((b) => [b.hash, b]));
  const workOf = new Map(all.map((b) => [b.hash, BigInt(`0x${b.chainwork || '0'}`)]));
  const parentOf = (b: LayoutBlock): LayoutBlock | undefined => (b.prevHash === null ? undefined : byHash.get(b.prevHash));
  const ancestors = (hash: string): Set<string> => {
    const out = new Set<string>();
    for (let b = byHash.get(hash); b !== undefined && !out.has(b.hash); b = parentOf(b)) out.add(b.hash);
    return out;
  };
  const tipNodes = new Map<string, number[]>();
  for (const [node, tip] of Object.entries(tips)) if (tip !== undefined && byHash.has(tip)) tipNodes.set(tip, [...(tipNodes.get(tip) ?? []), Number(node)]);

  const best = mostWork(all, workOf, tipNodes);
  if (best === undefined) return { bestTip: null, branches: [], columns: [], blocks: [], segments: [], edges: [], rows: 0 };
  const main = ancestors(best.hash);
  const onSomeNodeChain = new Set<string>();
  for (const tip of tipNodes.keys()) for (const h of ancestors(tip)) onSomeNodeChain.add(h);

  // The window, widened down to the fork point of every branch that reaches into it.
  const shown = new Set<string>();
  const floor0 = best.height - options.windowHeights + 1;
  for (const b of all) {
    if (b.height < floor0) continue;
    shown.add(b.hash);
    if (main.has(b.hash)) continue;
    for (let p = parentOf(b); p !== undefined && !shown.has(p.hash); p = parentOf(p)) {
      shown.add(p.hash);
      if (main.has(p.hash)) break;
    }
  }
  const floor = Math.min(...[...shown].map((h) => byHash.get(h)!.height));
  for (let b: LayoutBlock | undefined = best; b !== undefined && b.height >= floor; b = parentOf(b)) shown.add(b.hash);
  const blocks = [...shown].map((h) => byHash.get(h)!).sort((a, b) => a.height - b.height || a.hash.localeCompare(b.hash));

  // Rows: the main chain on row 0; each other branch, heaviest first, on the first row free over its span.
  const rowOf = new Map<string, number>();
  for (const h of main) if (shown.has(h)) rowOf.set(h, 0);
  const children = new Map<string, number>();
  for (const b of blocks) if (b.prevHash !== null && shown.has(b.prevHash)) children.set(b.prevHash, (children.get(b.prevHash) ?? 0) + 1);
  const leaves = blocks.filter((b) => !main.has(b.hash) && !children.has(b.hash)).sort((a, b) => compareWork(workOf.get(b.hash)!, workOf.get(a.hash)!) || a.hash.localeCompare(b.hash));
  const busy: Array<Array<[number, number]>> = [[]];
  const branches: Branch[] = [];
  const interesting = new Set<number>([floor, best.height]);
  for (const leaf of leaves) {
    const branch: LayoutBlock[] = [];
    for (let b: LayoutBlock | undefined = leaf; b !== undefined && shown.has(b.hash) && !rowOf.has(b.hash); b = parentOf(b)) branch.unshift(b);
    if (branch.length === 0) continue;
    const start = branch[0]!.height - 1;
    let row = 1;
    while ((busy[row] ?? []).some(([a, z]) => a <= leaf.height && start <= z)) row++;
    (busy[row] ??= []).push([start, leaf.height]);
    for (const b of branch) rowOf.set(b.hash, row);
    const forkBlock = parentOf(branch[0]!);
    const base = forkBlock === undefined ? workOf.get(branch[0]!.hash)! : workOf.get(forkBlock.hash)!;
    branches.push({ row, tip: leaf.hash, fork: forkBlock?.hash ?? null, length: branch.length, work: workOf.get(leaf.hash)! - base });
    for (const h of [start, start + 1, leaf.height]) interesting.add(h);
  }
  for (const tip of tipNodes.keys()) if (shown.has(tip)) interesting.add(byHash.get(tip)!.height);
  for (const b of blocks) if (parentOf(b) === undefined) interesting.add(b.height);
  // A branch with less work can still be taller than the most-work tip: columns go to the tallest block.
  const top = Math.max(...blocks.map((b) => b.height));
  interesting.add(top);
  for (const [from, to] of options.expanded ?? []) for (let h = Math.max(from, floor); h <= Math.min(to, top); h++) interesting.add(h);
  const columns = collapseColumns(floor, top, interesting, options.collapseMin ?? DEFAULT_COLLAPSE_MIN);
  const colOfHeight = new Map<number, Column>();
  for (const c of columns) for (let h = c.fromHeight; h <= c.toHeight; h++) colOfHeight.set(h, c);

  const status = statusOf(blocks, main, onSomeNodeChain, workOf.get(best.hash)!, workOf, shown);
  const placed: PlacedBlock[] = [];
  const segments = new Map<string, Segment>();
  const positionOf = new Map<string, { col: number; row: number }>();
  for (const b of blocks) {
    const row = rowOf.get(b.hash) ?? 0;
    const column = colOfHeight.get(b.height)!;
    positionOf.set(b.hash, { col: column.col, row });
    const s = status.get(b.hash)!;
    if (column.kind === 'segment') {
      const key = `${row}:${column.col}`;
      const seg = segments.get(key);
      if (seg === undefined) segments.set(key, { row, col: column.col, fromHeight: b.height, toHeight: b.height, count: 1, status: s });
      else (seg.count++, (seg.toHeight = Math.max(seg.toHeight, b.height)), (seg.fromHeight = Math.min(seg.fromHeight, b.height)));
      continue;
    }
    const parent = parentOf(b);
    placed.push({
      hash: b.hash,
      height: b.height,
      row,
      col: column.col,
      status: s,
      tipOf: (tipNodes.get(b.hash) ?? []).sort((x, y) => x - y),
      confirmations: s === 'active' ? best.height - b.height + 1 : null,
      work: parent === undefined ? null : workOf.get(b.hash)! - workOf.get(parent.hash)!,
    });
  }
  const edges = new Map<string, Edge>();
  for (const b of blocks) {
    const from = b.prevHash === null ? undefined : positionOf.get(b.prevHash);
    const to = positionOf.get(b.hash)!;
    if (from === undefined || (from.col === to.col && from.row === to.row)) continue;
    edges.set(`${from.col}:${from.row}>${to.col}:${to.row}`, { from, to, status: status.get(b.hash)! });
  }
  const rows = 1 + Math.max(0, ...[...rowOf.values()]);
  return { bestTip: best.hash, branches, columns, blocks: placed, segments: [...segments.values()], edges: [...edges.values()], rows };
}

/** mostWork picks the block with the most chainwork; on a tie a node's tip, then the first seen (a node keeps the first it saw). */
function mostWork(all: readonly LayoutBlock[], workOf: Map<string, bigint>, tipNodes: Map<string, number[]>): LayoutBlock | undefined {
  const firstSeen = (b: LayoutBlock): number => Math.min(Infinity, ...Object.values(b.seenBy ?? {}));
  let best: LayoutBlock | undefined;
  for (const b of all) {
    if (best === undefined) {
      best = b;
      continue;
    }
    const order = compareWork(workOf.get(b.hash)!, workOf.get(best.hash)!) || Number(tipNodes.has(b.hash)) - Number(tipNodes.has(best.hash)) || firstSeen(best) - firstSeen(b);
    if (order > 0 || (order === 0 && b.hash < best.hash)) best = b;
  }
  return best;
}

function compareWork(a: bigint, b: bigint): number {
  return a > b ? 1 : a < b ? -1 : 0;
}

/** statusOf: active on the main chain; stale when no node follows it and some branch has more work than any block after it; else fork. */
function statusOf(blocks: LayoutBlock[], main: Set<string>, onSomeNodeChain: Set<string>, bestWork: bigint, workOf: Map<string, bigint>, shown: Set<string>): Map<string, BlockStatus> {
  // The most work reachable from each block (itself or a descendant): tallest first, so children are done before parents.
  const reach = new Map<string, bigint>();
  for (const b of [...blocks].reverse()) {
    const mine = reach.get(b.hash) ?? workOf.get(b.hash)!;
    const w = workOf.get(b.hash)!;
    reach.set(b.hash, mine > w ? mine : w);
    if (b.prevHash !== null && shown.has(b.prevHash)) {
      const p = reach.get(b.prevHash);
      if (p === undefined || reach.get(b.hash)! > p) reach.set(b.prevHash, reach.get(b.hash)!);
    }
  }
  const out = new Map<string, BlockStatus>();
  for (const b of blocks) {
    if (main.has(b.hash)) out.set(b.hash, 'active');
    else if (!onSomeNodeChain.has(b.hash) && bestWork > reach.get(b.hash)!) out.set(b.hash, 'stale');
    else out.set(b.hash, 'fork');
  }
  return out;
}

/** collapseColumns gives each interesting height its own column and folds runs of at least `min` other heights into one. */
function collapseColumns(floor: number, top: number, interesting: Set<number>, min: number): Column[] {
  const columns: Column[] = [];
  let h = floor;
  while (h <= top) {
    if (interesting.has(h)) {
      columns.push({ col: columns.length, kind: 'height', fromHeight: h, toHeight: h });
      h++;
      continue;
    }
    let end = h;
    while (end + 1 <= top && !interesting.has(end + 1)) end++;
    if (end - h + 1 >= min) columns.push({ col: columns.length, kind: 'segment', fromHeight: h, toHeight: end });
    else for (let k = h; k <= end; k++) columns.push({ col: columns.length, kind: 'height', fromHeight: k, toHeight: k });
    h = end + 1;
  }
  return columns;
}
