/**
 * The lessons panel's routes, on the devnet's control API (src/devnet/lesson-runs.ts
 * does the work):
 * - GET  /devnet/lessons            every shipped lesson (text, steps, why it cannot run now) and the last run
 * - POST /devnet/lessons/:name/run  runs one (202 with the run; its steps follow as `lesson` events on /devnet/events)
 * - POST /devnet/lessons/stop       stops the running one between polls
 * Refusals are named: 400 bad-lesson-name, 404 unknown-lesson, 409 lesson-running,
 * too-few-nodes, node-down, miners-paused, miner-off, no-lesson-running.
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ApiError } from '../api/errors.js';
import { parseInput } from '../api/request-validation.js';
import { lessonOf, LessonError, readLessonFiles, type Lessons } from './lesson-runs.js';

const nameParams = z.object({ name: z.string().max(200, 'a lesson name is at most 200 characters') });
/** Nothing to say yet: the body is {} (a later option, such as a seed, goes here). */
const runBody = z.strictObject({});

export function registerLessonRoutes(api: express.Router, json: RequestHandler[], lessons: Lessons): void {
  api.get('/devnet/lessons', async (_req, res) => {
    const { lessons: list, broken } = await lessons.list();
    res.json({ lessons: list, broken, run: lessons.current() });
  });
  api.post('/devnet/lessons/stop', ...json, (_req, res) => {
    res.json({ run: answer(() => lessons.stop()) });
  });
  api.post('/devnet/lessons/:name/run', ...json, async (req, res) => {
    const { name } = parseInput(nameParams, req.params, 'params');
    parseInput(runBody, req.body, 'body');
    const run = await answerAsync(() => lessons.start(name));
    res.status(202).json({ run });
  });
}

function answer<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw toApiError(e);
  }
}

async function answerAsync<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toApiError(e);
  }
}

function toApiError(e: unknown): unknown {
  return e instanceof LessonError ? new ApiError(e.status, e.code, e.message, { cause: e }) : e;
}

/**
 * registerLessonTexts serves the lessons to read, not to run, where nothing may split or
 * pay the nodes (toychain watch, a classroom: the students' nodes are their own). The
 * panel then shows each lesson's idea, steps and question for the class, its Run button
 * refused with `blocked`; a POST to run one meets the watcher's watch-read-only.
 */
export function registerLessonTexts(api: express.Router, coinbaseMaturity: () => number, blocked: { code: string; message: string }): void {
  api.get('/devnet/lessons', async (_req, res) => {
    const files = await readLessonFiles();
    res.json({
      lessons: files.flatMap((f) => ('scenario' in f ? [lessonOf(f.name, f.scenario, coinbaseMaturity(), blocked)] : [])),
      broken: files.flatMap((f) => ('problems' in f ? [f] : [])),
      run: null,
    });
  });
}
