// The block tree as every node sees it, drawn from layoutTree (src/devnet/tree-layout.ts):
// heights left to right, the most-work chain on the first row, every other branch
// whole below it, quiet runs folded into "… N blocks …" boxes (click to open), each
// node's tip marked with its colour, and on each block of the active chain its finality
// meter (P(reversal) at its depth, dashboard/finality.tsx). Sizes scale with "Large type" so labels fit.
import { layoutTree, type BlockStatus, type Column, type PlacedBlock, type Segment } from '../src/devnet/tree-layout.js';
import { nodeColour, short, si } from './format.js';
import { chance, finalityShare, type Finality } from './finality.js';
import { number, t } from './i18n.js';
import type { TreeBlock } from '../src/devnet/block-tree.js';

/** A block of the tree as the devnet sends it (GET /devnet/tree, `block` events). */
export type Block = TreeBlock;

export interface TreeProps {
  blocks: Block[];
  tips: Record<number, string | undefined>;
  windowHeights: number;
  large: boolean;
  zoom: number;
  expanded: Array<[number, number]>;
  onExpand: (range: [number, number]) => void;
  selected: string | null;
  onSelect: (hash: string) => void;
  /** hashes to emphasise (the branches of the reorg card under the pointer) */
  highlight: ReadonlySet<string>;
  /** the lab's P(reversal) by depth for the chosen q; null while it is read */
  finality: Finality | null;
}

const FILL: Record<BlockStatus, string> = { active: '#eaf4fb', fork: '#fff3d6', stale: '#eeeeee' };
const STROKE: Record<BlockStatus, string> = { active: '#0072B2', fork: '#E69F00', stale: '#999999' };

