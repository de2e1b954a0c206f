// The finality meter: P(reversal) of each block of the active chain at its depth, for an
// attacker with share q (a slider). The values are the lab's finality model, read from
// GET /api/v1/devnet/finality (src/lab/finality.ts computes them; the page only shows them).
import { useEffect, useState } from 'preact/hooks';
import { number, t } from './i18n.js';

export const DEFAULT_Q = 0.1;

/** P(reversal) by depth (index = depth = confirmations) for one q. */
export interface Finality {
  q: number;
  byDepth: number[];
}

/** The lab sums only positive terms, so its values keep their digits down to a double's range; below it, a bound. */
const RESOLVED = Number.MIN_VALUE;

/** useFinality reads the lab's table for q down to maxDepth; null until it has, or while the devnet refuses. */
export function useFinality(q: number, maxDepth: number, onError: (message: string) => void): Finality | null {
  const [finality, setFinality] = useState<Finality | null>(null);
  useEffect(() => {
    let stale = false;
    void fetch(`/api/v1/devnet/finality?q=${q}&maxDepth=${maxDepth}`)
      .then(async (r) => {
        const body = (await r.json()) as { q: number; depths: { depth: number; probability: number }[]; error?: { message: string } };
        if (!r.ok) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
        if (!stale) setFinality({ q: body.q, byDepth: body.depths.map((d) => d.probability) });
      })
      .catch((e: Error) => !stale && onError(t('finality.unavailable', { message: e.message })));
    return () => {
      stale = true;
    };
  }, [q, maxDepth]);
  return finality;
}

/** chance says a probability for people: "24 %" down to 1 %, then "1 in 4.2k", then a bound. */
export function chance(p: number): string {
  if (p >= 0.01) return number(p, { style: 'percent', maximumSignificantDigits: 2 });
  if (p < RESOLVED) return t('finality.zero');
  const n = 1 / p;
  return t('finality.oneIn', { n: number(n, n < 1e12 ? { notation: 'compact', maximumSignificantDigits: 2 } : { notation: 'scientific', maximumSignificantDigits: 2 }) });
}

/** finalityShare: how final a block is, 0 … 1, as the number of nines of 1 − P (six nines fill the bar). */
export function finalityShare(p: number): number {
  if (p <= 0) return 1;
  return Math.max(0, Math.min(1, -Math.log10(p) / 6));
}

export function FinalitySlider(props: { q: number; setQ: (q: number) => void }) {
  const [shown, setShown] = useState(props.q);
  useEffect(() => setShown(props.q), [props.q]);
  return (
    <label class="row finality-q" title={t('finality.title', { q: shown, share: number(shown, { style: 'percent' }), depth: 'd', p: 'P' })}>
      {t('finality.slider')}{' '}
      <input id="finality-q" type="range" min={0.01} max={0.49} step={0.01} value={shown} onInput={(e) => setShown(Number((e.target as HTMLInputElement).value))} onChange={(e) => props.setQ(Number((e.target as HTMLInputElement).value))} />{' '}
      <output id="finality-q-value">{number(shown, { minimumFractionDigits: 2 })}</output>
    </label>
  );
}
