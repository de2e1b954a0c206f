/**
 * `toychain conformance [--node URL] [--token-file FILE] [--json]`: checks a running
 * node's REST API against the contract and the OpenAPI document it serves
 * (conformance.ts), prints pass or FAIL per operation with what was wrong, and exits 1
 * when any operation fails (2 for a wrong command line).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';
import { parseApiUrl } from '../api/contract/primitives.js';
import { checkConformance, type ConformanceReport } from './conformance.js';

interface ConformanceOptionsText {
  node: string;
  tokenFile?: string;
  json?: boolean;
}

export function registerConformanceCommand(program: Command): void {
  program
    .command('conformance')
    .description("check a running node's REST API against the contract and its OpenAPI document, operation by operation")
    .option('--node <url>', "the node's API URL, http://HOST:PORT", 'http://127.0.0.1:28443')
    .option('--token-file <file>', "the node's API token (DATADIR/api.cookie): also probes the calls that change a setting, setting each to the value it has")
    .option('--json', 'print the report as JSON')
    .action(async (options: ConformanceOptionsText) => {
      const report = await checkConformance({ base: nodeBase(options.node), token: options.tokenFile === undefined ? undefined : readToken(options.tokenFile) });
      console.log(options.json === true ? JSON.stringify(report, null, 2) : formatReport(report));
      process.exitCode = report.ok ? 0 : 1;
    });
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
