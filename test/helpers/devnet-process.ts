/**
 * Test helper: a real `toychain devnet` process (regtest, free ports, a temporary
 * folder) and its CLI. `stop()` ends it with SIGTERM and waits; `cleanup()` (call it
 * in afterEach) also SIGKILLs any node process still alive, so nothing outlives a test
 * even when it fails.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './node-process.js';

export const CLI = fileURLToPath(new URL('../../src/bin/toychain.js', import.meta.url));

export interface CliResult {
  code: number;
  out: string;
}

export class DevnetProcess {
  child: ChildProcess | undefined;
  output = '';
  controlUrl = '';
  dashboardUrl = '';
  /** every node pid this devnet reported, for the check that none outlives it */
  readonly nodePids = new Set<number>();
  readonly datadir: string;

  constructor(readonly nodes = 3) {
    this.datadir = mkdtempSync(join(tmpdir(), 'toychain-devnet-'));
  }

  async start(extra: string[] = []): Promise<void> {
    const args = [CLI, 'devnet', '--network', 'regtest', '--nodes', String(this.nodes), '--datadir', this.datadir, '--dashboard-port', '0', '--workers', '1', '--node-log-level', 'warn', ...extra];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const file = await waitFor(
      'the devnet to write devnet.json',
      () => {
        if (child.exitCode !== null) throw new Error(`the devnet exited with ${child.exitCode}: ${this.output}`);
        const path = join(this.datadir, 'devnet.json');
        return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { controlUrl: string; dashboardUrl: string }) : undefined;
      },
      60_000,
    );
    this.controlUrl = file.controlUrl;
    this.dashboardUrl = file.dashboardUrl;
    for (const n of (await this.view()).nodes) if (n.pid !== null) this.nodePids.add(n.pid);
  }

  async control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.controlUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  }

  async view(): Promise<any> {
    const res = await this.control('GET', '/devnet');
    if (res.status !== 200) throw new Error(`GET /devnet: HTTP ${res.status}`);
    for (const n of res.body.nodes) if (n.pid !== null) this.nodePids.add(n.pid);
    return res.body;
  }

  /** cli runs `toychain devnet ARGS --datadir THIS` and resolves with its exit code and output. */
  cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, 'devnet', ...args, '--datadir', this.datadir], { timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, out: stdout + stderr });
      });
    });
  }

  /** stop sends SIGTERM and resolves with the exit code (SIGKILL after timeoutMs). */
  stop(timeoutMs = 20_000): Promise<number | null> {
    const child = this.child;
    return new Promise((resolve) => {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve(child?.exitCode ?? null);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  }

  async cleanup(): Promise<void> {
    await this.stop();
    for (const pid of this.nodePids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(this.datadir, { recursive: true, force: true });
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
