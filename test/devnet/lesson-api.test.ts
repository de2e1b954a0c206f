/**
 * The lessons panel's routes (src/devnet/lesson-api.ts, src/devnet/lesson-runs.ts): the
 * shipped lessons as the page reads them, and every refusal named, before anything on
 * the devnet changes. The devnet under the routes is a stand-in that records any control
 * call; a lesson running on real node processes is the dashboard's browser test.
 */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { createErrorMiddleware, notFound } from '../../src/api/error-middleware.js';
import { requireJson } from '../../src/devnet/control-api.js';
import { registerLessonRoutes } from '../../src/devnet/lesson-api.js';
import { Lessons, type LessonDevnet } from '../../src/devnet/lesson-runs.js';
import { demo, regtest, type NetworkParams } from '../../src/consensus/params.js';
import { SCENARIOS_DIR } from '../../src/scenario/shipped.js';

interface Shape {
  params: NetworkParams;
  nodes: number;
  mining: boolean[];
  alive?: boolean[];
}

/** standIn answers view() with the given shape; any control call is recorded (none may happen on a refusal). */
function standIn(shape: Shape, calls: string[]): LessonDevnet {
  const control = (name: string) => async () => {
    calls.push(name);
  };
  const view = () => ({
    network: shape.params.name,
    nodes: Array.from({ length: shape.nodes }, (_, index) => ({ index, alive: shape.alive?.[index] ?? true, miningWanted: shape.mining[index] ?? false })),
    paused: false,
  });
  return { options: { params: shape.params }, nodes: [], view, split: control('split'), heal: control('heal'), setLink: control('setLink'), setShare: control('setShare'), generate: control('generate'), on: () => undefined, off: () => undefined, emit: () => true } as unknown as LessonDevnet;
}

