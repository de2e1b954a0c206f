// The explorer panel: a block (header, hash beside target, work, miner, who has it since
// when, transactions with inputs → outputs and fees), a transaction or an address, all
// read through the devnet (GET /api/v1/devnet/blocks/:id, /tx/:txid, /address/:address);
// and each node's mempool with double spends in flight marked.
import { useEffect, useState } from 'preact/hooks';
import { after, clock, exact, nodeColour, short } from './format.js';
import type { ExplorerAddress, ExplorerBlock, ExplorerTx, ExplorerTxDetails, Mempools, SearchAnswer } from '../src/devnet/devnet-view.js';
import { currentLanguage, t } from './i18n.js';

/** What the explorer shows: the devnet's search answer (GET /devnet/search). */
export type Target = SearchAnswer;
type Go = (t: Target) => void;

/** A transaction as the explorer answers it; from GET /devnet/tx also where each node has it. */
type Tx = ExplorerTx & Partial<Pick<ExplorerTxDetails, 'nodes'>>;

/** Explorer shows one target; the page gives each target its own instance (a key), so one target's data never meets another's view. */
export function Explorer(props: { target: Target; go: Go; close: () => void }) {
  const [data, setData] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const { kind, id } = props.target;
  useEffect(() => {
    setData(null);
    setError(null);
    const path = kind === 'block' ? `blocks/${id}` : kind === 'tx' ? `tx/${id}` : `address/${encodeURIComponent(id)}`;
    void fetch(`/api/v1/devnet/${path}`).then(async (r) => {
      const body = (await r.json()) as { error?: { message: string } };
      if (!r.ok) setError(body.error?.message ?? `HTTP ${r.status}`);
      else setData(body);
    });
  }, [kind, id]);
  return (
    <section class="explorer" data-testid="block-details" data-kind={kind} data-id={id}>
      <h2>
        {kind === 'block' ? t('explorer.block') : kind === 'tx' ? t('explorer.tx') : t('explorer.address')} <code>{short(id)}</code> <button onClick={props.close}>{t('explorer.close')}</button>
      </h2>
      {error && <p class="flag">{error}</p>}
      {data === null && !error && <p class="muted">{t('explorer.reading')}</p>}
      {data !== null && kind === 'block' && <BlockPanel b={data as ExplorerBlock} go={props.go} />}
      {data !== null && kind === 'tx' && <TxPanel tx={data as Tx} go={props.go} full />}
      {data !== null && kind === 'address' && <AddressPanel a={data as ExplorerAddress} go={props.go} />}
    </section>
  );
}

function BlockPanel({ b, go }: { b: ExplorerBlock; go: Go }) {
  const seen = Object.entries(b.seenBy).sort((x, y) => x[1] - y[1]);
  const first = seen[0]?.[1] ?? 0;
  return (
    <div>
      <dl class="fields">
        <dt>{t('explorer.height')}</dt>
        <dd>{b.height} {b.inActiveChain ? t('explorer.confirmations', { count: b.confirmations }) : t('explorer.offChain')}</dd>
        <dt>{t('explorer.hash')}</dt>
        <dd><code>{b.hash}</code></dd>
        <dt>{t('explorer.target')}</dt>
        <dd><code>{b.target}</code> {t('explorer.targetValue', { bits: b.bits })}</dd>
        <dt>{t('explorer.version')}</dt><dd>{b.version}</dd>
        <dt>{t('explorer.prev')}</dt>
        <dd><a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'block', id: b.prevHash }))}><code>{b.prevHash}</code></a></dd>
        <dt>{t('explorer.merkleRoot')}</dt><dd><code>{b.merkleRoot}</code></dd>
        <dt>{t('explorer.time')}</dt><dd>{new Date(b.time * 1000).toLocaleString(currentLanguage())} ({b.time})</dd>
        <dt>{t('explorer.nonce')}</dt><dd>{b.nonce}</dd>
        <dt>{t('explorer.work')}</dt><dd>{b.work === null ? '–' : t('explorer.hashes', { work: exact(b.work) })}</dd>
        <dt>{t('explorer.chainwork')}</dt><dd>{t('explorer.hashes', { work: exact(BigInt(`0x${b.chainwork}`)) })}</dd>
        <dt>{t('explorer.minedBy')}</dt><dd>{b.miner === null ? t('explorer.outsideKey') : t('explorer.node', { node: b.miner })}</dd>
        <dt>{t('explorer.seenBy')}</dt>
        <dd>
          {seen.length === 0 ? t('explorer.seenByNone') : seen.map(([n, at]) => (
            <span key={n} class="seen"><span class="dot" style={{ background: nodeColour(Number(n)) }} /> {t('explorer.seenAt', { node: n, time: clock(at) })}{at > first ? ` (${after(at - first)}${b.reachable && !b.reachable.includes(Number(n)) ? t('explorer.heldBySplit') : ''})` : ''} </span>
          ))}
        </dd>
      </dl>
      <h3>{t('explorer.transactions', { count: b.txs.length })}</h3>
      {b.txs.map((tx) => <TxPanel key={tx.txid} tx={tx} go={go} full={false} />)}
    </div>
  );
}

