// Reorg cards: every reorg any node made, newest first, explained by the work of the two
// branches from the fork point (the devnet keeps them: GET /api/v1/devnet/reorgs).
// Hovering a card lights its branches up on the tree.
import type { ReorgCard } from '../src/devnet/reorg-card.js';
import { clock, exact, nodeColour, short, si } from './format.js';
import { say, t } from './i18n.js';

export type { ReorgCard };

export function ReorgCards(props: { cards: ReorgCard[]; onHover: (hashes: Set<string>) => void; onSelect: (hash: string) => void }) {
  if (props.cards.length === 0) return null;
  return (
    <section class="reorgs">
      <h2>{t('reorgs.heading')}</h2>
      {props.cards.map((c) => (
        <Card key={c.id} card={c} onHover={props.onHover} onSelect={props.onSelect} />
      ))}
    </section>
  );
}

function Card({ card: c, onHover, onSelect }: { card: ReorgCard; onHover: (hashes: Set<string>) => void; onSelect: (hash: string) => void }) {
  const hashes = new Set([c.fork.hash, ...c.old.blocks.map((b) => b.hash), ...c.new.blocks.map((b) => b.hash)]);
  const diff = BigInt(c.difference);
  return (
    <div class="reorg" data-testid="reorg-card" data-card-node={c.node} onMouseEnter={() => onHover(hashes)} onMouseLeave={() => onHover(new Set())}>
      <h3>
        <span class="dot" style={{ background: nodeColour(c.node) }} /> {t('reorgs.switched', { node: c.node, disconnected: t('reorgs.blocks', { count: c.disconnected }), connected: c.connected })}
        <span class="muted">{t('reorgs.at', { time: clock(c.atMs) })}</span>
      </h3>
      <p>
        {t('reorgs.forkPoint')} <a href="#" onClick={(e) => (e.preventDefault(), onSelect(c.fork.hash))}>#{c.fork.height} {short(c.fork.hash)}</a>
      </p>
      <div class="branches">
        <Branch title={t('reorgs.old')} branch={c.old} win={false} onSelect={onSelect} />
        <Branch title={t('reorgs.new')} branch={c.new} win={true} onSelect={onSelect} />
      </div>
      <p class="difference" data-testid="reorg-difference">
        {t('reorgs.difference')} <strong>{diff >= 0n ? '+' : ''}{t('reorgs.hashes', { work: exact(c.difference) })}</strong> ({si(Number(diff))}): {c.becauseKey === undefined ? c.because : say(`reorgs.because.${c.becauseKey}`, { count: Math.abs(c.moreBlocks) })}
      </p>
      <p class="rule">{t('reorgs.rule', { rule: t('reorgs.ruleText') })}</p>
      {(c.backToMempool.length > 0 || c.dropped.length > 0) && (
        <ul class="fates">
          {c.backToMempool.map((txid) => (
            <li key={txid}>{t('reorgs.backToMempool', { txid: txid.slice(0, 16) })}</li>
          ))}
          {c.dropped.map((d) => (
            <li key={d.txid} class="dropped">
              {t('reorgs.dropped', { txid: d.txid.slice(0, 16) })}{d.conflictsWith ? t('reorgs.doubleSpend', { other: d.conflictsWith.slice(0, 16) }) : t('reorgs.spentDropped')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Branch(props: { title: string; branch: ReorgCard['old']; win: boolean; onSelect: (hash: string) => void }) {
  const { branch: b } = props;
  return (
    <div class={`branch${props.win ? ' win' : ''}`}>
      <h4>{props.title}</h4>
      {b.omitted > 0 && <p class="muted">{t('reorgs.omitted', { count: b.omitted })}</p>}
      <ol class="branch-blocks">
        {b.blocks.map((x) => (
          <li key={x.hash}>
            <a href="#" onClick={(e) => (e.preventDefault(), props.onSelect(x.hash))}>#{x.height} {short(x.hash)}</a> {t('reorgs.minedBy', { who: x.miner === null ? t('reorgs.outside') : t('reorgs.node', { node: x.miner }), work: exact(x.work) })}
          </li>
        ))}
      </ol>
      <p class="sum" data-testid={props.win ? 'new-branch-work' : 'old-branch-work'}>
        {t('reorgs.sum', { count: b.blocks.length + b.omitted })} <strong>{t('reorgs.hashes', { work: exact(b.work) })}</strong>
      </p>
    </div>
  );
}
