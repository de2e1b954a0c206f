// The page's words: one message catalogue per language (dashboard/locales/*.json, read by
// i18next), chosen on the page and remembered in localStorage. English is the fallback,
// so a key missing in another language shows in English rather than as its name.
// What the devnet itself writes (timeline lines, a reorg card's reason) comes with a key of
// this catalogue and its figures beside the English text scripts read: the page says it
// in its language (say); a line without a key shows its English.
import i18next from 'i18next';
import en from './locales/en.json';
import de from './locales/de.json';
import lessonsDe from './locales/lessons/de.json';

export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const;
export type Language = keyof typeof LANGUAGES;

/** A lesson's words in another language (English is the scenario file's own): by lesson name. */
type LessonTexts = Record<string, { title: string; idea: string; question: string; notes: Record<string, string> }>;

/** Every catalogue has the English one's shape: a key missing in German fails the build. */
const resources = { en: { translation: en }, de: { translation: de, lessons: lessonsDe } } satisfies Record<Language, { translation: typeof en; lessons?: LessonTexts }>;

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

const STORAGE_KEY = 'toychain.language';

function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && Object.hasOwn(LANGUAGES, x);
}

/** The saved choice, else the browser's first language we have, else English. */
function startingLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // storage refused (a private window): the browser's language decides
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

void i18next.init({ lng: startingLanguage(), fallbackLng: 'en', resources, initAsync: false, interpolation: { escapeValue: false } });
document.documentElement.lang = i18next.language;

/** t looks a key up in the current language's catalogue (preact escapes what it renders, so i18next does not). */
export const t = i18next.t.bind(i18next);

/**
 * say looks up a key the devnet sent (`devnetText.split`, `reorgs.because.fewerButHarder`)
 * with its figures; a `count` picks the plural form. Its keys are checked against the
 * catalogue by test/devnet/dashboard-locales.test.ts, not by the compiler.
 */
export function say(key: string, params: Record<string, string | number>): string {
  return (i18next.t as (key: string, options: Record<string, unknown>) => string)(key, params);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

/** chooseLanguage switches the catalogue and remembers the choice; the caller re-renders. */
export function chooseLanguage(language: Language): void {
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still switched
  }
}

/**
 * lessonText is a lesson's title, idea, question or note (`notes.3`) in the current
 * language: from dashboard/locales/lessons/LANGUAGE.json, else the scenario file's English.
 */
export function lessonText(lesson: string, field: string, english: string): string {
  const text: unknown = i18next.getResource(currentLanguage(), 'lessons', `${lesson}.${field}`);
  return typeof text === 'string' && text !== '' ? text : english;
}

/** number formats a figure the way the current language writes it (1,234.5 or 1.234,5). */
export function number(x: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(currentLanguage(), options).format(x);
}
