// The devnet dashboard: every node's view of one network, live. Figures come from
// GET /api/v1/devnet (polled each second); the block tree, each node's tip, reorg cards
// and the timeline are loaded once (GET /devnet/tree, /devnet/reorgs, /devnet/timeline)
// and then follow one server-sent event stream the supervisor merges from the nodes.
// Its words come from dashboard/locales/ (i18n.ts); `?present=1` (or Present) shows only
// the tree and the lesson, in large type, for a class.
import { Fragment, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { clock, percent, si } from './format.js';
import { BlockTree, type Block } from './tree.js';
import { ReorgCards, type ReorgCard } from './reorg-cards.js';
import { Explorer, MempoolPanel, type Target } from './explorer.js';
import { GROUP_NAMES, NodeCard, PageError, post } from './nodes.js';
import type { TimelineItem } from '../src/devnet/timeline.js';
import type { DevnetEventMap, DevnetEventName, DevnetTree, DevnetView } from '../src/devnet/devnet-view.js';
import { chooseLanguage, currentLanguage, LANGUAGES, number, say, t, type Language } from './i18n.js';
import { DEFAULT_Q, FinalitySlider, useFinality } from './finality.js';
import { Lessons, useLessons, type LessonRun } from './lessons.js';

const API = '/api/v1';
const DEFAULT_WINDOW = 500;
/** the devnet keeps about this many heights (GET /devnet/tree?heights= at most 1000) */
const MAX_WINDOW = 1000;

/** GET /devnet: the devnet's own contract (src/devnet/devnet-view.ts), which the supervisor and `toychain watch` answer through. */
type View = DevnetView;

/** listen reads one event of the devnet's stream as the type the devnet sends it with. */
function listen<K extends DevnetEventName>(events: EventSource, name: K, handle: (data: DevnetEventMap[K]) => void): void {
  events.addEventListener(name, (e) => handle(JSON.parse((e as MessageEvent<string>).data) as DevnetEventMap[K]));
}

/** The timeline's filters: which kinds of item each shows. */
const FILTERS = { blocks: ['block'], reorgs: ['reorg'], splits: ['split', 'heal'], transactions: ['tx'], other: ['node', 'mining', 'link', 'peer', 'ban'] } satisfies Record<string, string[]>;
type FilterName = keyof typeof FILTERS;
const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

function App() {
  const [view, setView] = useState<View | null>(null);
  const [blocks, setBlocks] = useState<Map<string, Block>>(new Map());
  const [tips, setTips] = useState<Record<number, string | undefined>>({});
  const [timeline, setTimeline] = useState<TimelineItem[]>([]);
  const [cards, setCards] = useState<ReorgCard[]>([]);
  // fromPoll: the page's own "no answer" (cleared by the next answer); a refusal stays until the next action, so it can be read.
  const [error, setError] = useState<{ message: string; code?: string | undefined; fromPoll?: boolean } | null>(null);
  const [plan, setPlan] = useState<number[]>([]);
  const [large, setLarge] = useState(false);
  const [zoom, setZoom] = useState(1);
  const [windowHeights, setWindowHeights] = useState(Number(new URLSearchParams(location.search).get('window')) || DEFAULT_WINDOW);
  const [expanded, setExpanded] = useState<Array<[number, number]>>([]);
  const [target, setTarget] = useState<Target | null>(null);
  const [highlight, setHighlight] = useState<Set<string>>(new Set());
  const [filters, setFilters] = useState<Set<FilterName>>(new Set(FILTER_NAMES));
  const [query, setQuery] = useState('');
  const [tick, setTick] = useState(0);
  const [delay, setDelay] = useState<number | null>(null);
  const [language, setLanguage] = useState<Language>(currentLanguage());
  const [q, setQ] = useState(DEFAULT_Q);
  const [present, setPresent] = useState(new URLSearchParams(location.search).get('present') === '1');
  const [lessonRun, setLessonRun] = useState<LessonRun | null>(null);
  const [lesson, setLesson] = useState<string | null>(new URLSearchParams(location.search).get('lesson'));
  // Whether a lesson can run depends on the miners and the nodes: read the list again when they change or a run ends.
  const lessons = useLessons(`${lessonRun?.id}:${lessonRun?.state}:${view?.paused}:${view?.nodes.map((n) => `${n.alive}${n.miningWanted}`).join()}`);
  const finality = useFinality(q, Math.min(MAX_WINDOW, windowHeights + 1), (message) => setError({ message }));
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
        setError((old) => (old?.fromPoll === true ? null : old));
      } catch (e) {
        setError({ message: t('page.noAnswer', { message: (e as Error).message }), fromPoll: true });
      }
    };
    void poll();
    const timer = setInterval(poll, 1000);
    // Subscribe first, then load: an event that lands in between is merged, not lost.
    const events = new EventSource(`${API}/devnet/events`);
    listen(events, 'block', (block) => addBlocks([block]));
    listen(events, 'seen', (s) => {
      setBlocks((old) => {
        const b = old.get(s.hash);
        if (!b) return old;
        return new Map(old).set(s.hash, { ...b, seenBy: { ...b.seenBy, [s.node]: s.atMs } });
      });
    });
    listen(events, 'tip', (tip) => setTips((old) => ({ ...old, [tip.node]: tip.hash })));
    listen(events, 'reorg-card', (card) => {
      setCards((old) => [card, ...old.filter((c) => c.id !== card.id)]);
    });
    listen(events, 'lesson', setLessonRun);
    listen(events, 'timeline', (item) => setTimeline((old) => [item, ...old].slice(0, 300)));
    void fetch(`${API}/devnet/tree?heights=${MAX_WINDOW}`).then(async (r) => {
      const t = (await r.json()) as DevnetTree;
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
    document.body.classList.toggle('large', large || present);
    document.body.classList.toggle('present', present);
  }, [large, present]);
  // Presentation mode lives in the address too, so a reload (or the link given to a projector) keeps it; Escape ends it.
  useEffect(() => {
    const url = new URL(location.href);
    if (present) url.searchParams.set('present', '1');
    else url.searchParams.delete('present');
    if (lesson !== null) url.searchParams.set('lesson', lesson);
    history.replaceState(null, '', url);
    if (!present) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPresent(false);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [present, lesson]);

  if (view === null) return <p>{error?.message ?? t('page.connecting')}</p>;
  const act = (what: () => Promise<void>) => () => void what().then(() => setError(null), (e: Error) => setError({ message: e.message, code: e instanceof PageError ? e.code : undefined }));
  const groups = GROUP_NAMES.map((_, g) => view.nodes.filter((n) => plan[n.index] === g).map((n) => n.index)).filter((g) => g.length > 0);
  // Blocks made on demand (generate): the networks made for tests, as the view says.
  const regtest = view.blocksOnDemand;
  const shownDelay = delay ?? view.link.delayMs;
  const find = act(async () => {
    const r = await fetch(`${API}/devnet/search?q=${encodeURIComponent(query)}`);
    const body = (await r.json()) as Target & { error?: { message: string } };
    if (!r.ok) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
    setTarget({ kind: body.kind, id: body.id });
  });
  const shownKinds = new Set<string>([...filters].flatMap((f) => FILTERS[f]));

  const treeSection = (
    <section class="tree">
      <h2>{t('tree.heading')}</h2>
      <p class="muted finality-caption" id="finality-caption">{t('finality.caption', { share: number(q, { style: 'percent' }) })}</p>
      {!present && (
        <div class="row tree-tools">
          <button onClick={() => setZoom(Math.max(0.4, zoom / 1.25))}>−</button>
          <span>{Math.round(zoom * 100)} %</span>
          <button onClick={() => setZoom(Math.min(2.5, zoom * 1.25))}>+</button>
          <label>
            {t('tree.window')} <input type="number" min={10} max={MAX_WINDOW} value={windowHeights} onChange={(e) => setWindowHeights(Math.max(10, Math.min(MAX_WINDOW, Number((e.target as HTMLInputElement).value) || DEFAULT_WINDOW)))} /> {t('tree.heights')}
          </label>
          {expanded.length > 0 && <button onClick={() => setExpanded([])}>{t('tree.fold')}</button>}
          <FinalitySlider q={q} setQ={setQ} />
        </div>
      )}
      <div class="tree-scroll" ref={treeBox}>
        <BlockTree blocks={[...blocks.values()]} tips={tips} windowHeights={windowHeights} large={large || present} zoom={zoom} expanded={expanded} onExpand={(r) => setExpanded([...expanded, r])} selected={target?.kind === 'block' ? target.id : null} onSelect={(hash) => setTarget({ kind: 'block', id: hash })} highlight={highlight} finality={finality} />
      </div>
    </section>
  );
  const languagePicker = (
    <label class="row">
      {t('language')}{' '}
      <select id="language" value={language} onChange={(e) => { const l = (e.target as HTMLSelectElement).value as Language; chooseLanguage(l); setLanguage(l); }}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code}>{name}</option>
        ))}
      </select>
    </label>
  );

  const lessonsPanel = lessons && <Lessons list={lessons} run={lessonRun ?? lessons.run} chosen={lesson} choose={setLesson} present={present} regtest={regtest} spacingSec={view.targetSpacingSec} act={act} />;

  if (present) {
    return (
      <div class="presentation" data-testid="presentation">
        <header class="present-bar">
          <h1>{t('page.title')}</h1>
          <button id="present" onClick={() => setPresent(false)}>{t('page.endPresent')}</button>
        </header>
        {error && <p class="flag" id="error">{error.message}</p>}
        {treeSection}
        {lessonsPanel}
      </div>
    );
  }

  return (
    <div>
      <header>
        <h1>{t('page.title')}</h1>
        <span class="muted">
          {t('page.summary', { network: view.network, count: view.nodes.length, pace: regtest ? t('page.onDemand') : t('page.paced', { seconds: view.targetSpacingSec }) })}
        </span>
        <button id="pause" class={view.paused ? 'primary' : 'warn'} onClick={act(() => post('/devnet/mining', { active: view.paused }))}>
          {view.paused ? t('page.resume') : t('page.pause')}
        </button>
        <button id="split" disabled={groups.length < 2} onClick={act(() => post('/devnet/split', { groups }))}>
          {t('page.split', { groups: groups.map((g) => `{${g.join(',')}}`).join(' | ') })}
        </button>
        <button id="heal" disabled={view.groups === null} onClick={act(() => post('/devnet/heal'))}>
          {t('page.heal')}
        </button>
        <label class="row">
          {t('page.linkDelay')} <input id="delay" type="range" min={0} max={5000} step={100} value={shownDelay} onInput={(e) => setDelay(Number((e.target as HTMLInputElement).value))} onChange={act(async () => { await post('/devnet/link', { delayMs: shownDelay }); setDelay(null); })} /> {t('page.ms', { ms: shownDelay })}
        </label>
        <label class="row">
          <input type="checkbox" checked={large} onChange={() => setLarge(!large)} /> {t('page.largeType')}
        </label>
        <button id="present" onClick={() => setPresent(true)}>{t('page.present')}</button>
        {languagePicker}
        <form class="row" onSubmit={(e) => (e.preventDefault(), find())}>
          <input id="search" placeholder={t('page.searchPlaceholder')} size={34} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          <button type="submit">{t('page.find')}</button>
        </form>
        {error && <span class="flag" id="error" title={error.code === undefined ? undefined : t('page.errorCode', { code: error.code })} data-code={error.code}>{error.message}</span>}
      </header>
      {treeSection}
      <main>
        <div>
          {lessonsPanel}
          {target && <Explorer key={`${target.kind}:${target.id}`} target={target} go={setTarget} close={() => setTarget(null)} />}
          <ReorgCards cards={cards} onHover={setHighlight} onSelect={(hash) => setTarget({ kind: 'block', id: hash })} />
          <section>
            <h2>{t('nodes.heading')} {view.groups ? t('nodes.split', { groups: view.groups.map((g) => `{${g.join(',')}}`).join(' | ') }) : t('nodes.oneNetwork')}</h2>
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
            <h2>{t('timeline.heading')}</h2>
            <div class="row filters">
              {FILTER_NAMES.map((f) => (
                <label key={f}>
                  <input type="checkbox" data-filter={f} checked={filters.has(f)} onChange={() => setFilters((old) => { const next = new Set(old); if (!next.delete(f)) next.add(f); return next; })} /> {t(`timeline.${f}`)}
                </label>
              ))}
            </div>
            <ul class="timeline" id="timeline">
              {timeline.filter((item) => shownKinds.has(item.kind)).map((item, i) => (
                <li key={`${item.atMs}-${i}`} class={`${item.kind}-item`}>
                  <span class="muted">{clock(item.atMs)}</span> {item.message === undefined ? item.text : say(`devnetText.${item.message.key}`, item.message.params)}
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
      <h2>{t('figures.heading')}</h2>
      <dl>
        <dt>{t('figures.stale', { window: view.stale.window })}</dt>
        <dd id="stale-rate">{t('figures.staleValue', { rate: percent(view.stale.rate), stale: view.stale.stale, blocks: view.stale.blocks })}</dd>
        <dt>{t('figures.splitCost')}</dt>
        <dd id="split-cost">{t('figures.blocks', { count: view.stale.splitStale })}</dd>
        <dt>{t('figures.model')}</dt>
        <dd>
          {t('figures.modelValue', { p: percent(view.stale.model), delay: view.link.delayMs, spacing: view.targetSpacingSec })}
          {view.stale.modelByPropagation !== null && t('figures.modelByPropagation', { p: percent(view.stale.modelByPropagation) })}
        </dd>
        <dt>{t('figures.propagation')}</dt>
        <dd id="propagation">
          {p.medianMs === null ? '–' : t('figures.propagationValue', { median: p.medianMs, p90: p.p90Ms, blocks: p.blocks })}
          {p.heldBySplit > 0 && <span class="muted">{t('figures.heldBySplit', { count: p.heldBySplit })}</span>}
        </dd>
        {groups.map((g, i) => {
          const nodes = view.nodes.filter((n) => g.includes(n.index) && n.status);
          const expected = Math.max(0, ...nodes.map((n) => Number(n.status!.difficulty.expectedHashes)));
          const rate = nodes.reduce((s, n) => s + n.status!.mining.hashrate, 0);
          return (
            <Fragment key={i}>
              <dt>{view.groups ? t('figures.group', { group: `{${g.join(',')}}` }) : t('figures.difficulty')}</dt>
              <dd>{t('figures.difficultyValue', { expected: si(expected), rate: si(rate, 'H/s') })}</dd>
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
