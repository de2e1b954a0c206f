/**
 * The generated OpenAPI document passes `redocly lint` with the recommended rules,
 * without a single error or warning (redocly runs offline from node_modules).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { openApiDocument } from '../../src/api/openapi.js';

const run = promisify(execFile);
const cli = join(createRequire(import.meta.url).resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');
const config = join(process.cwd(), 'redocly.yaml');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

async function lint(document: object, dir: string): Promise<LintReport> {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(document));
  // redocly exits 1 on errors; the JSON report is on stdout either way.
  const out = await run(process.execPath, [cli, 'lint', '--config', config, '--format=json', file], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return JSON.parse(out.stdout) as LintReport;
}

describe('api: the OpenAPI document under redocly lint', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'toychain-redocly-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has no error and no warning under the recommended rules', async () => {
    const report = await lint(openApiDocument({ version: '0.0.0-test', network: 'regtest' }), dir);
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).to.deep.equal([]);
    expect(report.totals).to.include({ errors: 0, warnings: 0 });
  });

  it('reports an operation without an operationId (the lint can fail)', async () => {
    const doc = openApiDocument({ version: '0.0.0-test', network: 'regtest' }) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete doc.paths['/status']!.get!.operationId;
    const report = await lint(doc, dir);
    expect(report.problems.map((p) => p.ruleId)).to.deep.equal(['operation-operationId']);
  });
});
