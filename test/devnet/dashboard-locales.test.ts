/**
 * The dashboard's message catalogues (dashboard/locales/*.json, read by i18next): every
 * language has every English key, no text is empty, and each translation uses exactly
 * the placeholders of the English text, so no figure goes missing in another language.
 * Lessons: English is each scenario file's own text; every other language translates
 * every shipped lesson's title, idea, question and notes (dashboard/locales/lessons/).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedScenarios } from '../../src/scenario/shipped.js';

const LOCALES = fileURLToPath(new URL('../../../dashboard/locales/', import.meta.url));

type Catalogue = { [key: string]: string | Catalogue };

function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('dashboard: the message catalogues', () => {
  const files = readdirSync(LOCALES).filter((f) => f.endsWith('.json'));
  const catalogues = new Map(files.map((f) => [f.replace(/\.json$/, ''), flatten(JSON.parse(readFileSync(join(LOCALES, f), 'utf8')) as Catalogue)]));
  const en = catalogues.get('en')!;

  it('has English and at least one more language', () => {
    expect(en, 'en.json').to.not.equal(undefined);
    expect(catalogues.size).to.be.at.least(2);
  });

  for (const [language, messages] of catalogues) {
    if (language === 'en') continue;
    it(`${language} has exactly the English keys`, () => {
      expect([...messages.keys()].filter((k) => !en.has(k)), 'keys English does not have').to.deep.equal([]);
      expect([...en.keys()].filter((k) => !messages.has(k)), 'English keys missing').to.deep.equal([]);
    });
    it(`${language} uses the placeholders of each English text, and is translated`, () => {
      const wrong = [...en].filter(([k, text]) => messages.has(k) && JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(messages.get(k)!)));
      expect(wrong.map(([k]) => k)).to.deep.equal([]);
      expect([...messages].filter(([, text]) => text.trim() === '').map(([k]) => k), 'empty texts').to.deep.equal([]);
      // Words like "Block" or "Mempool" are the same in both; most of the page is not.
      const same = [...en].filter(([k, text]) => messages.get(k) === text).length;
      expect(same / en.size, `${same} of ${en.size} texts identical to English`).to.be.below(0.25);
    });
  }

  it('translates every shipped lesson into every other language: title, idea, question and each note step, and nothing else', async () => {
    const languages = [...catalogues.keys()].filter((l) => l !== 'en');
    const shipped = await shippedScenarios();
    expect(shipped.length).to.be.at.least(4);
    for (const language of languages) {
      const lessons = JSON.parse(readFileSync(join(LOCALES, 'lessons', `${language}.json`), 'utf8')) as Record<string, { title: string; idea: string; question: string; notes: Record<string, string> }>;
      expect(Object.keys(lessons).sort(), `${language}: lessons translated`).to.deep.equal(shipped.map((s) => s.name).sort());
      for (const { name, scenario } of shipped) {
        const l = lessons[name]!;
        for (const field of ['title', 'idea', 'question'] as const) {
          expect(l[field], `${language} ${name}.${field}`).to.be.a('string').and.not.equal('');
          expect(l[field], `${language} ${name}.${field} is still English`).to.not.equal(scenario[field]);
        }
        // Notes are keyed by step index: a step added or moved in the file shows here as a missing or stray note.
        const notes = scenario.steps.flatMap((step, i) => (step.kind === 'note' ? [String(i)] : []));
        expect(Object.keys(l.notes).sort(), `${language} ${name}: notes at the note steps`).to.deep.equal(notes.sort());
      }
    }
  });
});
