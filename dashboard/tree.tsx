// The block tree as every node sees it: one column per height, the best chain on the
// first row, side branches below it (greyed once they are stale), and each node's tip
// marked with its colour.
import { nodeColour, short, si, work } from './format.js';

export interface Block {
  hash: string;
  height: number;
  prevHash: string | null;
  chainwork: string;
  time: number;
  seenBy: Record<string, number>;
}

interface Placed {
  block: Block;
  col: number;
  row: number;
  main: boolean;
}

const W = 104;
const H = 46;
const GAP_X = 20;
const GAP_Y = 40;
const PAD = 10;

/** layout puts the best chain on row 0 and gives each side branch the first row free from its fork on. */
export function layout(blocks: Block[], bestTip: string | null, heights: number): { placed: Placed[]; rows: number; minHeight: number } {
  const byHash = new Map(blocks.map((b) => [b.hash, b]));
  const main = new Set<string>();
  for (let b = bestTip ? byHash.get(bestTip) : undefined; b; b = b.prevHash ? byHash.get(b.prevHash) : undefined) main.add(b.hash);
  const top = blocks.reduce((m, b) => Math.max(m, b.height), 0);
  const minHeight = Math.max(0, top - heights + 1);
  const shown = blocks.filter((b) => b.height >= minHeight).sort((a, b) => a.height - b.height || a.hash.localeCompare(b.hash));
  const rowOf = new Map<string, number>();
  const used = new Set<string>();
  let rows = 1;
  for (const b of shown) {
    let row: number;
    if (main.has(b.hash)) row = 0;
    else {
      const parentRow = b.prevHash ? rowOf.get(b.prevHash) : undefined;
      row = parentRow !== undefined && parentRow > 0 && !used.has(`${parentRow}:${b.height}`) ? parentRow : 1;
      while (used.has(`${row}:${b.height}`) || (row !== parentRow && rowBusyFrom(used, row, b.height))) row++;
    }
    rowOf.set(b.hash, row);
    used.add(`${row}:${b.height}`);
    rows = Math.max(rows, row + 1);
  }
  return { placed: shown.map((b) => ({ block: b, col: b.height - minHeight, row: rowOf.get(b.hash)!, main: main.has(b.hash) })), rows, minHeight };
}

/** A new branch takes a row nobody uses at or after its height, so branches never cross. */
function rowBusyFrom(used: Set<string>, row: number, height: number): boolean {
  for (const key of used) {
    const [r, h] = key.split(':').map(Number);
    if (r === row && h! >= height - 1) return true;
  }
  return false;
}

export function BlockTree(props: { blocks: Block[]; bestTip: string | null; tips: Record<number, string | undefined>; heights: number }) {
  const { placed, rows } = layout(props.blocks, props.bestTip, props.heights);
  const where = new Map(placed.map((p) => [p.block.hash, p]));
  const x = (col: number) => PAD + col * (W + GAP_X);
  const y = (row: number) => PAD + row * (H + GAP_Y);
  const cols = placed.reduce((m, p) => Math.max(m, p.col + 1), 1);
  const tipsAt = new Map<string, number[]>();
  for (const [node, tip] of Object.entries(props.tips)) if (tip) tipsAt.set(tip, [...(tipsAt.get(tip) ?? []), Number(node)]);
  const width = x(cols) + PAD;
  const height = y(rows) + PAD;
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="block tree">
      {placed.map((p) => {
        const parent = p.block.prevHash ? where.get(p.block.prevHash) : undefined;
        if (!parent) return null;
        return <path key={`e${p.block.hash}`} d={`M${x(parent.col) + W},${y(parent.row) + H / 2} C${x(p.col) - GAP_X / 2},${y(parent.row) + H / 2} ${x(p.col) - GAP_X / 2},${y(p.row) + H / 2} ${x(p.col)},${y(p.row) + H / 2}`} fill="none" stroke={p.main ? '#1a1a1a' : '#aaa'} stroke-width={p.main ? 2 : 1.5} stroke-dasharray={p.main ? undefined : '4 3'} />;
      })}
      {placed.map((p) => {
        const nodes = tipsAt.get(p.block.hash) ?? [];
        return (
          <g key={p.block.hash} data-hash={p.block.hash} data-height={p.block.height} class={p.main ? 'block main' : 'block stale'} opacity={p.main ? 1 : 0.55}>
            <title>{`block ${p.block.height} ${p.block.hash}\nchainwork ${si(work(p.block.chainwork))} hashes`}</title>
            <rect x={x(p.col)} y={y(p.row)} width={W} height={H} rx={5} fill={p.main ? '#eaf4fb' : '#eeeeee'} stroke={p.main ? '#0072B2' : '#999'} stroke-width={p.main ? 2 : 1} stroke-dasharray={p.main ? undefined : '5 3'} />
            <text x={x(p.col) + 6} y={y(p.row) + 16}>{`#${p.block.height} ${short(p.block.hash)}`}</text>
            <text x={x(p.col) + 6} y={y(p.row) + 33}>{`work ${si(work(p.block.chainwork))}`}</text>
            {nodes.map((n, i) => (
              <g key={n} data-tip-of={n}>
                <circle cx={x(p.col) + 12 + i * 22} cy={y(p.row) + H + 12} r={9} fill={nodeColour(n)} stroke="#1a1a1a" />
                <text x={x(p.col) + 12 + i * 22} y={y(p.row) + H + 16} text-anchor="middle" font-weight="bold">{n}</text>
              </g>
            ))}
          </g>
        );
      })}
    </svg>
  );
}
