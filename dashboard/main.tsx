// The devnet dashboard: every node's view of one network, live. Figures come from
// GET /api/v1/devnet (polled each second); blocks, tips, reorgs and the timeline
// arrive over one server-sent event stream the supervisor merges from the nodes.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock, nodeColour, percent, short, si, work } from './format.js';
import { BlockTree, type Block } from './tree.js';
import type { NodeEventData } from '../src/api/contract/events.js';
import type { Status } from '../src/api/contract/responses.js';

const API = '/api/v1';
const TREE_HEIGHTS = 10;
const GROUP_NAMES = ['A', 'B', 'C', 'D'];

interface NodeView {
  index: number;
  state: string;
  alive: boolean;
  group: number;
  address: string | null;
  miningWanted: boolean;
  share: number;
  unreachable: boolean;
  lagging: boolean;
  exitInfo: string | null;
  balance: null | { spendable: string; unconfirmed: string };
  /** the node's GET /status, as the contract says */
  status: null | Status;
}

interface View {
  network: string;
  targetSpacingSec: number;
  nodes: NodeView[];
  groups: number[][] | null;
  paused: boolean;
  link: { delayMs: number; jitterMs: number; dropRate: number };
  bestTip: string | null;
  stale: { blocks: number; stale: number; rate: number | null; window: number; model: number; modelByPropagation: number | null };
  propagation: { blocks: number; meanMs: number | null; maxMs: number | null };
}

/** A node's reorg event (the contract's), with which node and when. */
type Reorg = NodeEventData<'reorg'> & { node: number; atMs: number };

interface TimelineItem {
  atMs: number;
  kind: string;
  text: string;
}

async function post(path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(API + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw new Error(e.error ? `${e.error.code}: ${e.error.message}` : `HTTP ${res.status}`);
  }
}

