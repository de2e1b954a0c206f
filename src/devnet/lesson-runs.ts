/**
 * Lessons: the scenarios shipped in scenarios/ as guided lessons on this devnet. One runs
 * at a time, through the scenario runner (src/scenario/runner.ts) on the supervisor
 * itself; each step it starts and ends goes out on the dashboard's event stream as a
 * `lesson` event (the whole run, so a page can just draw it), and the last run stays
 * for a page opened later.
 *
 * How a lesson makes its blocks is the runner's choice, by the devnet's pace: `generate`
 * when no miner is on (a regtest devnet), or waiting for the miners (`npm start`'s paced
 * demo devnet). What cannot work is refused before anything changes, saying what to do:
 * too few nodes, a node down, paused miners on a network without blocks on demand, or a
 * node the lesson mines with whose miner is off.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Devnet } from './devnet.js';
import { loadScenarioFile, ScenarioFileError, type Scenario } from '../scenario/scenario-file.js';
import { describe, runScenario, ScenarioRunError, type ScenarioDevnet } from '../scenario/runner.js';
import { refusalOf } from '../scenario/scenario-refusal.js';
import type { LoggedEvent, StepStatus } from '../scenario/event-log.js';
import type { Lesson, LessonRun, LessonStepStatus } from './lesson-view.js';

export type { Lesson, LessonRun, LessonStep, LessonStepState } from './lesson-view.js';

// The page's view lists the runner's step statuses by hand (it may not import the runner): a status added there fails here.
const runnerStatusesFit: StepStatus extends LessonStepStatus ? true : never = true;
void runnerStatusesFit;
import { SCENARIOS_DIR } from '../scenario/shipped.js';

/** What a lesson needs of the devnet: the runner's part, its event stream to report on, and its state. */
export type LessonDevnet = ScenarioDevnet & Pick<Devnet, 'emit'>;

