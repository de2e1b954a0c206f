/**
 * Scenarios end to end on regtest devnets of real node processes: through the library
 * (runScenario on a running Devnet, as the dashboard's lessons do) and through the CLI
 * (`toychain scenario run … --log`), whose log then replays to the same tips with both
 * `toychain scenario replay` and `toychain lab replay`.
 */
import { expect } from 'chai';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { regtest } from '../../src/consensus/params.js';
import { Devnet } from '../../src/devnet/devnet.js';
import { labReplay } from '../../src/lab/replay.js';
import { parseEventLog, type LoggedEvent } from '../../src/scenario/event-log.js';
import { replayAt } from '../../src/scenario/replay.js';
import { runScenario } from '../../src/scenario/runner.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/scenario-file.js';
import { SCENARIOS_DIR } from '../../src/scenario/shipped.js';
import { CLI, pidAlive } from '../helpers/devnet-process.js';

interface Run {
  code: number;
  out: string;
}

const running = new Set<ChildProcess>();

/** toychain runs the CLI as its own process, bounded by a timeout. */
function toychain(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: 240_000 }, (error, stdout, stderr) => {
      running.delete(child);
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: stdout + stderr });
    });
    running.add(child);
  });
}

describe('scenario run (regtest devnet)', function () {
  this.timeout(300_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'toychain-scenario-test-'));
  });

  afterEach(() => {
    // A test that failed half-way: its CLI process (and with it, over the IPC channel, its nodes) ends here.
    for (const child of running) if (child.pid !== undefined && pidAlive(child.pid)) process.kill(child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs fork-and-heal on a running devnet through the library, reporting each step as started and met', async () => {
    const devnet = await Devnet.start({ nodes: 3, datadir: dir, params: regtest, workers: 1, mine: false, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
    try {
      const scenario = await loadScenarioFile(join(SCENARIOS_DIR, 'fork-and-heal.yaml'));
      const seen: LoggedEvent[] = [];
      const result = await runScenario(scenario, devnet, { onEvent: (e) => seen.push(e) });
      expect(result.stoppedBy).to.equal(null);
      expect(result.ok).to.equal(true);
      expect(result.missed).to.equal(0);
      expect(result.met).to.equal(scenario.steps.filter((s) => s.kind === 'expect').length);
      const steps = seen.filter((e): e is Extract<LoggedEvent, { kind: 'step' }> => e.kind === 'step');
      // Every step started, then ended (met for checks, done for actions), in order.
      expect(steps.map((s) => `${s.index}:${s.status}`)).to.deep.equal(scenario.steps.flatMap((s, i) => [`${i}:started`, `${i}:${s.kind === 'wait' || s.kind === 'expect' ? 'met' : 'done'}`]));
      expect(seen.some((e) => e.kind === 'reorg' && e.node === 2)).to.equal(true);
      expect(seen.filter((e) => e.kind === 'split')).to.have.length(1);
      const end = replayAt(result.events);
      const tips = new Set(Object.values(end.tips).map((t) => t.hash));
      expect(tips.size).to.equal(1);
      // The log's last tips are what the nodes themselves say now.
      for (const n of devnet.nodes) expect((await n.api<{ tip: string }>('GET', '/status')).tip).to.equal([...tips][0]);
      // The same block finds on the lab's network end on the same tips, with node 2's reorg.
      const lab = await labReplay(result.events);
      expect(lab.sameTips, JSON.stringify(lab.tips)).to.equal(true);
      expect(lab.sameReorgs, JSON.stringify(lab.reorgs)).to.equal(true);
    } finally {
      await devnet.stop();
    }
  });

  it('leaves the devnet as it found it when a scenario stops half-way: healed and its link delay put back', async () => {
    const devnet = await Devnet.start({ nodes: 2, datadir: dir, params: regtest, workers: 1, mine: false, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger: pino({ level: 'silent' }) });
    try {
      const scenario = parseScenario('title: T\nidea: A. B.\nquestion: Q?\nnodes: 2\nsteps:\n  - split: [[0], [1]]\n  - delay: { delayMs: 50 }\n  - wait: { tipsDiffer: [0, 1], timeout: 1s }\n  - note: never\n', 'stops.yaml');
      const result = await runScenario(scenario, devnet, {});
      expect(result.ok).to.equal(false);
      expect(result.stoppedBy).to.match(/^steps\[2\] wait timed out/);
      expect(result.steps.map((s) => s.status)).to.deep.equal(['done', 'done', 'missed', 'skipped']);
      const view = devnet.view();
      expect(view.groups).to.equal(null);
      expect(view.link).to.deep.equal({ delayMs: 0, jitterMs: 0, dropRate: 0 });
      expect(result.events.filter((e) => e.kind === 'heal')).to.have.length(1);
    } finally {
      await devnet.stop();
    }
  });

  it('runs the 51 % double spend from the CLI: the confirmed payment is reversed, the double spend survives, and the log replays to the same tips', async () => {
    const log = join(dir, 'ds.log');
    const run = await toychain('scenario', 'run', join(SCENARIOS_DIR, 'double-spend-51.yaml'), '--log', log, '--datadir', join(dir, 'devnet'));
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.include('all met: 5 expectations met, 0 missed');
    const events = parseEventLog(readFileSync(log, 'utf8'), log);
    const txs = events.filter((e): e is Extract<LoggedEvent, { kind: 'tx' }> => e.kind === 'tx');
    expect(txs.map((t) => t.label)).to.deep.equal(['pay-merchant', 'pay-self']);
    expect(txs[1]!.doubleSpendOf).to.equal(txs[0]!.txid);
    expect(events.filter((e) => e.kind === 'reorg').map((e) => (e as { node: number }).node).sort()).to.deep.equal([0, 1]);
    expect(events.at(-1)).to.include({ kind: 'end', ok: true, missed: 0 });

    const end = replayAt(events);
    const replay = await toychain('scenario', 'replay', log, '--json');
    expect(replay.code, replay.out).to.equal(0);
    expect(JSON.parse(replay.out).tips).to.deep.equal(end.tips);
    // Just before the heal the tree had two branches: the honest one of nodes 0 and 1 and the attacker's.
    const healAt = events.find((e) => e.kind === 'heal')!.t;
    const before = await toychain('scenario', 'replay', log, '--at', `${healAt - 1}ms`);
    expect(before.code, before.out).to.equal(0);
    expect(before.out).to.include('split {0,1} | {2}');
    expect(before.out).to.match(/branch tip \d+ …[0-9a-f]{8}  nodes 0,1/);
    expect(before.out).to.match(/branch tip \d+ …[0-9a-f]{8}  nodes 2  forked at …[0-9a-f]{8}/);
    const lab = await toychain('lab', 'replay', log, '--json');
    expect(lab.code, lab.out).to.equal(0);
    const result = JSON.parse(lab.out) as { sameTips: boolean; sameReorgs: boolean; tips: { log: string; lab: string }[]; otherParent: unknown[] };
    expect(result.sameTips).to.equal(true);
    expect(result.sameReorgs).to.equal(true);
    expect(result.otherParent).to.deep.equal([]);
    expect(result.tips.map((t) => t.lab)).to.deep.equal(Object.values(end.tips).map((t) => t.hash));
  });

  it('prints a missed expectation, goes on, and exits 1; a wait that times out stops the scenario there', async () => {
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      'title: Wrong\nidea: A. B.\nquestion: Why?\nnodes: 2\nsteps:\n  - split: [[0], [1]]\n  - mine: { node: 0, blocks: 1, label: a }\n' +
        '  - expect: { onChain: { block: a, nodes: [1] }, within: 1s }\n  - expect: { tipsDiffer: [0, 1] }\n  - wait: { sameTip: all, timeout: 1s }\n  - heal: {}\n',
    );
    const run = await toychain('scenario', 'run', file, '--datadir', join(dir, 'devnet'));
    expect(run.code, run.out).to.equal(1);
    expect(run.out).to.match(/✗ MISSED: after 1 s: block a …[0-9a-f]{8}: node 1 not on its chain/);
    expect(run.out).to.include('✓ met: node 0 at 1');
    expect(run.out).to.include('NOT all met: 1 expectation met, 1 missed; stopped: steps[4] wait timed out');
    expect(run.out).to.not.include('healed');
  });

  it('refuses a bad scenario file with its named problems and exit code 2, before starting any node', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'title: Bad\nidea: A. B.\nquestion: Why?\nnodes: 2\nsteps:\n  - splt: [[0], [1]]\n  - mine: { node: 3, blocks: 1 }\n');
    const run = await toychain('scenario', 'run', file);
    expect(run.code).to.equal(2);
    expect(run.out).to.include("steps[0]: unknown step 'splt' (did you mean split?)");
    expect(run.out).to.include('steps[1].mine: node 3 does not exist: the scenario has nodes 0 to 1');
    expect(run.out).to.include('hint: docs/scenarios.md describes the format');
    expect(run.out).to.not.include('Starting');
  });

  it('names a missing or bad log, and a bad --at, with exit code 2 (bad-event-log)', async () => {
    const missing = await toychain('lab', 'replay', join(dir, 'none.log'));
    expect(missing.code).to.equal(2);
    expect(missing.out).to.include(`toychain: ${join(dir, 'none.log')}: cannot read the log: ENOENT`);
    const file = join(dir, 'bad.log');
    writeFileSync(file, '{"kind":"heal","t":1}\n');
    const bad = await toychain('scenario', 'replay', file);
    expect(bad.code).to.equal(2);
    expect(bad.out).to.include(`${file}:1: a scenario log starts with its 'scenario' line`);
    const at = await toychain('scenario', 'replay', file, '--at', 'soon');
    expect(at.code).to.equal(2);
    expect(at.out).to.include("--at: 'soon' is not a moment");
  });

  it('checks every shipped scenario from the CLI', async () => {
    const run = await toychain('scenario', 'check', ...['fork-and-heal', 'double-spend-51', 'selfish-miner', 'partition-vs-quorum', 'heavier-beats-longer'].map((n) => join(SCENARIOS_DIR, `${n}.yaml`)));
    expect(run.code, run.out).to.equal(0);
    expect(run.out.trim().split('\n')).to.have.length(5);
    expect(parseScenario(readFileSync(join(SCENARIOS_DIR, 'fork-and-heal.yaml'), 'utf8'), 'x').title).to.equal('Fork and heal');
  });
});
