/**
 * `toychain scenario run FILE`: start a devnet of node processes for the scenario, run
 * its steps (src/scenario/runner.ts), print each step and expectation as it is met or
 * missed, write the event log, stop every node, and exit 1 if anything was missed.
 * `toychain scenario check FILE…` only validates; `toychain scenario replay LOG` prints
 * the tips and reorgs as they were at each event, or the tree at one moment (--at).
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { networks, regtest, type NetworkParams } from '../consensus/params.js';
import { UsageError } from '../node/config.js';
import { createLogger } from '../node/log.js';
import { createControlApi } from '../devnet/control-api.js';
import { Devnet } from '../devnet/devnet.js';
import { devnetNetwork, DEFAULT_BLOCK_TIME_SEC } from '../devnet/devnet-network.js';
import { EventLogError, EventLogWriter, readEventLog, type LoggedEvent } from '../scenario/event-log.js';
import { branches, replayAt } from '../scenario/replay.js';
import { runScenario, ScenarioRunError } from '../scenario/runner.js';
import { loadScenarioFile, ScenarioFileError, type Scenario } from '../scenario/scenario-file.js';
import { parseSeed } from './lab-arguments.js';

interface RunFlags {
  seed?: string;
  log?: string;
  network?: string;
  datadir?: string;
  dashboardPort?: string;
}

export function registerScenarioCommand(program: Command): void {
  const scenario = program.command('scenario').description('lessons as timed steps on a real devnet, with expectations, an event log and replay (shipped ones: scenarios/)');

  scenario
    .command('run')
    .description('start a devnet for the scenario, run its steps, print each expectation as met or missed (exit 1 if one is missed)')
    .argument('<file>', 'a scenario file, YAML or JSON (e.g. scenarios/fork-and-heal.yaml)')
    .option('--seed <n>', 'picks who mines each block of a `mine: { nodes: [...] }` step, by share', '1')
    .option('--log <file>', 'write every block, reorg, split, payment and step as JSON lines (for scenario replay and lab replay)')
    .option('--network <name>', "regtest (default: blocks made on demand, deterministic), regtest-retarget (the same, with a retarget every 4 blocks) or demo (live mining at a 10 s pace); default: the scenario's own network, else regtest")
    .option('--datadir <dir>', 'the devnet folder (default: a temporary folder, removed at the end)')
    .option('--dashboard-port <n>', 'also serve the dashboard on this port while it runs (0: any free port)')
    .action(async (file: string, flags: RunFlags) => {
      const parsed = await loadChecked(file);
      process.exitCode = await runFile(parsed, flags);
    });

  scenario
    .command('check')
    .description('validate scenario files without running them')
    .argument('<files...>')
    .action(async (files: string[]) => {
      for (const f of files) {
        const s = await loadChecked(f);
        console.log(`${f}: ${s.title}: ${s.steps.length} steps on ${s.nodes} nodes, ok`);
      }
    });

  scenario
    .command('replay')
    .description('print the tips and reorgs as they were at each event of a scenario log, or the tree at one moment')
    .argument('<log>', 'a log written by: toychain scenario run FILE --log LOG')
    .option('--at <time>', 'show the tree as it was at this moment since the start: 12s, 1500ms, 2m')
    .option('--json', 'print the state (at --at, or at the end) as JSON')
    .action(async (log: string, flags: { at?: string; json?: boolean }) => {
      const at = flags.at === undefined ? undefined : moment(flags.at);
      const events = await loadLog(log);
      if (flags.json === true) return console.log(JSON.stringify(replayAt(events, at)));
      if (at !== undefined) return printState(events, at);
      printReplay(events);
    });
}

async function loadChecked(file: string): Promise<Scenario> {
  try {
    return await loadScenarioFile(file);
  } catch (e) {
    if (e instanceof ScenarioFileError) throw new UsageError(e.message, 'docs/scenarios.md describes the format; toychain scenario check FILE validates without running');
    throw e;
  }
}

export async function loadLog(file: string): Promise<LoggedEvent[]> {
  try {
    return await readEventLog(file);
  } catch (e) {
    if (e instanceof EventLogError) throw new UsageError(e.message, 'a log is written by: toychain scenario run FILE --log LOG');
    throw e;
  }
}

function moment(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--at: '${text}' is not a moment`, 'write it like 12s, 1500ms or 2m (time since the scenario started)');
  return Math.round(Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1));
}

async function runFile(s: Scenario, flags: RunFlags): Promise<number> {
  const seed = parseSeed(flags.seed);
  const network = flags.network ?? s.network ?? 'regtest';
  if (network !== 'regtest' && network !== 'demo' && network !== 'regtest-retarget') throw new UsageError(`--network: unknown network '${network}'`, 'use regtest (blocks on demand), regtest-retarget (blocks on demand, retargeting) or demo (live mining)');
  if (s.network !== undefined && network !== s.network) throw new UsageError(`--network ${network}: this scenario needs ${s.network}`, `leave --network out: the scenario's own network is used`);
  const temporary = flags.datadir === undefined;
  const datadir = temporary ? await mkdtemp(join(tmpdir(), 'toychain-scenario-')) : resolve(flags.datadir!);
  const logger = createLogger({ level: 'error', pretty: false, name: 'scenario' });
  const writer = flags.log === undefined ? undefined : new EventLogWriter(flags.log);
  let devnet: Devnet | undefined;
  let server: Server | undefined;
  const stop = async (): Promise<void> => {
    server?.closeAllConnections();
    server?.close();
    await devnet?.stop();
    await writer?.close();
    if (temporary) await rm(datadir, { recursive: true, force: true });
  };
  const onSignal = (): void => void stop().then(() => process.exit(130));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  try {
    // demo: the devnet's own network paced at 10 s blocks, as `npm start` makes it.
    let own: { params: NetworkParams; file?: string } = { params: networks[network] ?? regtest };
    if (network === 'demo') {
      const made = await devnetNetwork(datadir, { nodes: s.nodes, workers: 1, blockTimeSec: DEFAULT_BLOCK_TIME_SEC, fresh: true }, (line) => console.log(line));
      own = { params: made.params, file: made.file };
    }
    console.log(`${s.title}\n\n${s.idea}\n\nStarting ${s.nodes} ${own.params.name} nodes in ${datadir} …`);
    devnet = await Devnet.start({ nodes: s.nodes, datadir, params: own.params, ...(own.file === undefined ? {} : { networkFile: own.file }), blockTimeSec: DEFAULT_BLOCK_TIME_SEC, workers: 1, mine: own.params.mockableChain !== true, link: { delayMs: 0, jitterMs: 0, dropRate: 0 }, nodeLogLevel: 'warn', logger });
    if (flags.dashboardPort !== undefined) {
      server = createServer(createControlApi(devnet, logger));
      const port = await new Promise<number>((ok) => server!.listen(Number(flags.dashboardPort), '127.0.0.1', () => ok((server!.address() as { port: number }).port)));
      console.log(`Dashboard: http://127.0.0.1:${port}/`);
    }
    const result = await runScenario(s, devnet, {
      seed,
      onEvent: (e) => {
        writer?.write(e);
        printEvent(s, e);
      },
    });
    console.log(`\n${result.ok ? 'all met' : 'NOT all met'}: ${result.met} expectation${result.met === 1 ? '' : 's'} met, ${result.missed} missed${result.stoppedBy === null ? '' : `; stopped: ${result.stoppedBy}`}`);
    console.log(`\nAsk the class: ${s.question}`);
    if (flags.log !== undefined) console.log(`\nEvent log: ${flags.log} (toychain scenario replay ${flags.log}; toychain lab replay ${flags.log})`);
    return result.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof ScenarioRunError) throw new UsageError(e.message);
    throw e;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
    await stop();
  }
}

function printEvent(s: Scenario, e: LoggedEvent): void {
  const at = `${(e.t / 1000).toFixed(1).padStart(6)} s`;
  if (e.kind === 'step') {
    const mark = e.status === 'met' ? '✓ met' : e.status === 'missed' ? '✗ MISSED' : e.status === 'failed' ? '✗ FAILED' : e.status === 'started' ? '' : 'done';
    if (e.status === 'started') console.log(`${at}  [${e.index + 1}/${s.steps.length}] ${e.text}`);
    else if (e.step !== 'note') console.log(`${' '.repeat(at.length)}    ${mark}: ${e.text}`);
  } else if (e.kind === 'reorg') {
    console.log(`${at}    reorg: node ${e.node} switched to the branch with more work, ${e.depth} block${e.depth === 1 ? '' : 's'} replaced`);
  }
}

/** printReplay: one line per event that changed the tree or the tips, with every node's tip after it. */
function printReplay(events: LoggedEvent[]): void {
  const first = events[0]!;
  if (first.kind === 'scenario') console.log(`${first.title}: ${first.nodes} nodes on ${first.network} (${first.mode}), seed ${first.seed}`);
  for (const e of events) {
    let what: string | undefined;
    if (e.kind === 'block') what = `block ${e.height} ${short(e.hash)} on ${e.prevHash === null ? '?' : short(e.prevHash)}${e.miner === null ? '' : ` mined by node ${e.miner}`}`;
    else if (e.kind === 'reorg') what = `REORG node ${e.node}: ${e.depth} block${e.depth === 1 ? '' : 's'} replaced, ${short(e.oldTip)} → ${short(e.newTip)} (fork ${short(e.fork)})`;
    else if (e.kind === 'split') what = `split ${e.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`;
    else if (e.kind === 'heal') what = 'heal';
    else if (e.kind === 'tx') what = `tx ${short(e.txid)}${e.label === null ? '' : ` (${e.label})`}${e.doubleSpendOf === null ? '' : ` double-spends ${short(e.doubleSpendOf)}`}`;
    else if (e.kind === 'step' && (e.status === 'met' || e.status === 'missed' || e.status === 'failed')) what = `step ${e.index + 1} ${e.step}: ${e.status}`;
    else if (e.kind === 'end') what = `end: ${e.met} met, ${e.missed} missed`;
    if (what === undefined) continue;
    const state = replayAt(events, e.t);
    const tips = Object.entries(state.tips).map(([n, tip]) => `${n}:${tip.height} ${short(tip.hash)}`).join('  ');
    console.log(`${(e.t / 1000).toFixed(3).padStart(9)} s  ${what.padEnd(60)}  tips ${tips}`);
  }
}

function printState(events: LoggedEvent[], at: number): void {
  const state = replayAt(events, at);
  console.log(`at ${(at / 1000).toFixed(3)} s: ${state.blocks.length} blocks, ${state.groups === null ? 'not split' : `split ${state.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`}, ${state.reorgs.length} reorg${state.reorgs.length === 1 ? '' : 's'} so far`);
  for (const b of branches(state)) console.log(`  branch tip ${b.height} ${short(b.tip)}  nodes ${b.nodes.length === 0 ? '(none: stale)' : b.nodes.join(',')}${b.fork !== null && b.fork !== b.tip ? `  forked at ${short(b.fork)}` : ''}`);
  for (const r of state.reorgs) console.log(`  reorg at ${(r.t / 1000).toFixed(3)} s: node ${r.node}, ${r.depth} deep`);
  for (const st of state.steps) console.log(`  step ${st.index + 1} ${st.step}: ${st.status}`);
}

const short = (hash: string): string => `…${hash.slice(-8)}`;