/** A refusal the control API answers with this status and code. */
export class LessonError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LessonError';
  }
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class Lessons {
  private run: LessonRun | null = null;
  private controller: AbortController | null = null;
  private finished: Promise<void> = Promise.resolve();
  private nextId = 1;

  constructor(
    private readonly devnet: LessonDevnet,
    private readonly dir = SCENARIOS_DIR,
  ) {}

  /** list reads scenarios/ now (a file added while the devnet runs shows up); a file that does not parse is listed apart with its problems. */
  async list(): Promise<{ lessons: Lesson[]; broken: { name: string; problems: string[] }[] }> {
    const files = await this.read();
    return {
      lessons: files.flatMap((f) => ('scenario' in f ? [this.lesson(f.name, f.scenario)] : [])),
      broken: files.flatMap((f) => ('problems' in f ? [f] : [])),
    };
  }

  private read(): Promise<LessonFile[]> {
    return readLessonFiles(this.dir);
  }

  current(): LessonRun | null {
    return this.run;
  }

  /** start runs lesson `name` and resolves once its first step is under way (or refuses, having changed nothing). */
  async start(name: string): Promise<LessonRun> {
    if (!NAME.test(name)) throw new LessonError(400, 'bad-lesson-name', `a lesson's name is the file name in scenarios/ without .yaml, in lowercase letters, digits and -, e.g. fork-and-heal; got ${JSON.stringify(name.slice(0, 80))}`);
    if (this.run?.state === 'running') throw new LessonError(409, 'lesson-running', `the lesson ${this.run.name} is running: wait for it to end, or stop it (POST /api/v1/devnet/lessons/stop)`);
    const files = await this.read();
    const file = files.find((f) => f.name === name);
    if (file === undefined) throw new LessonError(404, 'unknown-lesson', `there is no lesson ${name}: the lessons are ${files.map((f) => f.name).join(', ') || 'none (scenarios/ is empty)'}`);
    if ('problems' in file) throw new LessonError(409, 'bad-scenario', `scenarios/${name} does not parse: ${file.problems.join('; ')}`);
    const scenario = file.scenario;
    const blocked = this.blocked(scenario);
    if (blocked !== null) throw new LessonError(409, blocked.code, blocked.message);
    return this.begin(name, scenario);
  }

  /** stop asks the running lesson to stop between polls; its run then ends as stopped. */
  stop(): LessonRun {
    if (this.run?.state !== 'running' || this.controller === null) throw new LessonError(409, 'no-lesson-running', 'no lesson is running: start one with POST /api/v1/devnet/lessons/NAME/run');
    this.controller.abort();
    return this.run;
  }

  /** idle resolves when no lesson is running (for a clean shutdown and for tests). */
  idle(): Promise<void> {
    return this.finished;
  }

  private async begin(name: string, scenario: Scenario): Promise<LessonRun> {
    const run: LessonRun = { id: this.nextId++, name, state: 'running', mode: null, steps: scenario.steps.map((step, index) => ({ index, status: 'pending', text: describe(step) })), met: 0, missed: 0, stoppedBy: null, startedAt: Date.now(), endedAt: null };
    const controller = new AbortController();
    this.run = run;
    this.controller = controller;
    let started!: () => void;
    const underWay = new Promise<void>((resolve) => (started = resolve));
    const onEvent = (e: LoggedEvent): void => {
      if (e.kind === 'scenario') {
        run.mode = e.mode;
        started();
      } else if (e.kind === 'step') {
        const step = run.steps[e.index];
        if (step !== undefined) Object.assign(step, { status: e.status, text: e.text });
      } else {
        return;
      }
      this.report(run);
    };
    const running = runScenario(scenario, this.devnet, { onEvent, signal: controller.signal });
    this.finished = running.then(
      (result) => {
        for (const s of result.steps) if (s.status === 'skipped') Object.assign(run.steps[s.index]!, { status: 'skipped', text: s.text });
        Object.assign(run, { met: result.met, missed: result.missed, stoppedBy: result.stoppedBy, endedAt: Date.now(), state: controller.signal.aborted ? 'stopped' : result.ok ? 'passed' : 'failed' });
        this.report(run);
      },
      (e: unknown) => {
        // Refused before its first step (too few nodes, a node down): nothing ran, and the caller hears why.
        if (run.mode === null) {
          if (this.run === run) this.run = null;
          return;
        }
        // Broke after it started (a node stopped answering): the page must not show it running for ever.
        Object.assign(run, { state: 'failed', stoppedBy: e instanceof Error ? e.message : String(e), endedAt: Date.now() });
        this.report(run);
      },
    );
    // The runner checks the devnet before its first event: a refusal rejects `running` instead.
    await Promise.race([underWay, running.then(() => undefined)]).catch((e: unknown) => {
      if (e instanceof ScenarioRunError) throw new LessonError(409, e.code, e.message);
      throw e;
    });
    return run;
  }

  private report(run: LessonRun): void {
    this.devnet.emit('event', 'lesson', structuredClone(run));
  }

  private lesson(name: string, scenario: Scenario): Lesson {
    return lessonOf(name, scenario, this.devnet.options.params.coinbaseMaturity, this.blocked(scenario));
  }

  /** blocked says why `scenario` cannot run on the devnet as it is now, in the words of what to do. */
  private blocked(scenario: Scenario): Lesson['blocked'] {
    const view = this.devnet.view();
    if (view.nodes.length < scenario.nodes) return { code: 'too-few-nodes', message: `this lesson needs ${scenario.nodes} nodes; the devnet has ${view.nodes.length}: start it with toychain devnet --nodes ${scenario.nodes}` };
    const down = view.nodes.slice(0, scenario.nodes).filter((n) => !n.alive);
    if (down.length > 0) return { code: 'node-down', message: `node ${down.map((n) => n.index).join(', ')} is not running: restart it first` };
    const mining = view.nodes.some((n) => n.miningWanted);
    const refusal = refusalOf(scenario, this.devnet.options.params, mining ? 'mining' : 'generate');
    if (refusal !== null) return refusal;
    // With every miner off the runner makes blocks with generate: at once on a network made for tests (regtest,
    // regtest-retarget), a real search at this network's difficulty otherwise.
    if (!mining && this.devnet.options.params.mockableChain !== true) return { code: 'miners-paused', message: `the miners are off, and ${view.network} does not make blocks on demand: resume the miners (the lesson waits for their blocks), or run the lessons on a regtest devnet (toychain devnet --network regtest) where blocks come at once` };
    if (mining) {
      const miners = new Set(scenario.steps.flatMap((s) => (s.kind === 'mine' ? (s.value.nodes ?? [s.value.node!]) : s.kind === 'fund' ? [s.value.node] : [])));
      const idle = [...miners].filter((i) => view.nodes[i]?.miningWanted !== true).sort((a, b) => a - b);
      if (idle.length > 0) return { code: 'miner-off', message: `the lesson waits for blocks from node ${idle.join(', ')}, whose miner is off: switch it on (Mining: on), or switch every miner off on a regtest devnet to make blocks at once` };
    }
    return null;
  }
}

/** A file of scenarios/: its scenario, or the problems that kept it from parsing. */
export type LessonFile = { name: string; scenario: Scenario } | { name: string; problems: string[] };

/** readLessonFiles reads scenarios/ now (a file added while the page is open shows up on the next read). */
export async function readLessonFiles(dir = SCENARIOS_DIR): Promise<LessonFile[]> {
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const name = file.replace(/\.(ya?ml|json)$/, '');
      try {
        return { name, scenario: await loadScenarioFile(join(dir, file)) };
      } catch (e) {
        if (!(e instanceof ScenarioFileError)) throw e;
        return { name, problems: e.problems };
      }
    }),
  );
}

/** lessonOf is a scenario as the panel shows it; `coinbaseMaturity` counts the blocks a fund step needs. */
export function lessonOf(name: string, scenario: Scenario, coinbaseMaturity: number, blocked: Lesson['blocked']): Lesson {
  const steps = scenario.steps.map((step, index) => ({ index, kind: step.kind, value: step.value, text: describe(step) }));
  const blocks = scenario.steps.reduce((n, s) => n + (s.kind === 'mine' ? s.value.blocks : s.kind === 'fund' ? coinbaseMaturity + 1 : 0), 0);
  return { name, title: scenario.title, idea: scenario.idea, question: scenario.question, nodes: scenario.nodes, steps, blocks, blocked };
}