describe('devnet: the lesson routes', () => {
  const servers: Server[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function serve(shape: Shape, calls: string[] = [], dir = SCENARIOS_DIR): Promise<string> {
    const app = express();
    const api = express.Router();
    registerLessonRoutes(api, [requireJson, express.json()], new Lessons(standIn(shape, calls), dir));
    app.use('/api/v1', api);
    app.use(notFound);
    app.use(createErrorMiddleware(pino({ level: 'silent' })));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/devnet/lessons`;
  }
  const call = async (method: string, url: string, body: unknown = {}, type = 'application/json') => {
    const res = await fetch(url, { method, headers: { 'content-type': type }, body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const regtestIdle: Shape = { params: regtest, nodes: 3, mining: [false, false, false] };

  it('lists every shipped lesson with its idea, question and steps, ready to run on an idle regtest devnet', async () => {
    const res = await call('GET', await serve(regtestIdle));
    expect(res.status).to.equal(200);
    const names = res.body.lessons.map((l: any) => l.name);
    expect(names).to.include.members(['fork-and-heal', 'double-spend-51', 'partition-vs-quorum', 'selfish-miner']);
    const fork = res.body.lessons.find((l: any) => l.name === 'fork-and-heal');
    expect(fork.title).to.equal('Fork and heal');
    expect(fork.idea).to.match(/partition/i);
    expect(fork.question).to.match(/final/);
    expect(fork.steps[3]).to.deep.include({ index: 3, kind: 'split', value: [[0, 1], [2]] });
    expect(fork.blocks).to.equal(4);
    expect(fork.blocked).to.equal(null);
    expect(res.body.broken).to.deep.equal([]);
    expect(res.body.run).to.equal(null);
  });

  it('counts a fund step as its reward plus coinbase maturity in the blocks a lesson makes', async () => {
    const res = await call('GET', await serve(regtestIdle));
    const spend = res.body.lessons.find((l: any) => l.name === 'double-spend-51');
    expect(spend.blocks).to.equal(regtest.coinbaseMaturity + 1 + 2 + 3);
  });

  it('refuses a lesson that is not shipped (404 unknown-lesson, naming the lessons)', async () => {
    const calls: string[] = [];
    const res = await call('POST', `${await serve(regtestIdle, calls)}/no-such-lesson/run`);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('unknown-lesson');
    expect(res.body.error.message).to.include('fork-and-heal');
    expect(calls).to.deep.equal([]);
  });

  it('refuses a name that cannot be a lesson file (400 bad-lesson-name)', async () => {
    const base = await serve(regtestIdle);
    for (const name of ['Fork_And_Heal', '..%2Fpackage', '-x']) {
      const res = await call('POST', `${base}/${name}/run`);
      expect(res.status, name).to.equal(400);
      expect(res.body.error.code).to.equal('bad-lesson-name');
    }
  });

  it('refuses a body that is not JSON (400 json-required) or says something unknown (400 bad-request)', async () => {
    const base = await serve(regtestIdle);
    const text = await call('POST', `${base}/fork-and-heal/run`, 'go', 'text/plain');
    expect(text.status).to.equal(400);
    expect(text.body.error.code).to.equal('json-required');
    const extra = await call('POST', `${base}/fork-and-heal/run`, { seed: 'x' });
    expect(extra.status).to.equal(400);
    expect(extra.body.error.code).to.equal('bad-request');
  });

  it('refuses on a paced devnet whose miners are all off, saying to resume them (409 miners-paused), and changes nothing', async () => {
    const calls: string[] = [];
    const base = await serve({ params: demo, nodes: 3, mining: [false, false, false] }, calls);
    const res = await call('POST', `${base}/fork-and-heal/run`);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('miners-paused');
    expect(res.body.error.message).to.include('resume the miners');
    expect(calls).to.deep.equal([]);
    const list = await call('GET', base);
    expect(list.body.lessons.find((l: any) => l.name === 'fork-and-heal').blocked.code).to.equal('miners-paused');
  });

  it('refuses on a paced devnet when a node the lesson mines with has its miner off (409 miner-off)', async () => {
    const calls: string[] = [];
    const base = await serve({ params: demo, nodes: 3, mining: [true, true, false] }, calls);
    const res = await call('POST', `${base}/double-spend-51/run`);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('miner-off');
    expect(res.body.error.message).to.include('node 2');
    expect(calls).to.deep.equal([]);
  });

  it('refuses on a devnet with too few nodes (409 too-few-nodes) or a node down (409 node-down)', async () => {
    const few = await call('POST', `${await serve({ params: regtest, nodes: 2, mining: [] })}/fork-and-heal/run`);
    expect(few.status).to.equal(409);
    expect(few.body.error.code).to.equal('too-few-nodes');
    expect(few.body.error.message).to.include('--nodes 3');
    const down = await call('POST', `${await serve({ params: regtest, nodes: 3, mining: [], alive: [true, false, true] })}/fork-and-heal/run`);
    expect(down.status).to.equal(409);
    expect(down.body.error.code).to.equal('node-down');
  });

  it('refuses to stop when no lesson runs (409 no-lesson-running)', async () => {
    const res = await call('POST', `${await serve(regtestIdle)}/stop`);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('no-lesson-running');
  });

  it('lists a scenario file that does not parse apart, with its problems, and refuses to run it (409 bad-scenario)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toychain-lessons-'));
    dirs.push(dir);
    copyFileSync(join(SCENARIOS_DIR, 'fork-and-heal.yaml'), join(dir, 'fork-and-heal.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'title: Broken\nidea: x\nquestion: y\nnodes: 3\nsteps:\n  - split: [[0, 1]]\n');
    const base = await serve(regtestIdle, [], dir);
    const list = await call('GET', base);
    expect(list.body.lessons.map((l: any) => l.name)).to.deep.equal(['fork-and-heal']);
    expect(list.body.broken).to.have.length(1);
    expect(list.body.broken[0].name).to.equal('broken');
    expect(list.body.broken[0].problems.join()).to.include('steps[0].split');
    const res = await call('POST', `${base}/broken/run`);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('bad-scenario');
  });
});
