/**
 * `toychain devnet …`: with no subcommand, start a devnet (run-devnet.ts); with one,
 * control the devnet already running in the devnet folder, found through its
 * devnet.json: status, split, heal, pause, resume, mine, share, delay, restart, stop.
 */
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { duration, networkOf, resolveDevnetConfig, type DevnetOptionsText } from '../devnet/devnet-config.js';
import { defaultDevnetDir, readDevnetFile, type DevnetFile } from '../devnet/devnet-file.js';
import type { DevnetView } from '../devnet/devnet-view.js';

export function registerDevnetCommand(program: Command): void {
  const devnet = program
    .command('devnet')
    .description('a local network of mining nodes with a live dashboard; with a subcommand, control the running one')
    .option('--nodes <n>', 'how many node processes (default 3)')
    .option('--network <name>', 'demo (default: ~10 s blocks, mining), regtest (blocks on demand) or regtest-retarget (blocks on demand, retarget every 4 blocks: the heavier-beats-longer lesson)')
    .option('--datadir <dir>', 'the devnet folder, one node-N folder per node (default ~/.toychain/devnet)')
    .option('--dashboard-port <n>', 'port of the dashboard and control API on 127.0.0.1 (default 8080; 0: any free port)')
    .option('--workers <n>', 'mining threads per node (default: the cores shared among the nodes)')
    .option('--delay <time>', 'link delay of every node, e.g. 200ms or 2s (forks appear as it nears the block interval)')
    .option('--jitter <time>', 'up to this much more delay per message, at random')
    .option('--miners <k>', 'how many of the nodes mine (nodes 0 … k-1; default all): e.g. --nodes 50 --miners 5')
    .option('--mine', 'start mining on every node (the default on demo)')
    .option('--no-mine', 'do not start mining')
    .option('--fresh', 'delete the nodes\' chains first and start from genesis')
    .option('--block-time <time>', 'how often a block should come, from the first one (default 10s): the devnet measures this machine and makes its own network; on regtest, the miners\' pace')
    .option('--log-level <level>', "the supervisor's log level", 'info')
    .option('--node-log-level <level>', 'log level of the nodes (their logs: node-N/node.log)', 'info')
    // A word after `devnet` is a subcommand; one that is none (a typo) is caught here and named.
    .allowExcessArguments(true)
    .action(async (options: DevnetOptionsText, cmd: Command) => {
      if (cmd.args.length > 0) throw unknownSubcommand(cmd.args[0]!, cmd);
      // Loaded on use: `toychain node` need not parse the supervisor (an idle node's memory).
      const { runDevnet } = await import('./run-devnet.js');
      await runDevnet(resolveDevnetConfig(options));
    });

  devnet
    .command('status')
    .description('the nodes of the running devnet: height, tip, peers, hashrate, group, API address (with the --datadir the devnet was started with, if not the default)')
    .option('--json', 'print the whole view as JSON')
    .action(async (options: { json?: boolean }, cmd: Command) => {
      const view = await control<DevnetView>(cmd, 'GET', '/devnet');
      if (options.json === true) console.log(JSON.stringify(view, null, 2));
      else printStatus(view);
    });

  devnet
    .command('split')
    .description('split the network into groups that drop and refuse each other: toychain devnet split 0,1 2')
    .argument('<groups...>', 'each group a comma-separated list of node numbers')
    .action(async (groups: string[], _options: unknown, cmd: Command) => {
      const parsed = groups.map((g) => {
        if (!/^\d+(,\d+)*$/.test(g)) throw new UsageError(`split: '${g}' is not a group`, 'write each group as node numbers separated by commas: toychain devnet split 0,1 2');
        return g.split(',').map(Number);
      });
      printStatus(await control<DevnetView>(cmd, 'POST', '/devnet/split', { groups: parsed }));
    });

  devnet.command('heal').description('reconnect every node: the branch with the most work wins').action(async (_o: unknown, cmd: Command) => printStatus(await control<DevnetView>(cmd, 'POST', '/devnet/heal', {})));
  devnet.command('pause').description('stop every miner at once').action(async (_o: unknown, cmd: Command) => printStatus(await control<DevnetView>(cmd, 'POST', '/devnet/mining', { active: false })));
  devnet.command('resume').description('start again the miners that were on').action(async (_o: unknown, cmd: Command) => printStatus(await control<DevnetView>(cmd, 'POST', '/devnet/mining', { active: true })));

  devnet
    .command('mine')
    .description("switch one node's miner on or off: toychain devnet mine 2 off")
    .argument('<node>', 'node number')
    .argument('<on|off>')
    .action(async (node: string, state: string, _o: unknown, cmd: Command) => {
      if (state !== 'on' && state !== 'off') throw new UsageError(`mine: '${state}' is neither on nor off`, 'toychain devnet mine 2 off');
      printStatus(await control<DevnetView>(cmd, 'POST', `/devnet/nodes/${nodeNumber(node)}/mining`, { active: state === 'on' }));
    });

  devnet
    .command('share')
    .description("set one node's share of the hash power: toychain devnet share 2 0.25")
    .argument('<node>', 'node number')
    .argument('<share>', 'a fraction above 0 and at most 1 (or a percentage, 25%)')
    .action(async (node: string, share: string, _o: unknown, cmd: Command) => {
      const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(share);
      const value = m === null ? Number.NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
      if (!(value > 0 && value <= 1)) throw new UsageError(`share: '${share}' is not a share above 0 and at most 1`, 'for example 0.25 or 25%');
      printStatus(await control<DevnetView>(cmd, 'POST', `/devnet/nodes/${nodeNumber(node)}/share`, { share: value }));
    });

  devnet
    .command('delay')
    .description('set the link delay of every node (or one with --node): toychain devnet delay 2s')
    .argument('<time>', 'e.g. 200ms, 2s, 0')
    .option('--jitter <time>', 'up to this much more, at random')
    .option('--node <n>', 'only this node')
    .action(async (time: string, _options: unknown, cmd: Command) => {
      // --jitter is also an option of `toychain devnet` itself, which commander may give it to.
      const options = cmd.optsWithGlobals() as { jitter?: string; node?: string };
      const body: Record<string, number> = { delayMs: duration('delay', time), jitterMs: options.jitter === undefined ? 0 : duration('--jitter', options.jitter) };
      if (options.node !== undefined) body.node = nodeNumber(options.node);
      printStatus(await control<DevnetView>(cmd, 'POST', '/devnet/link', body));
    });

  devnet
    .command('send')
    .description("pay coins from one node's mining address to another node's, or to an address: toychain devnet send 0 2 1.5, toychain devnet send 0 tcdev1p… 5")
    .argument('<from>', 'node number that pays')
    .argument('<to>', 'node number, or an address (a wallet\'s: toychain-wallet --devnet 0 address)')
    .argument('<amount>', 'coins, up to 8 decimals')
    .action(async (from: string, to: string, amount: string, _o: unknown, cmd: Command) => {
      const target = /^\d{1,4}$/.test(to) ? nodeNumber(to) : to;
      const sent = await control<{ txid: string; fee: string }>(cmd, 'POST', '/devnet/send', { from: nodeNumber(from), to: target, amount });
      console.log(`sent ${amount} coins from node ${from} to ${typeof target === 'number' ? `node ${target}` : target} (fee ${sent.fee}): txid ${sent.txid}`);
    });

  devnet
    .command('restart')
    .description('restart a node (one that died, or any)')
    .argument('<node>', 'node number')
    .action(async (node: string, _o: unknown, cmd: Command) => printStatus(await control<DevnetView>(cmd, 'POST', `/devnet/nodes/${nodeNumber(node)}/restart`, {})));

  devnet
    .command('stop')
    .description('stop the running devnet and all its nodes (as Ctrl-C in its terminal)')
    .action(async (_o: unknown, cmd: Command) => {
      const file = await find(cmd);
      process.kill(file.pid, 'SIGTERM');
      console.log(`asked the devnet (pid ${file.pid}) to stop`);
    });

  // Every subcommand finds the devnet through the devnet folder: say so in its --help.
  for (const sub of devnet.commands) sub.addHelpText('after', '\nThe devnet is found through its folder: pass --datadir DIR if it was started with one (default ~/.toychain/devnet).');
}

