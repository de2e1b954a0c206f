/**
 * The lessons panel's data as the devnet serves it (GET /devnet/lessons, `lesson` events)
 * and the page reads it: one set of types for both sides. Plain types only, no imports,
 * so the dashboard can take them without Node's modules.
 */

/** A step of a lesson, as the panel lists it before a run. */
export interface LessonStep {
  index: number;
  /** the scenario step's kind: split, mine, send, expect … (src/scenario/scenario-file.ts) */
  kind: string;
  /** the step's settings as the file gives them (the page words them in its language) */
  value: unknown;
  /** the runner's English description */
  text: string;
}

export interface Lesson {
  /** the file's name without .yaml: fork-and-heal … */
  name: string;
  title: string;
  idea: string;
  question: string;
  nodes: number;
  steps: LessonStep[];
  /** at least this many blocks get made (the mine steps, and each fund's rewards plus maturity) */
  blocks: number;
  /** why it cannot run here now, or null */
  blocked: { code: string; message: string } | null;
}

/** A step's state in a run: the runner's step statuses (src/scenario/event-log.ts) or not reached yet. */
export type LessonStepStatus = 'started' | 'done' | 'met' | 'missed' | 'failed' | 'pending' | 'skipped';

export interface LessonStepState {
  index: number;
  status: LessonStepStatus;
  text: string;
}

export interface LessonRun {
  id: number;
  name: string;
  state: 'running' | 'passed' | 'failed' | 'stopped';
  mode: 'generate' | 'mining' | null;
  steps: LessonStepState[];
  met: number;
  missed: number;
  stoppedBy: string | null;
  startedAt: number;
  endedAt: number | null;
}

/** GET /devnet/lessons: the lessons, the files that do not parse, and the last run. */
export interface LessonList {
  lessons: Lesson[];
  broken: { name: string; problems: string[] }[];
  run: LessonRun | null;
}
