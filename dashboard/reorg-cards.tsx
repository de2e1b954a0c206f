// Reorg cards: every reorg any node made, newest first, explained by the work of the two
// branches from the fork point (the devnet keeps them: GET /api/v1/devnet/reorgs).
// Hovering a card lights its branches up on the tree.
import type { ReorgCard } from '../src/devnet/reorg-card.js';
import { clock, exact, nodeColour, short, si } from './format.js';

export type { ReorgCard };

export function ReorgCards(props: { cards: ReorgCard[]; onHover: (hashes: Set<string>) => void; onSelect: (hash: string) => void }) {
  if (props.cards.length === 0) return null;
  return (
    <section class="reorgs">
      <h2>Reorgs, newest first: each explained by the work of its branches</h2>
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
        <span class="dot" style={{ background: nodeColour(c.node) }} /> Node {c.node} switched branches: {c.disconnected} block{c.disconnected === 1 ? '' : 's'} disconnected, {c.connected} connected
        <span class="muted"> at {clock(c.atMs)}</span>
      </h3>
      <p>
        Fork point: block <a href="#" onClick={(e) => (e.preventDefault(), onSelect(c.fork.hash))}>#{c.fork.height} {short(c.fork.hash)}</a>
      </p>
      <div class="branches">
        <Branch title="left (old branch)" branch={c.old} win={false} onSelect={onSelect} />
        <Branch title="switched to (new branch)" branch={c.new} win={true} onSelect={onSelect} />
      </div>
      <p class="difference" data-testid="reorg-difference">
        Difference: <strong>{diff >= 0n ? '+' : ''}{exact(c.difference)} hashes</strong> ({si(Number(diff))}): {c.because}
      </p>
      <p class="rule">Rule: {c.rule}.</p>
      {(c.backToMempool.length > 0 || c.dropped.length > 0) && (
        <ul class="fates">
          {c.backToMempool.map((t) => (
            <li key={t}>transaction {t.slice(0, 16)}… went back to the mempool</li>
          ))}
          {c.dropped.map((d) => (
            <li key={d.txid} class="dropped">
              transaction {d.txid.slice(0, 16)}… dropped{d.conflictsWith ? `: a double spend, the new branch spent its coin in ${d.conflictsWith.slice(0, 16)}…` : ': it spent a dropped transaction'}
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
      <ol class="branch-blocks">
        {b.blocks.map((x) => (
          <li key={x.hash}>
            <a href="#" onClick={(e) => (e.preventDefault(), props.onSelect(x.hash))}>#{x.height} {short(x.hash)}</a> mined by {x.miner === null ? 'outside' : `node ${x.miner}`}, work {exact(x.work)}
          </li>
        ))}
      </ol>
      <p class="sum" data-testid={props.win ? 'new-branch-work' : 'old-branch-work'}>
        {b.blocks.length} block{b.blocks.length === 1 ? '' : 's'}, sum <strong>{exact(b.work)} hashes</strong>
      </p>
    </div>
  );
}
