/**
 * `toychain conformance [--node URL] [--token-file FILE] [--json]`: checks a running
 * node's REST API against the contract and the OpenAPI document it serves
 * (conformance.ts), prints pass or FAIL per operation with what was wrong, and exits 1
 * when any operation fails (2 for a wrong command line).
 *
 * `toychain conformance ws://HOST:PORT [--network NAME | --network-file FILE] [--no-ban]
 * [--timeout S] [--json]`: the same for the wire protocol (wire-conformance.ts): it
 * connects to the node's p2p port as a peer and checks it against docs/p2p.md.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { parseApiUrl } from '../api/contract/primitives.js';
import { checkConformance, type ConformanceReport } from './conformance.js';
import { parsePeerAddress } from '../p2p/address.js';
import { InvalidPeerAddressError } from '../p2p/errors.js';
import { resolveNodeConfig } from '../node/config.js';
import { loadNetworkFile } from './network-command.js';
import { checkWire, DEFAULT_TIMEOUT_MS, type WireReport } from './wire-conformance.js';

interface ConformanceOptionsText {
  node: string;
  tokenFile?: string;
  json?: boolean;
  network?: string;
  networkFile?: string;
  ban: boolean;
  timeout?: string;
}

const WIRE_EXAMPLE = 'for example: toychain conformance ws://127.0.0.1:18444 --network regtest';

export function registerConformanceCommand(program: Command): void {
  program
    .command('conformance')
    .description("check a running node's REST API (--node http://…) against the contract and its OpenAPI document, operation by operation; or, given ws://HOST:PORT, its p2p port against the wire protocol (docs/p2p.md), check by check")
    .argument('[peer]', "the node's p2p address, ws://HOST:PORT: check the wire protocol instead of the REST API")
    .option('--node <url>', "the node's API URL, http://HOST:PORT", 'http://127.0.0.1:28443')
    .option('--token-file <file>', "the node's API token (DATADIR/api.cookie): also probes the calls that change a setting, setting each to the value it has")
    .option('--network <name>', 'ws:// only: the network the node runs, demo (default) or regtest')
    .option('--network-file <file-or-url>', 'ws:// only: the network file of a custom network')
    .option('--no-ban', 'ws:// only: leave out the frame that ends each bad-frame check in a ban of this connection')
    .option('--timeout <seconds>', `ws:// only: how long to wait for each answer (default ${DEFAULT_TIMEOUT_MS / 1000})`)
    .option('--json', 'print the report as JSON')
    .action(async (peer: string | undefined, options: ConformanceOptionsText, command: Command) => {
      if (peer !== undefined) return runWire(peer, options, command);
      for (const flag of ['network', 'networkFile', 'timeout'] as const) {
        if (options[flag] !== undefined) throw new UsageError(`--${flag === 'networkFile' ? 'network-file' : flag} is for the wire check: give the node's p2p address, ws://HOST:PORT`, WIRE_EXAMPLE);
      }
      const report = await checkConformance({ base: nodeBase(options.node), token: options.tokenFile === undefined ? undefined : readToken(options.tokenFile) });
      console.log(options.json === true ? JSON.stringify(report, null, 2) : formatReport(report));
      process.exitCode = report.ok ? 0 : 1;
    });
}

async function runWire(peer: string, options: ConformanceOptionsText, command: Command): Promise<void> {
  if (command.getOptionValueSource('node') === 'cli') throw new UsageError('give either ws://HOST:PORT (the wire protocol) or --node http://HOST:PORT (the REST API), not both', WIRE_EXAMPLE);
  if (options.tokenFile !== undefined) throw new UsageError('--token-file is for the REST check (--node): the wire check needs no token', WIRE_EXAMPLE);
  let url: string;
  try {
    url = parsePeerAddress(peer).url;
  } catch (e) {
    if (!(e instanceof InvalidPeerAddressError)) throw e;
    const hint = /^https?:/i.test(peer) ? `an http:// URL is the REST API: toychain conformance --node ${peer}` : WIRE_EXAMPLE;
    throw new UsageError(e.message, hint);
  }
  const timeoutMs = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : seconds(options.timeout);
  // The one reading of --network / --network-file, the node's own (unknown names and the pair refused alike).
  if (options.network !== undefined && options.networkFile !== undefined) resolveNodeConfig(options);
  const fileParams = options.networkFile === undefined ? undefined : await loadNetworkFile(options.networkFile);
  const { params } = resolveNodeConfig({ network: options.network, networkFile: options.networkFile }, fileParams);
  const report = await checkWire({ url, params, timeoutMs, ban: options.ban });
  console.log(options.json === true ? JSON.stringify(report, null, 2) : formatWireReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

function seconds(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n < 0.1 || n > 600) throw new UsageError(`--timeout: '${text}' is not a number of seconds`, 'use a number from 0.1 to 600, e.g. --timeout 10');
  return n * 1000;
}

/** formatWireReport: one line per check (pass, FAIL or skip) with what the node did, and the totals. */
export function formatWireReport(report: WireReport): string {
  const lines = [`conformance of ${report.node} (${report.network}) against the wire protocol (docs/p2p.md)`];
  for (const check of report.checks) {
    lines.push(`${check.status === 'fail' ? 'FAIL' : check.status}  ${check.name}`);
    lines.push(`      ${check.detail}`);
  }
  const count = (s: string): number => report.checks.filter((c) => c.status === s).length;
  lines.push(`${report.checks.length} checks: ${count('pass')} pass, ${count('fail')} fail, ${count('skip')} skipped`);
  return lines.join('\n');
}

function nodeBase(value: string): string {
  try {
    return parseApiUrl(value).base;
  } catch (e) {
    throw new UsageError(`--node: ${e instanceof Error ? e.message : String(e)}`, 'for example: toychain conformance --node http://127.0.0.1:18443');
  }
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`--token-file: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`, "the node writes its token to DATADIR/api.cookie");
  }
  if (token === '') throw new UsageError(`--token-file: ${file} is empty`, "the node writes its token to DATADIR/api.cookie");
  return token;
}

/** formatReport: one line per operation, its failed probes under it, and the totals. */
export function formatReport(report: ConformanceReport): string {
  const width = Math.max(...report.operations.map((o) => o.operationId.length));
  const lines = [`conformance of ${report.node} against the API contract and the OpenAPI document it serves`];
  for (const op of report.operations) {
    const requests = op.probes.filter((p) => p.expect !== 0);
    const sent = requests.filter((p) => p.skipped === undefined).length;
    const skipped = requests.length - sent;
    lines.push(`${op.ok ? 'pass' : 'FAIL'}  ${op.operationId.padEnd(width)}  ${sent} request${sent === 1 ? '' : 's'}${skipped === 0 ? '' : `, ${skipped} skipped (${op.probes.find((p) => p.skipped)?.skipped})`}`);
    for (const probe of op.probes) {
      for (const problem of probe.problems) lines.push(`        ${probe.method} ${probe.path} (${probe.what}): ${problem}`);
    }
  }
  const failed = report.operations.filter((o) => !o.ok).length;
  lines.push(`${report.operations.length} operations: ${report.operations.length - failed} pass, ${failed} fail`);
  return lines.join('\n');
}