function TxPanel({ tx, go, full }: { tx: Tx; go: Go; full: boolean }) {
  const addr = (a: string | null | undefined) => (a ? <a href="#" class="address" onClick={(e) => (e.preventDefault(), go({ kind: 'address', id: a }))}>{a.slice(0, 14)}…</a> : '?');
  return (
    <div class="tx" data-txid={tx.txid}>
      <p>
        {tx.coinbase && <span class="badge">{t('explorer.coinbase')}</span>} <a href="#" class="txid" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: tx.txid }))}><code>{tx.txid}</code></a>
        {tx.fee !== null && <span class="muted"> {t('explorer.fee', { fee: tx.fee })}</span>}
      </p>
      <div class="io">
        <ul>
          {(tx.inputDetails ?? []).map((i, k) => (
            <li key={k}>{'coinbase' in i ? t('explorer.newCoins') : <>{t('explorer.from', { value: i.value ?? '?' })} {addr(i.address)} <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: i.prevout.txid }))}>{i.prevout.txid.slice(0, 8)}…:{i.prevout.index}</a></>}</li>
          ))}
        </ul>
        <span class="arrow">→</span>
        <ul>
          {tx.outputs.map((o) => (
            <li key={o.index}>{t('explorer.to', { value: o.value })} {addr(o.address)}</li>
          ))}
        </ul>
      </div>
      {full && tx.nodes && (
        <p class="muted">
          {Object.entries(tx.nodes).map(([n, w]) => (w === null ? t('explorer.nodeHasNot', { node: n }) : w.status === 'mempool' ? t('explorer.nodeMempool', { node: n }) : t('explorer.nodeConfirmed', { node: n, count: w.confirmations }))).join('; ')}
          {tx.blockHash && <> · <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'block', id: tx.blockHash! }))}>{t('explorer.itsBlock')}</a></>}
        </p>
      )}
    </div>
  );
}

function AddressPanel({ a, go }: { a: ExplorerAddress; go: Go }) {
  return (
    <div>
      <p><code>{a.address}</code> {a.miner !== null && t('explorer.miningKey', { node: a.miner })}</p>
      <p>{t('explorer.balance', a.balance)}</p>
      <h3>{t('explorer.coins', { count: a.coins.length })}</h3>
      <ul>
        {a.coins.slice(0, 30).map((c) => (
          <li key={`${c.txid}:${c.index}`}>{t('explorer.coinIn', { value: c.value })} <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: c.txid }))}>{c.txid.slice(0, 12)}…:{c.index}</a>{c.mature ? '' : t('explorer.immature')}{c.spentBy ? t('explorer.spentInMempool') : ''}</li>
        ))}
      </ul>
      <h3>{t('explorer.history', { count: a.history.total })}</h3>
      <ul>
        {a.history.items.map((h) => (
          <li key={h.txid}><a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: h.txid }))}>{h.txid.slice(0, 16)}…</a> {h.height === null ? t('explorer.unconfirmed') : t('explorer.inBlock', { height: h.height })}</li>
        ))}
      </ul>
    </div>
  );
}

/** Mempools reads every node's mempool each few seconds while open. */
export function MempoolPanel(props: { go: Go; tick: number }) {
  const [open, setOpen] = useState(true);
  const [data, setData] = useState<Mempools | null>(null);
  useEffect(() => {
    if (!open) return;
    void fetch('/api/v1/devnet/mempools').then(async (r) => r.ok && setData((await r.json()) as Mempools));
  }, [open, props.tick]);
  return (
    <section class="mempools" data-testid="mempools">
      <h2>
        {t('mempools.heading')} <button onClick={() => setOpen(!open)}>{open ? t('mempools.hide') : t('mempools.show')}</button>
      </h2>
      {open && data && (
        <>
          {data.conflicts.map((c) => (
            <p key={c.coin} class="flag conflict" data-testid="mempool-conflict">
              {t('mempools.conflict', { coin: `${c.coin.slice(0, 12)}…${c.coin.slice(c.coin.indexOf(':'))}`, spenders: c.spenders.map((s) => t('mempools.spender', { txid: s.txid.slice(0, 10), nodes: s.nodes.join(', ') })).join(t('mempools.andBy')) })}
            </p>
          ))}
          {data.nodes.map((n) => (
            <div key={n.node}>
              <strong>{t('mempools.node', { node: n.node })}</strong>{t('mempools.count', { count: n.count })}
              <ul>
                {n.txs.map((tx) => (
                  <li key={tx.txid} class={tx.conflict ? 'conflict' : ''} data-mempool-txid={tx.txid}>
                    <a href="#" onClick={(e) => (e.preventDefault(), props.go({ kind: 'tx', id: tx.txid }))}>{tx.txid.slice(0, 16)}…</a> {t('mempools.fee', { fee: tx.fee })}{tx.conflict ? t('mempools.conflicts') : ''}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