function App() {
  const [view, setView] = useState<View | null>(null);
  const [blocks, setBlocks] = useState<Map<string, Block>>(new Map());
  const [timeline, setTimeline] = useState<TimelineItem[]>([]);
  const [reorg, setReorg] = useState<Reorg | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [plan, setPlan] = useState<number[]>([]);
  const [large, setLarge] = useState(false);
  const [delay, setDelay] = useState<number | null>(null);
  const tips = useRef<Record<number, string | undefined>>({});
  const treeBox = useRef<HTMLElement>(null);
  // The newest blocks are on the right: keep them in sight as the tree grows.
  useEffect(() => {
    const box = treeBox.current;
    if (box) box.scrollLeft = box.scrollWidth;
  }, [blocks, view]);

  const addBlocks = (list: Block[]) =>
    setBlocks((old) => {
      const next = new Map(old);
      for (const b of list) next.set(b.hash, b);
      return next;
    });

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const v = (await (await fetch(`${API}/devnet`)).json()) as View;
        if (stopped) return;
        for (const n of v.nodes) if (n.status) tips.current[n.index] = n.status.tip;
        setView(v);
        setPlan((p) => (p.length === v.nodes.length ? p : v.nodes.map((n, i) => (v.groups ? n.group : i === v.nodes.length - 1 ? 1 : 0))));
        setError(null);
      } catch (e) {
        setError(`the devnet does not answer: ${(e as Error).message}`);
      }
    };
    void poll();
    const timer = setInterval(poll, 1000);
    void fetch(`${API}/devnet/tree?heights=60`).then(async (r) => addBlocks(((await r.json()) as { blocks: Block[] }).blocks));
    void fetch(`${API}/devnet/timeline`).then(async (r) => setTimeline(((await r.json()) as { items: TimelineItem[] }).items.slice(-100).reverse()));
    const events = new EventSource(`${API}/devnet/events`);
    events.addEventListener('block', (e) => addBlocks([JSON.parse((e as MessageEvent).data) as Block]));
    events.addEventListener('tip', (e) => {
      const t = JSON.parse((e as MessageEvent).data) as { node: number; hash: string };
      tips.current[t.node] = t.hash;
    });
    events.addEventListener('reorg', (e) => setReorg({ ...(JSON.parse((e as MessageEvent).data) as Reorg), atMs: Date.now() }));
    events.addEventListener('timeline', (e) => setTimeline((old) => [JSON.parse((e as MessageEvent).data) as TimelineItem, ...old].slice(0, 100)));
    return () => {
      stopped = true;
      clearInterval(timer);
      events.close();
    };
  }, []);

  useEffect(() => {
    document.body.classList.toggle('large', large);
  }, [large]);

  if (view === null) return <p>{error ?? 'Connecting to the devnet…'}</p>;
  const act = (what: () => Promise<void>) => () => void what().then(() => setError(null), (e: Error) => setError(e.message));
  const groups = GROUP_NAMES.map((_, g) => view.nodes.filter((n) => plan[n.index] === g).map((n) => n.index)).filter((g) => g.length > 0);
  const regtest = view.network === 'regtest';
  const expectedHashes = Number(view.nodes.find((n) => n.status)?.status?.difficulty.expectedHashes ?? 0);
  const shownDelay = delay ?? view.link.delayMs;

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
        {error && <span class="flag" id="error">{error}</span>}
      </header>
      <main>
        <div>
          {reorg && <ReorgBox reorg={reorg} />}
          <section class="tree" ref={treeBox}>
            <h2>Block tree: the best chain on top, side branches below (grey once stale); circles are each node's tip</h2>
            <BlockTree blocks={[...blocks.values()]} bestTip={view.bestTip} tips={tips.current} heights={TREE_HEIGHTS} />
          </section>
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
          <section class="figures">
            <h2>Live figures</h2>
            <dl>
              <dt>Stale blocks, last {view.stale.window} heights</dt>
              <dd id="stale-rate">
                {percent(view.stale.rate)} ({view.stale.stale} of {view.stale.blocks})
              </dd>
              <dt>Model P(fork) ≈ 1 − e^(−delay/interval)</dt>
              <dd>
                {percent(view.stale.model)} with the link delay ({view.link.delayMs} ms / {view.targetSpacingSec} s)
                {view.stale.modelByPropagation !== null && <>; {percent(view.stale.modelByPropagation)} with the measured propagation time (a block needs inv, getdata and block: several delays)</>}
              </dd>
              <dt>Block propagation (first node → all; a split holds blocks back)</dt>
              <dd>{view.propagation.meanMs === null ? '–' : `${view.propagation.meanMs} ms mean, ${view.propagation.maxMs} ms worst (${view.propagation.blocks} blocks)`}</dd>
              <dt>Difficulty</dt>
              <dd>{si(expectedHashes)} expected hashes per block</dd>
            </dl>
          </section>
          <section>
            <h2>Timeline</h2>
            <ul class="timeline" id="timeline">
              {timeline.map((t, i) => (
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

function NodeCard(props: { node: NodeView; nodes: number; regtest: boolean; plan: number; setPlan: (g: number) => void; act: (f: () => Promise<void>) => () => void }) {
  const { node: n, act } = props;
  const others = Array.from({ length: props.nodes }, (_, i) => i).filter((i) => i !== n.index);
  const [payTo, setPayTo] = useState<number>(others[0] ?? 0);
  const [amount, setAmount] = useState('1');
  const s = n.status;
  const down = !n.alive;
  return (
    <div class={`node ${n.state}${n.unreachable ? ' unreachable' : ''}`} data-node={n.index} data-height={s?.height ?? ''} data-tip={s?.tip ?? ''} style={{ borderLeftColor: nodeColour(n.index) }}>
      <strong>Node {n.index}</strong>
      {down && <span class="flag">{n.state}{n.exitInfo ? `: ${n.exitInfo}` : ''}</span>}
      {n.unreachable && !down && <span class="flag">unreachable</span>}
      {n.lagging && <span class="flag">lagging</span>}
      <dl>
        <dt>height</dt>
        <dd class="height">{s?.height ?? '–'}</dd>
        <dt>tip</dt>
        <dd>{short(s?.tip)}</dd>
        <dt>chainwork</dt>
        <dd>{s ? si(work(s.chainwork)) : '–'} hashes</dd>
        <dt>peers</dt>
        <dd>{s?.peers ?? '–'}</dd>
        <dt>hashrate</dt>
        <dd>{s ? si(s.mining.hashrate, 'H/s') : '–'}</dd>
        <dt>mempool</dt>
        <dd>{s?.mempool.count ?? '–'} tx</dd>
        <dt>group</dt>
        <dd>{GROUP_NAMES[n.group] ?? n.group}</dd>
        <dt>balance</dt>
        <dd class="balance" title="what its mining address can spend; mined coins mature after a number of blocks">
          {n.balance ? `${n.balance.spendable}${n.balance.unconfirmed !== '0.00000000' ? ` (+${n.balance.unconfirmed} unconfirmed)` : ''}` : '–'}
        </dd>
      </dl>
      {!down && others.length > 0 && (
        <div class="row send">
          send{' '}
          <input class="amount" data-action="amount" size={8} value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} /> to{' '}
          <select value={String(payTo)} data-action="pay-to" onChange={(e) => setPayTo(Number((e.target as HTMLSelectElement).value))}>
            {others.map((i) => (
              <option key={i} value={String(i)}>
                node {i}
              </option>
            ))}
          </select>{' '}
          <button data-action="send" onClick={act(() => post('/devnet/send', { from: n.index, to: payTo, amount: amount.trim() }))}>
            Send
          </button>
        </div>
      )}
      <div class="row">
        {down ? (
          <button class="primary" data-action="restart" onClick={act(() => post(`/devnet/nodes/${n.index}/restart`))}>
            Restart
          </button>
        ) : (
          <>
            {!props.regtest && (
              <button data-action="mining" onClick={act(() => post(`/devnet/nodes/${n.index}/mining`, { active: !n.miningWanted }))}>
                {n.miningWanted ? 'Mining: on' : 'Mining: off'}
              </button>
            )}
            {props.regtest && (
              <button data-action="generate" onClick={act(() => post(`/devnet/nodes/${n.index}/generate`, { blocks: 1 }))}>
                Mine a block
              </button>
            )}
          </>
        )}
        {!props.regtest && !down && (
          <label>
            hash power{' '}
            <select value={String(n.share)} data-action="share" onChange={(e) => act(() => post(`/devnet/nodes/${n.index}/share`, { share: Number((e.target as HTMLSelectElement).value) }))()}>
              {[1, 0.5, 0.25, 0.1].map((s) => (
                <option key={s} value={String(s)}>
                  {s * 100} %
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          split into{' '}
          <select value={props.plan} onChange={(e) => props.setPlan(Number((e.target as HTMLSelectElement).value))} data-action="group">
            {GROUP_NAMES.map((name, g) => (
              <option key={name} value={g}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

function ReorgBox({ reorg }: { reorg: Reorg }) {
  const oldWork = work(reorg.oldChainwork);
  const newWork = work(reorg.newChainwork);
  const max = Math.max(oldWork, newWork, 1);
  return (
    <section class="reorg" id="reorg">
      <h2>
        Node {reorg.node} switched to a branch with more work: {reorg.depth} block{reorg.depth === 1 ? '' : 's'} replaced
      </h2>
      <p class="muted">Why this tip: a node follows the branch with the most cumulative work (chainwork), not the longest.</p>
      <dl>
        <dt>old tip {short(reorg.oldTip)}</dt>
        <dd>
          <div class="bar" style={{ width: `${(oldWork / max) * 100}%` }} /> {si(oldWork)} hashes
        </dd>
        <dt>new tip {short(reorg.newTip)}</dt>
        <dd>
          <div class="bar win" style={{ width: `${(newWork / max) * 100}%` }} /> {si(newWork)} hashes
        </dd>
      </dl>
      <p class="muted">at {clock(reorg.atMs)}</p>
    </section>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading…" line shown before the script runs
render(<App />, root);