export function BlockTree(props: TreeProps) {
  const layout = layoutTree(props.blocks, props.tips, { windowHeights: props.windowHeights, expanded: props.expanded });
  const s = props.large ? 1.4 : 1;
  const g = { blockW: 128 * s, segW: 58 * s, gap: 16 * s, boxH: 70 * s, rowH: 70 * s + 34 * s, pad: 8 * s, font: 11 * s };
  const xs: number[] = [];
  let x = g.pad;
  for (const c of layout.columns) {
    xs[c.col] = x;
    x += (c.kind === 'segment' ? g.segW : g.blockW) + g.gap;
  }
  const widthOf = (c: Column | undefined) => (c?.kind === 'segment' ? g.segW : g.blockW);
  const y = (row: number) => g.pad + 16 * s + row * g.rowH;
  const width = x + g.pad;
  const height = y(Math.max(layout.rows, 1)) + g.pad;
  const byHash = new Map(props.blocks.map((b) => [b.hash, b]));
  const edgeColour = (st: BlockStatus) => (st === 'active' ? '#1a1a1a' : st === 'fork' ? '#E69F00' : '#aaa');
  return (
    <svg data-testid="block-tree" width={width * props.zoom} height={height * props.zoom} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('tree.label')} style={{ fontSize: `${g.font}px` }}>
      {layout.columns.map((c) => (
        <text key={`h${c.col}`} x={xs[c.col]! + 2} y={g.pad + 9 * s} class="muted-label">
          {c.kind === 'segment' ? `${c.fromHeight}–${c.toHeight}` : `#${c.fromHeight}`}
        </text>
      ))}
      {layout.edges.map((e) => {
        const x1 = xs[e.from.col]! + widthOf(layout.columns[e.from.col]);
        const y1 = y(e.from.row) + g.boxH / 2;
        const x2 = xs[e.to.col]!;
        const y2 = y(e.to.row) + g.boxH / 2;
        const mid = x2 - g.gap / 2;
        return <path key={`e${e.from.col}:${e.from.row}>${e.to.col}:${e.to.row}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} fill="none" stroke={edgeColour(e.status)} stroke-width={e.status === 'active' ? 2 : 1.5} stroke-dasharray={e.status === 'stale' ? '4 3' : undefined} />;
      })}
      {layout.segments.map((seg) => (
        <SegmentBox key={`s${seg.row}:${seg.col}`} seg={seg} x={xs[seg.col]!} y={y(seg.row)} w={g.segW} h={g.boxH} s={s} onExpand={props.onExpand} />
      ))}
      {layout.branches.map((br) => {
        const leaf = layout.blocks.find((p) => p.hash === br.tip);
        if (!leaf) return null;
        return (
          <text key={`b${br.tip}`} class="branch-label" data-branch-tip={br.tip} x={xs[leaf.col]! + g.blockW} y={y(leaf.row) + g.boxH + 26 * s} text-anchor="end">
            {t('tree.branch', { count: br.length, work: si(Number(br.work)) })}
          </text>
        );
      })}
      {layout.blocks.map((p) => (
        <BlockBox key={p.hash} p={p} block={byHash.get(p.hash)!} x={xs[p.col]!} y={y(p.row)} w={g.blockW} h={g.boxH} s={s} selected={props.selected === p.hash} lit={props.highlight.has(p.hash)} onSelect={props.onSelect} finality={props.finality} />
      ))}
    </svg>
  );
}

function SegmentBox(props: { seg: Segment; x: number; y: number; w: number; h: number; s: number; onExpand: (r: [number, number]) => void }) {
  const { seg, x, y, w, h, s } = props;
  return (
    <g class="segment" data-segment={`${seg.fromHeight}-${seg.toHeight}`} data-status={seg.status} style={{ cursor: 'pointer' }} onClick={() => props.onExpand([seg.fromHeight, seg.toHeight])}>
      <title>{t('tree.segmentTitle', { from: seg.fromHeight, to: seg.toHeight, count: seg.count })}</title>
      <rect x={x} y={y + h * 0.2} width={w} height={h * 0.6} rx={4} fill="#fff" stroke={STROKE[seg.status]} stroke-dasharray="2 2" opacity={seg.status === 'stale' ? 0.6 : 1} />
      <text x={x + w / 2} y={y + h / 2 + 4 * s} text-anchor="middle">{`… ${seg.count} …`}</text>
    </g>
  );
}

function BlockBox(props: { p: PlacedBlock; block: Block; x: number; y: number; w: number; h: number; s: number; selected: boolean; lit: boolean; onSelect: (hash: string) => void; finality: Finality | null }) {
  const { p, block, x, y, w, h, s } = props;
  const miner = p.height === 0 ? t('tree.genesis') : block.miner === undefined ? '' : block.miner === null ? t('tree.outside') : t('tree.node', { node: block.miner });
  const line3 = p.status === 'active' ? t('tree.confirmations', { count: p.confirmations ?? 0 }) : p.status === 'fork' ? t('tree.competing') : t('tree.stale');
  // A block of the active chain at depth d (d confirmations) is reversed with the lab's P(reversal) at d.
  const reversal = p.status === 'active' && p.confirmations !== null ? props.finality?.byDepth[p.confirmations] : undefined;
  const title = [t('tree.blockTitle', { height: p.height, hash: p.hash }), miner ? t('tree.minedBy', { who: miner }) : null, t('tree.blockFacts', { count: block.txCount ?? 0, work: p.work ?? '?' }), reversal === undefined ? null : t('finality.title', { q: props.finality!.q, share: number(props.finality!.q, { style: 'percent' }), depth: p.confirmations, p: `${chance(reversal)} (${reversal.toExponential(3)})` }), t('tree.openHint')];
  return (
    <g class={`block ${p.status}`} data-block-hash={p.hash} data-status={p.status} data-height={p.height} data-finality={reversal} style={{ cursor: 'pointer' }} onClick={() => props.onSelect(p.hash)} opacity={p.status === 'stale' ? 0.7 : 1}>
      <title>{title.filter((line) => line !== null).join('\n')}</title>
      <rect x={x} y={y} width={w} height={h} rx={5} fill={FILL[p.status]} stroke={props.selected || props.lit ? '#D55E00' : STROKE[p.status]} stroke-width={props.selected || props.lit ? 3 : p.status === 'active' ? 2 : 1} stroke-dasharray={p.status === 'stale' ? '5 3' : undefined} />
      {block.miner !== undefined && block.miner !== null && <rect x={x} y={y} width={5 * s} height={h} rx={2} fill={nodeColour(block.miner)} />}
      <text x={x + 8 * s} y={y + 14 * s} font-weight="bold">{`#${p.height} ${short(p.hash).slice(-6)}`}</text>
      <text x={x + 8 * s} y={y + 29 * s}>{t('tree.tx', { who: miner || '?', count: block.txCount ?? 0 })}</text>
      <text x={x + 8 * s} y={y + 44 * s}>{line3}</text>
      {reversal !== undefined && (
        <>
          <text class="finality" x={x + 8 * s} y={y + 58 * s}>{t('finality.meter', { p: chance(reversal) })}</text>
          <rect class="finality-track" x={x + 8 * s} y={y + h - 8 * s} width={w - 14 * s} height={4 * s} rx={2 * s} fill="#dde6ee" />
          <rect class="finality-bar" x={x + 8 * s} y={y + h - 8 * s} width={(w - 14 * s) * finalityShare(reversal)} height={4 * s} rx={2 * s} fill="#009E73" />
        </>
      )}
      {p.tipOf.map((n, i) => (
        <g key={n} data-tip-of={n}>
          <circle cx={x + 11 * s + i * 20 * s} cy={y + h + 12 * s} r={8.5 * s} fill={nodeColour(n)} stroke="#1a1a1a" />
          <text x={x + 11 * s + i * 20 * s} y={y + h + 16 * s} text-anchor="middle" font-weight="bold">{n}</text>
        </g>
      ))}
    </g>
  );
}