/** unknownSubcommand names the closest subcommand (edit distance at most 2), as the wallet does. */
function unknownSubcommand(word: string, devnet: Command): UsageError {
  const names = devnet.commands.map((c) => c.name());
  const best = names.map((n) => ({ n, d: editDistance(word, n) })).sort((a, b) => a.d - b.d)[0];
  const hint = best !== undefined && best.d <= 2 ? `did you mean: toychain devnet ${best.n}?` : `the subcommands are: ${names.join(', ')}`;
  return new UsageError(`devnet: unknown command '${word}'`, hint);
}

function editDistance(a: string, b: string): number {
  // Damerau-Levenshtein (optimal string alignment): a swap of two letters, as in "stauts", counts once.
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function nodeNumber(text: string): number {
  if (!/^\d{1,4}$/.test(text)) throw new UsageError(`'${text}' is not a node number`, 'nodes are numbered from 0, as toychain devnet status shows');
  return Number(text);
}

async function find(cmd: Command): Promise<DevnetFile> {
  const { datadir, network } = cmd.optsWithGlobals() as { datadir?: string; network?: string };
  const dir = datadir ?? defaultDevnetDir(networkOf(network).name);
  const file = await readDevnetFile(dir);
  if (file === undefined) throw new UsageError(`no devnet is running in ${dir}`, 'start one with: toychain devnet (or pass the --datadir it was started with)');
  return file;
}

/** control calls the running devnet's control API; an error answer becomes a UsageError with its code. */
async function control<T>(cmd: Command, method: string, path: string, body?: unknown): Promise<T> {
  const file = await find(cmd);
  let res: Response;
  try {
    res = await fetch(`${file.controlUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(150_000) });
  } catch (e) {
    throw new UsageError(`the devnet at ${file.controlUrl} did not answer: ${(e as Error).message}`);
  }
  const json = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new UsageError(`${json.error?.code ?? res.status}: ${json.error?.message ?? 'failed'}`);
  return json;
}

function printStatus(view: DevnetView): void {
  // Groups are lettered as on the dashboard: A, B, C…
  const letter = (g: number): string => String.fromCharCode(65 + g);
  const split = view.groups === null ? 'not split' : `split ${view.groups.map((g, i) => `${letter(i)} {${g.join(',')}}`).join(' | ')}`;
  console.log(`devnet on ${view.network}: ${view.nodes.length} nodes, ${split}${view.paused ? ', miners paused' : ''}, link delay ${view.link.delayMs} ms`);
  const rows = [['node', 'group', 'state', 'height', 'tip', 'peers', 'hashrate', 'mining', 'share', 'api']];
  for (const n of view.nodes) {
    const s = n.status;
    rows.push([String(n.index), letter(n.group), n.unreachable ? 'unreachable' : n.state, s ? String(s.height) : '-', s ? `…${s.tip.slice(-8)}` : '-', s ? String(s.peers) : '-', s ? hashrate(s.mining.hashrate) : '-', s?.mining.active ? 'on' : 'off', `${Math.round(n.share * 100)} %`, (n.apiUrl ?? '-') + (n.lagging ? '  lagging' : '')]);
  }
  console.log(table(rows));
}

/** table pads every column to its widest cell, two spaces apart, so columns never run together. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

function hashrate(h: number): string {
  return h >= 1e6 ? `${(h / 1e6).toFixed(2)} MH/s` : h >= 1e3 ? `${(h / 1e3).toFixed(1)} kH/s` : `${h} H/s`;
}
