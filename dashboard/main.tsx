// The devnet dashboard: every node's view of one network, live. Figures come from
// GET /api/v1/devnet (polled each second); the block tree, each node's tip, reorg cards
// and the timeline are loaded once (GET /devnet/tree, /devnet/reorgs, /devnet/timeline)
// and then follow one server-sent event stream the supervisor merges from the nodes.
import { Fragment, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock, percent, si } from './format.js';
import { BlockTree, type Block } from './tree.js';
import { ReorgCards, type ReorgCard } from './reorg-cards.js';
import { Explorer, MempoolPanel, type Target } from './explorer.js';
import { GROUP_NAMES, NodeCard, PageError, post, type NodeView } from './nodes.js';
import type { TimelineItem } from '../src/devnet/timeline.js';
import type { LinkShape } from '../src/api/contract/responses.js';

const API = '/api/v1';
const DEFAULT_WINDOW = 500;
/** the devnet keeps about this many heights (GET /devnet/tree?heights= at most 1000) */
const MAX_WINDOW = 1000;

interface View {
  network: string;
  targetSpacingSec: number;
  nodes: NodeView[];
  groups: number[][] | null;
  paused: boolean;
  link: LinkShape;
  bestTip: string | null;
  tips: Record<number, string>;
  stale: { blocks: number; stale: number; rate: number | null; splitStale: number; window: number; model: number; modelByPropagation: number | null };
  propagation: { blocks: number; medianMs: number | null; p90Ms: number | null; heldBySplit: number };
}

/** The timeline's filters: which kinds of item each shows. */
const FILTERS: Record<string, string[]> = { blocks: ['block'], reorgs: ['reorg'], splits: ['split', 'heal'], transactions: ['tx'], other: ['node', 'mining', 'link', 'peer', 'ban'] };

