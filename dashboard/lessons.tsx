// The lessons panel: each scenario shipped in scenarios/ as a guided lesson, read from
// GET /api/v1/devnet/lessons. One button runs it on the devnet (POST …/lessons/NAME/run);
// its steps light up as the `lesson` events of the page's stream report them; the
// question for the class closes it. In presentation mode only the chosen lesson shows.
import { useEffect, useState } from 'preact/hooks';
import { lessonText, t } from './i18n.js';
import { stepText } from './lesson-steps.js';
import type { Lesson, LessonList, LessonRun } from '../src/devnet/lesson-view.js';

export type { LessonRun };
import { post } from './nodes.js';

/** useLessons reads the lessons again whenever `refresh` changes; null while unread, or where there are none to run (toychain watch). */
export function useLessons(refresh: unknown): LessonList | null {
  const [list, setList] = useState<LessonList | null>(null);
  useEffect(() => {
    let stale = false;
    void fetch('/api/v1/devnet/lessons').then(async (r) => {
      if (r.ok && !stale) setList((await r.json()) as LessonList);
    }).catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [refresh]);
  return list;
}

export interface LessonsProps {
  list: LessonList;
  /** the newest run, from the stream (or the list when the page opened) */
  run: LessonRun | null;
  chosen: string | null;
  choose: (name: string) => void;
  present: boolean;
  /** regtest: blocks at once; otherwise the miners' pace */
  regtest: boolean;
  spacingSec: number;
  act: (f: () => Promise<void>) => () => void;
}

export function Lessons(props: LessonsProps) {
  const { list, run } = props;
  const lesson = list.lessons.find((l) => l.name === props.chosen) ?? list.lessons[0];
  return (
    <section class="lessons" data-testid="lessons">
      <h2>{t('lessons.heading')}</h2>
      {list.lessons.length === 0 && <p class="muted">{t('lessons.none')}</p>}
      {list.broken.map((b) => (
        <p key={b.name} class="flag">{t('lessons.broken', { name: b.name, problems: b.problems.join('; ') })}</p>
      ))}
      {!props.present && list.lessons.length > 0 && (
        <div class="row lesson-picker" role="tablist">
          {list.lessons.map((l) => (
            <button key={l.name} role="tab" data-lesson-tab={l.name} class={l.name === lesson?.name ? 'primary' : ''} aria-selected={l.name === lesson?.name} onClick={() => props.choose(l.name)}>
              {lessonText(l.name, 'title', l.title)}
            </button>
          ))}
        </div>
      )}
      {lesson && <LessonCard {...props} lesson={lesson} run={run?.name === lesson.name ? run : null} busy={run?.state === 'running'} />}
    </section>
  );
}

function LessonCard(props: LessonsProps & { lesson: Lesson; run: LessonRun | null; busy: boolean }) {
  const { lesson: l, run } = props;
  const minutes = Math.max(1, Math.round((l.blocks * props.spacingSec) / 60));
  const pace = props.regtest ? t('lessons.generate') : t('lessons.mining', { blocks: l.blocks, minutes, seconds: props.spacingSec });
  return (
    <div class="lesson" data-lesson={l.name} data-run-state={run?.state ?? 'idle'}>
      <div class="lesson-main">
        <h3>{lessonText(l.name, 'title', l.title)}</h3>
        <p class="idea"><strong>{t('lessons.idea')}:</strong> {lessonText(l.name, 'idea', l.idea)}</p>
        <div class="row">
          {run?.state === 'running' ? (
            <button class="warn" data-action="stop-lesson" onClick={props.act(() => post('/devnet/lessons/stop'))}>{t('lessons.stop')}</button>
          ) : (
            <button class="primary" data-action="run-lesson" disabled={l.blocked !== null || props.busy} onClick={props.act(() => post(`/devnet/lessons/${l.name}/run`))}>
              {run ? t('lessons.again') : t('lessons.run')}
            </button>
          )}
          <span class="muted run-state">{run ? runState(run) : l.blocked ? t('lessons.blocked', { reason: l.blocked.message }) : pace}</span>
        </div>
        <ol class="lesson-steps">
          {l.steps.map((s) => {
            const status = run?.steps[s.index]?.status ?? 'pending';
            return (
              <li key={s.index} data-step-index={s.index} data-status={status} class={`step ${status}${s.kind === 'note' ? ' note' : ''}`} title={run?.steps[s.index]?.text ?? s.text}>
                {stepText(l.name, s)}
                {status !== 'pending' && <span class="step-status"> {t(`lessons.status.${status as 'started'}`)}</span>}
              </li>
            );
          })}
        </ol>
      </div>
      <p class="question"><strong>{t('lessons.ask')}:</strong> {lessonText(l.name, 'question', l.question)}</p>
    </div>
  );
}

function runState(run: LessonRun): string {
  if (run.state === 'running') return t('lessons.running');
  if (run.state === 'passed') return t('lessons.passed', { met: run.met });
  if (run.state === 'stopped') return t('lessons.stopped');
  return t('lessons.failed', { met: run.met, missed: run.missed, why: run.stoppedBy ? ` (${run.stoppedBy})` : '' });
}
