// The explorer panel: a block (header, hash beside target, work, miner, who has it since
// when, transactions with inputs → outputs and fees), a transaction or an address, all
// read through the devnet (GET /api/v1/devnet/blocks/:id, /tx/:txid, /address/:address);
// and each node's mempool with double spends in flight marked.
import { useEffect, useState } from 'preact/hooks';
import { after, clock, exact, nodeColour, short } from './format.js';
import type { AddressInfo, Block, Tx as NodeTx, TxLookup } from '../src/api/contract/responses.js';

export type Target = { kind: 'block' | 'tx' | 'address'; id: string };
type Go = (t: Target) => void;

interface Input {
  coinbase?: true;
  prevout?: { txid: string; index: number };
  value?: string | null;
  address?: string | null;
  miner?: number | null;
}
/** A node's transaction (the contract's Tx; from GET /tx also its status), with what the devnet adds. */
type Tx = NodeTx &
  Partial<Pick<TxLookup, 'status' | 'blockHash' | 'confirmations'>> & {
    inputDetails: Input[] | null;
    fee: string | null;
    nodes?: Record<string, { status: string; confirmations: number } | null>;
  };

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
        {kind === 'block' ? 'Block' : kind === 'tx' ? 'Transaction' : 'Address'} <code>{short(id)}</code> <button onClick={props.close}>close</button>
      </h2>
      {error && <p class="flag">{error}</p>}
      {data === null && !error && <p class="muted">reading…</p>}
      {data !== null && kind === 'block' && <BlockPanel b={data as BlockData} go={props.go} />}
      {data !== null && kind === 'tx' && <TxPanel tx={data as Tx} go={props.go} full />}
      {data !== null && kind === 'address' && <AddressPanel a={data as AddressData} go={props.go} />}
    </section>
  );
}

/** A node's block (the contract's Block) with what the devnet adds: target, work, miner, who saw it when. */
type BlockData = Omit<Block, 'txs'> & {
  target: string;
  work: string | null;
  miner: number | null;
  seenBy: Record<string, number>;
  reachable: number[] | null;
  txs: Tx[];
};

function BlockPanel({ b, go }: { b: BlockData; go: Go }) {
  const seen = Object.entries(b.seenBy).sort((x, y) => x[1] - y[1]);
  const first = seen[0]?.[1] ?? 0;
  return (
    <div>
      <dl class="fields">
        <dt>height</dt>
        <dd>{b.height} {b.inActiveChain ? `(${b.confirmations} confirmations)` : '(not on the answering node’s active chain)'}</dd>
        <dt>hash</dt>
        <dd><code>{b.hash}</code></dd>
        <dt>≤ target</dt>
        <dd><code>{b.target}</code> (bits {b.bits}): the hash is below it, so the work is valid</dd>
        <dt>version</dt><dd>{b.version}</dd>
        <dt>prev</dt>
        <dd><a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'block', id: b.prevHash }))}><code>{b.prevHash}</code></a></dd>
        <dt>merkle root</dt><dd><code>{b.merkleRoot}</code></dd>
        <dt>time</dt><dd>{new Date(b.time * 1000).toLocaleString()} ({b.time})</dd>
        <dt>nonce</dt><dd>{b.nonce}</dd>
        <dt>work</dt><dd>{b.work === null ? '–' : `${exact(b.work)} hashes`}</dd>
        <dt>chainwork</dt><dd>{exact(BigInt(`0x${b.chainwork}`))} hashes</dd>
        <dt>mined by</dt><dd>{b.miner === null ? 'a key outside the devnet' : `node ${b.miner}`}</dd>
        <dt>nodes that connected it</dt>
        <dd>
          {seen.length === 0 ? 'none since the devnet started' : seen.map(([n, t]) => (
            <span key={n} class="seen"><span class="dot" style={{ background: nodeColour(Number(n)) }} /> node {n} at {clock(t)}{t > first ? ` (${after(t - first)}${b.reachable && !b.reachable.includes(Number(n)) ? ', held by the split' : ''})` : ''} </span>
          ))}
        </dd>
      </dl>
      <h3>{b.txs.length} transaction{b.txs.length === 1 ? '' : 's'}</h3>
      {b.txs.map((tx) => <TxPanel key={tx.txid} tx={tx} go={go} full={false} />)}
    </div>
  );
}