function App() {
  const [view, setView] = useState<View | null>(null);
  const [blocks, setBlocks] = useState<Map<string, Block>>(new Map());
  const [tips, setTips] = useState<Record<number, string | undefined>>({});
  const [timeline, setTimeline] = useState<TimelineItem[]>([]);
  const [cards, setCards] = useState<ReorgCard[]>([]);
  const [error, setError] = useState<{ message: string; code?: string | undefined } | null>(null);
  const [plan, setPlan] = useState<number[]>([]);
  const [large, setLarge] = useState(false);
  const [zoom, setZoom] = useState(1);
  const [windowHeights, setWindowHeights] = useState(Number(new URLSearchParams(location.search).get('window')) || DEFAULT_WINDOW);
  const [expanded, setExpanded] = useState<Array<[number, number]>>([]);
  const [target, setTarget] = useState<Target | null>(null);
  const [highlight, setHighlight] = useState<Set<string>>(new Set());
  const [filters, setFilters] = useState<Set<string>>(new Set(Object.keys(FILTERS)));
  const [query, setQuery] = useState('');
  const [tick, setTick] = useState(0);
  const [delay, setDelay] = useState<number | null>(null);
  const treeBox = useRef<HTMLDivElement>(null);
  // The groups the devnet last reported: a split or heal made elsewhere (the CLI, a script) resets the pickers.
  const seenGroups = useRef<string>('');
  // The newest blocks are on the right: keep them in sight as the tree grows.
  useEffect(() => {
    const box = treeBox.current;
    if (box) box.scrollLeft = box.scrollWidth;
  }, [blocks, zoom, large]);

  const addBlocks = (list: Block[]) =>
    setBlocks((old) => {
      const next = new Map(old);
      for (const b of list) next.set(b.hash, { ...next.get(b.hash), ...b, seenBy: { ...next.get(b.hash)?.seenBy, ...b.seenBy } });
      // A page left open for days keeps what the largest window can show, not every block ever seen.
      if (next.size > 3 * MAX_WINDOW) {
        const top = Math.max(...[...next.values()].map((b) => b.height));
        for (const [hash, b] of next) if (b.height < top - MAX_WINDOW) next.delete(hash);
      }
      return next;
    });

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const v = (await (await fetch(`${API}/devnet`)).json()) as View;
        if (stopped) return;
        setTips((old) => ({ ...old, ...v.tips }));
        setView(v);
        setTick((t) => t + 1);
        const groupsNow = JSON.stringify(v.groups);
        const groupsChanged = groupsNow !== seenGroups.current;
        seenGroups.current = groupsNow;
        setPlan((p) => (p.length === v.nodes.length && !groupsChanged ? p : v.nodes.map((n, i) => (v.groups ? n.group : i === v.nodes.length - 1 ? 1 : 0))));
        setError(null);
      } catch (e) {
        setError({ message: `the devnet does not answer: ${(e as Error).message}` });
      }
    };
    void poll();
    const timer = setInterval(poll, 1000);
    // Subscribe first, then load: an event that lands in between is merged, not lost.
    const events = new EventSource(`${API}/devnet/events`);
    events.addEventListener('block', (e) => addBlocks([JSON.parse((e as MessageEvent).data) as Block]));
    events.addEventListener('seen', (e) => {
      const s = JSON.parse((e as MessageEvent).data) as { hash: string; node: number; atMs: number };
      setBlocks((old) => {
        const b = old.get(s.hash);
        if (!b) return old;
        return new Map(old).set(s.hash, { ...b, seenBy: { ...b.seenBy, [s.node]: s.atMs } });
      });
    });
    events.addEventListener('tip', (e) => {
      const t = JSON.parse((e as MessageEvent).data) as { node: number; hash: string };
      setTips((old) => ({ ...old, [t.node]: t.hash }));
    });
    events.addEventListener('reorg-card', (e) => {
      const card = JSON.parse((e as MessageEvent).data) as ReorgCard;
      setCards((old) => [card, ...old.filter((c) => c.id !== card.id)]);
    });
    events.addEventListener('timeline', (e) => setTimeline((old) => [JSON.parse((e as MessageEvent).data) as TimelineItem, ...old].slice(0, 300)));
    void fetch(`${API}/devnet/tree?heights=${MAX_WINDOW}`).then(async (r) => {
      const t = (await r.json()) as { blocks: Block[]; tips: Record<number, string> };
      addBlocks(t.blocks);
      setTips((old) => ({ ...t.tips, ...old }));
    });
    void fetch(`${API}/devnet/reorgs`).then(async (r) => {
      const loaded = ((await r.json()) as { cards: ReorgCard[] }).cards;
      setCards((old) => [...old, ...loaded.filter((c) => !old.some((o) => o.id === c.id))].sort((a, b) => b.id - a.id));
    });
    void fetch(`${API}/devnet/timeline`).then(async (r) => {
      const items = ((await r.json()) as { items: TimelineItem[] }).items.slice(-300).reverse();
      setTimeline((old) => [...old, ...items]);
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      events.close();
    };
  }, []);

  useEffect(() => {
    document.body.classList.toggle('large', large);
  }, [large]);

  if (view === null) return <p>{error?.message ?? 'Connecting to the devnet…'}</p>;
  const act = (what: () => Promise<void>) => () => void what().then(() => setError(null), (e: Error) => setError({ message: e.message, code: e instanceof PageError ? e.code : undefined }));
  const groups = GROUP_NAMES.map((_, g) => view.nodes.filter((n) => plan[n.index] === g).map((n) => n.index)).filter((g) => g.length > 0);
  const regtest = view.network === 'regtest';
  const shownDelay = delay ?? view.link.delayMs;
  const find = act(async () => {
    const r = await fetch(`${API}/devnet/search?q=${encodeURIComponent(query)}`);
    const body = (await r.json()) as Target & { error?: { message: string } };
    if (!r.ok) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
    setTarget({ kind: body.kind, id: body.id });
  });
  const shownKinds = new Set([...filters].flatMap((f) => FILTERS[f] ?? []));

  return (
    <div>
      <header>
        <h1>toychain devnet</h1>
        <span class="muted">
          {view.network}, {view.nodes.length} nodes, {regtest ? 'blocks on demand (Mine a block)' : `one block every ~${view.targetSpacingSec} s`}
        </span>
        <button id="pause" class={view.paused ? 'primary' : 'warn'} onClick={act(() => post('/devnet/mining', { active: view.paused }))}>
          {view.paused ? 'Resume all miners' : 'Everybody stop (pause miners)'}
        </button>
        <button id="split" disabled={groups.length < 2} onClick={act(() => post('/devnet/split', { groups }))}>
          Split {groups.map((g) => `{${g.join(',')}}`).join(' | ')}
        </button>
        <button id="heal" disabled={view.groups === null} onClick={act(() => post('/devnet/heal'))}>
          Heal
        </button>
        <label class="row">
          Link delay <input id="delay" type="range" min={0} max={5000} step={100} value={shownDelay} onInput={(e) => setDelay(Number((e.target as HTMLInputElement).value))} onChange={act(async () => { await post('/devnet/link', { delayMs: shownDelay }); setDelay(null); })} /> {shownDelay} ms
        </label>
        <label class="row">
          <input type="checkbox" checked={large} onChange={() => setLarge(!large)} /> Large type
        </label>
        <form class="row" onSubmit={(e) => (e.preventDefault(), find())}>
          <input id="search" placeholder="height, block hash, txid or address" size={34} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          <button type="submit">Find</button>
        </form>
        {error && <span class="flag" id="error" title={error.code === undefined ? undefined : `code: ${error.code}`} data-code={error.code}>{error.message}</span>}
      </header>
      <section class="tree">
        <h2>
          Block tree: the most-work chain on top (blue), competing branches below (orange), grey once no node follows them and a heavier branch exists; circles are each node's tip; click a block to open it, “… n …” to unfold
        </h2>
        <div class="row tree-tools">
          <button onClick={() => setZoom(Math.max(0.4, zoom / 1.25))}>−</button>
          <span>{Math.round(zoom * 100)} %</span>
          <button onClick={() => setZoom(Math.min(2.5, zoom * 1.25))}>+</button>
          <label>
            window <input type="number" min={10} max={MAX_WINDOW} value={windowHeights} onChange={(e) => setWindowHeights(Math.max(10, Math.min(MAX_WINDOW, Number((e.target as HTMLInputElement).value) || DEFAULT_WINDOW)))} /> heights
          </label>
          {expanded.length > 0 && <button onClick={() => setExpanded([])}>fold runs again</button>}
        </div>
        <div class="tree-scroll" ref={treeBox}>
          <BlockTree blocks={[...blocks.values()]} tips={tips} windowHeights={windowHeights} large={large} zoom={zoom} expanded={expanded} onExpand={(r) => setExpanded([...expanded, r])} selected={target?.kind === 'block' ? target.id : null} onSelect={(hash) => setTarget({ kind: 'block', id: hash })} highlight={highlight} />
        </div>
      </section>
      <main>
        <div>
          {target && <Explorer key={`${target.kind}:${target.id}`} target={target} go={setTarget} close={() => setTarget(null)} />}
          <ReorgCards cards={cards} onHover={setHighlight} onSelect={(hash) => setTarget({ kind: 'block', id: hash })} />
          <section>
            <h2>Nodes {view.groups ? `(split: ${view.groups.map((g) => `{${g.join(',')}}`).join(' | ')})` : '(one network)'}</h2>
            <div class="nodes">
              {view.nodes.map((n) => (
                <NodeCard key={n.index} node={n} nodes={view.nodes.length} regtest={regtest} plan={plan[n.index] ?? 0} setPlan={(g) => setPlan(plan.map((p, i) => (i === n.index ? g : p)))} act={act} />
              ))}
            </div>
          </section>
        </div>
        <div>
          <Figures view={view} />
          <MempoolPanel go={setTarget} tick={Math.floor(tick / 2)} />
          <section>
            <h2>Timeline</h2>
            <div class="row filters">
              {Object.keys(FILTERS).map((f) => (
                <label key={f}>
                  <input type="checkbox" data-filter={f} checked={filters.has(f)} onChange={() => setFilters((old) => { const next = new Set(old); if (!next.delete(f)) next.add(f); return next; })} /> {f}
                </label>
              ))}
            </div>
            <ul class="timeline" id="timeline">
              {timeline.filter((t) => shownKinds.has(t.kind)).map((t, i) => (
                <li key={`${t.atMs}-${i}`} class={`${t.kind}-item`}>
                  <span class="muted">{clock(t.atMs)}</span> {t.text}
                </li>
              ))}
            </ul>
          </section>
        </div>
      </main>
    </div>
  );
}

