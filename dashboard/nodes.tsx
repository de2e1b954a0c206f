// One node's card: its height, tip, work, peers, hash rate, mempool, group and balance,
// with its controls (send coins, mine, hash-power share, which group to split it into).
import { useState } from 'preact/hooks';
import { nodeColour, short, si, work } from './format.js';
import type { NodeView } from '../src/devnet/devnet-view.js';
import { t } from './i18n.js';

export const GROUP_NAMES = ['A', 'B', 'C', 'D'];

/** A refusal from the devnet: the message is for the page, the code for its tooltip. */
export class PageError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export async function post(path: string, body: unknown = {}): Promise<void> {
  const res = await fetch('/api/v1' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw e.error ? new PageError(e.error.message, e.error.code) : new PageError(`HTTP ${res.status}`);
  }
}

export function NodeCard(props: { node: NodeView; nodes: number; regtest: boolean; plan: number; setPlan: (g: number) => void; act: (f: () => Promise<void>) => () => void }) {
  const { node: n, act } = props;
  const others = Array.from({ length: props.nodes }, (_, i) => i).filter((i) => i !== n.index);
  const [payTo, setPayTo] = useState<number>(others[0] ?? 0);
  const [amount, setAmount] = useState('1');
  const s = n.status;
  const down = !n.alive;
  return (
    <div class={`node ${n.state}${n.unreachable ? ' unreachable' : ''}`} data-node={n.index} data-height={s?.height ?? ''} data-tip={s?.tip ?? ''} style={{ borderLeftColor: nodeColour(n.index) }}>
      <strong>{t('nodes.node', { node: n.index })}</strong>
      {n.label && <span class="label"> {n.label}</span>}
      {n.bannedBy?.[0] && (
        <span class="flag banned" data-banned-by={n.bannedBy[0].node} title={n.bannedBy.map((b) => t('nodes.bannedTitle', { node: b.node, address: b.address, reason: b.reason })).join('\n')}>
          {t('nodes.bannedBy', { node: n.bannedBy[0].node, reason: n.bannedBy[0].reason })}
        </span>
      )}
      {down && <span class="flag">{n.state}{n.exitInfo ? `: ${n.exitInfo}` : ''}</span>}
      {n.unreachable && !down && <span class="flag">{t('nodes.unreachable')}</span>}
      {n.lagging && <span class="flag">{t('nodes.lagging')}</span>}
      <dl>
        <dt>{t('nodes.height')}</dt>
        <dd class="height">{s?.height ?? '–'}</dd>
        <dt>{t('nodes.tip')}</dt>
        <dd>{short(s?.tip)}</dd>
        <dt>{t('nodes.chainwork')}</dt>
        <dd>{t('nodes.hashes', { work: s ? si(work(s.chainwork)) : '–' })}</dd>
        <dt>{t('nodes.peers')}</dt>
        <dd>{s?.peers ?? '–'}</dd>
        <dt>{t('nodes.hashrate')}</dt>
        <dd>{s ? si(s.mining.hashrate, 'H/s') : '–'}</dd>
        <dt>{t('nodes.mempool')}</dt>
        <dd>{s ? t('nodes.mempoolTx', { count: s.mempool.count }) : '–'}</dd>
        <dt>{t('nodes.group')}</dt>
        <dd>{GROUP_NAMES[n.group] ?? n.group}</dd>
        <dt>{t('nodes.balance')}</dt>
        <dd class="balance" title={t('nodes.balanceTitle')}>
          {n.balance ? `${n.balance.spendable}${n.balance.unconfirmed !== '0.00000000' ? ` ${t('nodes.unconfirmed', { amount: n.balance.unconfirmed })}` : ''}` : '–'}
        </dd>
      </dl>
      {!down && others.length > 0 && (
        <div class="row send">
          {t('nodes.send')}{' '}
          <input class="amount" data-action="amount" size={8} value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} /> {t('nodes.to')}{' '}
          <select value={String(payTo)} data-action="pay-to" onChange={(e) => setPayTo(Number((e.target as HTMLSelectElement).value))}>
            {others.map((i) => (
              <option key={i} value={String(i)}>
                {t('nodes.payee', { node: i })}
              </option>
            ))}
          </select>{' '}
          <button data-action="send" onClick={act(() => post('/devnet/send', { from: n.index, to: payTo, amount: amount.trim() }))}>
            {t('nodes.sendButton')}
          </button>
        </div>
      )}
      <div class="row">
        {down ? (
          <button class="primary" data-action="restart" onClick={act(() => post(`/devnet/nodes/${n.index}/restart`))}>
            {t('nodes.restart')}
          </button>
        ) : (
          <>
            {!props.regtest && (
              <button data-action="mining" onClick={act(() => post(`/devnet/nodes/${n.index}/mining`, { active: !n.miningWanted }))}>
                {n.miningWanted ? t('nodes.miningOn') : t('nodes.miningOff')}
              </button>
            )}
            {props.regtest && (
              <button data-action="generate" onClick={act(() => post(`/devnet/nodes/${n.index}/generate`, { blocks: 1 }))}>
                {t('nodes.generate')}
              </button>
            )}
          </>
        )}
        {!props.regtest && !down && (
          <label>
            {t('nodes.hashPower')}{' '}
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
          {t('nodes.splitInto')}{' '}
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