function TxPanel({ tx, go, full }: { tx: Tx; go: Go; full: boolean }) {
  const addr = (a: string | null | undefined) => (a ? <a href="#" class="address" onClick={(e) => (e.preventDefault(), go({ kind: 'address', id: a }))}>{a.slice(0, 14)}…</a> : '?');
  return (
    <div class="tx" data-txid={tx.txid}>
      <p>
        {tx.coinbase && <span class="badge">coinbase</span>} <a href="#" class="txid" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: tx.txid }))}><code>{tx.txid}</code></a>
        {tx.fee !== null && <span class="muted"> fee {tx.fee}</span>}
      </p>
      <div class="io">
        <ul>
          {(tx.inputDetails ?? []).map((i, k) => (
            <li key={k}>{i.coinbase ? 'new coins (subsidy + fees)' : <>{i.value ?? '?'} from {addr(i.address)} <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: i.prevout!.txid }))}>{i.prevout!.txid.slice(0, 8)}…:{i.prevout!.index}</a></>}</li>
          ))}
        </ul>
        <span class="arrow">→</span>
        <ul>
          {tx.outputs.map((o) => (
            <li key={o.index}>{o.value} to {addr(o.address)}</li>
          ))}
        </ul>
      </div>
      {full && tx.nodes && (
        <p class="muted">
          {Object.entries(tx.nodes).map(([n, w]) => `node ${n}: ${w === null ? 'does not have it' : w.status === 'mempool' ? 'in its mempool' : `confirmed (${w.confirmations})`}`).join('; ')}
          {tx.blockHash && <> · <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'block', id: tx.blockHash! }))}>its block</a></>}
        </p>
      )}
    </div>
  );
}

/** A node's GET /address answer (the contract's AddressInfo) and whose mining key it is. */
type AddressData = AddressInfo & { miner: number | null };

function AddressPanel({ a, go }: { a: AddressData; go: Go }) {
  return (
    <div>
      <p><code>{a.address}</code> {a.miner !== null && <>(node {a.miner}’s mining key)</>}</p>
      <p>spendable {a.balance.spendable}, immature {a.balance.immature}, unconfirmed {a.balance.unconfirmed}</p>
      <h3>coins ({a.coins.length})</h3>
      <ul>
        {a.coins.slice(0, 30).map((c) => (
          <li key={`${c.txid}:${c.index}`}>{c.value} in <a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: c.txid }))}>{c.txid.slice(0, 12)}…:{c.index}</a>{c.mature ? '' : ' (immature)'}{c.spentBy ? ' (spent in the mempool)' : ''}</li>
        ))}
      </ul>
      <h3>history ({a.history.total})</h3>
      <ul>
        {a.history.items.map((h) => (
          <li key={h.txid}><a href="#" onClick={(e) => (e.preventDefault(), go({ kind: 'tx', id: h.txid }))}>{h.txid.slice(0, 16)}…</a> {h.height === null ? 'unconfirmed' : `block ${h.height}`}</li>
        ))}
      </ul>
    </div>
  );
}

interface Mempools {
  nodes: { node: number; count: number; txs: { txid: string; fee: string; conflict: boolean; outputs: { value: string }[] }[] }[];
  conflicts: { coin: string; spenders: { txid: string; nodes: number[] }[] }[];
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
        Mempools <button onClick={() => setOpen(!open)}>{open ? 'hide' : 'show'}</button>
      </h2>
      {open && data && (
        <>
          {data.conflicts.map((c) => (
            <p key={c.coin} class="flag conflict" data-testid="mempool-conflict">
              double spend in flight: coin {c.coin.slice(0, 12)}…{c.coin.slice(c.coin.indexOf(':'))} is spent by {c.spenders.map((s) => `${s.txid.slice(0, 10)}… (node ${s.nodes.join(', ')})`).join(' and by ')}
            </p>
          ))}
          {data.nodes.map((n) => (
            <div key={n.node}>
              <strong>node {n.node}</strong>: {n.count} tx
              <ul>
                {n.txs.map((t) => (
                  <li key={t.txid} class={t.conflict ? 'conflict' : ''} data-mempool-txid={t.txid}>
                    <a href="#" onClick={(e) => (e.preventDefault(), props.go({ kind: 'tx', id: t.txid }))}>{t.txid.slice(0, 16)}…</a> fee {t.fee}{t.conflict ? ' — conflicts with another node’s' : ''}
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