/** Figures, each saying what it counts; while split, difficulty and hash rate per group. */
function Figures({ view }: { view: View }) {
  const groups = view.groups ?? [view.nodes.map((n) => n.index)];
  const p = view.propagation;
  return (
    <section class="figures">
      <h2>Live figures</h2>
      <dl>
        <dt>Stale blocks, last {view.stale.window} heights, outside splits</dt>
        <dd id="stale-rate">
          {percent(view.stale.rate)} ({view.stale.stale} of {view.stale.blocks})
        </dd>
        <dt>Blocks mined while split that are off the most-work chain (the split's cost, counted apart)</dt>
        <dd id="split-cost">{view.stale.splitStale} block{view.stale.splitStale === 1 ? '' : 's'}</dd>
        <dt>Model P(fork) ≈ 1 − e^(−delay/interval)</dt>
        <dd>
          {percent(view.stale.model)} with the link delay ({view.link.delayMs} ms / {view.targetSpacingSec} s)
          {view.stale.modelByPropagation !== null && <>; {percent(view.stale.modelByPropagation)} with the measured median propagation</>}
        </dd>
        <dt>Block propagation: first node → the last node that could hear it (connected when it was mined)</dt>
        <dd id="propagation">
          {p.medianMs === null ? '–' : `median ${p.medianMs} ms, p90 ${p.p90Ms} ms over ${p.blocks} blocks`}
          {p.heldBySplit > 0 && <span class="muted">; {p.heldBySplit} held by the split (not counted)</span>}
        </dd>
        {groups.map((g, i) => {
          const nodes = view.nodes.filter((n) => g.includes(n.index) && n.status);
          const expected = Math.max(0, ...nodes.map((n) => Number(n.status!.difficulty.expectedHashes)));
          const rate = nodes.reduce((s, n) => s + n.status!.mining.hashrate, 0);
          return (
            <Fragment key={i}>
              <dt>{view.groups ? `Group {${g.join(',')}}: ` : ''}difficulty and hash rate</dt>
              <dd>
                {si(expected)} expected hashes per block; {si(rate, 'H/s')}
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </section>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading…" line shown before the script runs
render(<App />, root);
