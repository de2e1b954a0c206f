/**
 * What the devnet writes itself (timeline lines, a reorg card's reason) carries a key of
 * the page's catalogue and its figures beside the English text scripts read. Every key
 * the devnet can send has a text in every language, with exactly the figures it sends;
 * the English catalogue says what the devnet's own text says, word for word; German says
 * it in German. Rendered here with i18next itself, as the page does.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import { blockWork } from '../../src/consensus/pow.js';
import { buildReorgCard, REORG_RULE, type BecauseKey, type BranchSource } from '../../src/devnet/reorg-card.js';
import type { NodeEvent } from '../../src/api/contract/events.js';
import { message, nodeEventNote, TIMELINE_MESSAGES, type TimelineMessage } from '../../src/devnet/timeline.js';

const LOCALES = fileURLToPath(new URL('../../../dashboard/locales/', import.meta.url));
const catalogue = (language: string) => JSON.parse(readFileSync(`${LOCALES}${language}.json`, 'utf8')) as Record<string, any>;
const LANGUAGES = ['en', 'de'];
/** the figures a text takes, each once (a text may say one twice) */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!))].sort();

const hex = (n: bigint): string => n.toString(16).padStart(64, '0');
const fork = { hash: 'fork', height: 10, chainwork: hex(1_000_000n) };
function branch(name: string, bits: number[]): BranchSource[] {
  let cw = BigInt(`0x${fork.chainwork}`);
  return bits.map((b, i) => {
    cw += blockWork(b);
    return { hash: `${name}${i + 1}`, height: fork.height + i + 1, prevHash: i === 0 ? 'fork' : `${name}${i}`, chainwork: hex(cw), bits: b.toString(16), miner: 0, txs: [] };
  });
}

describe('devnet text on the page (i18next)', () => {
  const i18n = i18next.createInstance();
  before(async () => {
    await i18n.init({ lng: 'en', fallbackLng: false, resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogue(l) }])), interpolation: { escapeValue: false } });
  });
  const say = (language: string, key: string, params: Record<string, unknown>) => i18n.getFixedT(language)(key, params) as string;
  const line = (language: string, m: TimelineMessage) => say(language, `devnetText.${m.key}`, m.params);

  for (const language of LANGUAGES) {
    it(`${language}: has every timeline key the devnet sends, with exactly its figures`, () => {
      const texts = catalogue(language).devnetText as Record<string, string>;
      for (const [key, figures] of Object.entries(TIMELINE_MESSAGES)) {
        const forms = Object.keys(texts).filter((k) => k === key || k === `${key}_one` || k === `${key}_other`);
        expect(forms.length, `devnetText.${key}`).to.be.greaterThan(0);
        const other = texts[`${key}_other`] ?? texts[key]!;
        expect(placeholders(other), `devnetText.${key}`).to.deep.equal([...new Set<string>(figures)].sort());
      }
    });
  }

  it('says in English what the devnet itself writes, word for word', () => {
    const reorg = (depth: number): NodeEvent => ({ event: 'reorg', data: { oldTip: 'a'.repeat(64), newTip: 'b'.repeat(64), fork: 'c'.repeat(64), depth, connected: depth + 1, oldChainwork: '0'.repeat(64), newChainwork: '1'.repeat(64) } });
    const events: NodeEvent[] = [
      reorg(1),
      reorg(5),
      { event: 'ban', data: { address: 'ws://127.0.0.1:9', reason: 'bad-txnmrklroot' } },
      { event: 'peer-left', data: { id: 1, address: 'ws://127.0.0.1:9', direction: 'outbound', userAgent: '/toychain:test/', bestHeight: 0, chainwork: '0'.repeat(64), banScore: 0, connectedAt: 0, reason: 'closed' } },
    ];
    for (const e of events) {
      const note = nodeEventNote(2, e)!;
      expect(line('en', note.message)).to.equal(note.text);
    }
  });

  it('says it in German', () => {
    expect(line('de', message('reorg', { node: 2, count: 4 }))).to.equal('Knoten 2 ist auf einen Zweig mit mehr Arbeit gewechselt: 4 Blöcke ersetzt');
    expect(line('de', message('split', { groups: '{0, 1} | {2}' }))).to.equal('Netz geteilt in {0, 1} | {2}');
  });

  it("gives each reorg card's reason as a key whose English is the card's own words, and the rule's", () => {
    const hard = 0x1d00ffff;
    const easy = 0x207fffff;
    const cases: [BranchSource[], BranchSource[], BecauseKey][] = [
      [branch('o', [easy]), branch('n', [easy, easy]), 'moreSameDifficulty'],
      [branch('o', [easy]), branch('n', [easy, easy, easy]), 'moreSameDifficulty'],
      [branch('o', [hard]), branch('n', [hard, easy]), 'moreOtherDifficulty'],
      [branch('o', [easy, easy, easy]), branch('n', [hard]), 'fewerButHarder'],
      [branch('o', [easy]), branch('n', [hard]), 'asManyButHarder'],
    ];
    for (const [old, next, key] of cases) {
      const card = buildReorgCard(1, 0, 0, fork, old, next);
      expect(card.becauseKey).to.equal(key);
      expect(say('en', `reorgs.because.${card.becauseKey}`, { count: Math.abs(card.moreBlocks) })).to.equal(card.because);
      expect(say('de', `reorgs.because.${card.becauseKey}`, { count: Math.abs(card.moreBlocks) })).to.not.equal(card.because);
    }
    expect(catalogue('en').reorgs.ruleText).to.equal(REORG_RULE);
  });
});
