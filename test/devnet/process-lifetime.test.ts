import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/node-process.js';
import { DevnetProcess, pidAlive } from '../helpers/devnet-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** nodePids asks the supervisor for its nodes' pids (every node reported running). */
async function nodePids(devnet: DevnetProcess, count: number): Promise<number[]> {
  return waitFor('every node running', async () => {
    const nodes = (await devnet.view()).nodes as { pid: number | null }[];
    const pids = nodes.map((n) => n.pid).filter((p): p is number => p !== null);
    return pids.length === count ? pids : undefined;
  }, 30_000);
}

function allGone(pids: number[]): Promise<true> {
  return waitFor(`processes ${pids.join(', ')} to exit`, () => pids.every((p) => !pidAlive(p)) || undefined, 30_000);
}

describe('process lifetime: no node outlives its supervisor', function () {
  this.timeout(120_000);
  let devnet: DevnetProcess;
  beforeEach(() => {
    devnet = new DevnetProcess(2);
  });
  afterEach(async () => {
    await devnet.cleanup();
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`stops every node and exits 0 when the supervisor gets ${signal}`, async () => {
      await devnet.start();
      const pids = await nodePids(devnet, 2);
      const child = devnet.child!;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      process.kill(child.pid!, signal);
      expect(await exited).to.equal(0);
      await allGone(pids);
      expect(existsSync(join(devnet.datadir, 'devnet.json'))).to.equal(false);
    });
  }

  it('its nodes exit by themselves when the supervisor is killed with SIGKILL', async () => {
    await devnet.start();
    const pids = await nodePids(devnet, 2);
    expect(pids.every(pidAlive)).to.equal(true);
    const child = devnet.child!;
    const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    // No handler ran in the supervisor: only the nodes' own watch can end them.
    await allGone(pids);
  });
});

describe('process lifetime: npm start', function () {
  this.timeout(120_000);
  let npm: ChildProcess | undefined;
  let shimDir = '';
  let datadir = '';
  const pids: number[] = [];
  afterEach(() => {
    if (npm?.pid !== undefined && pidAlive(npm.pid)) process.kill(npm.pid, 'SIGKILL');
    for (const pid of pids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(shimDir, { recursive: true, force: true });
    rmSync(datadir, { recursive: true, force: true });
  });

  it('hands SIGTERM sent to npm on to the supervisor, which stops every node', async () => {
    const realNpm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
    // The build already ran (the suite runs from dist/). A shim answers only the inner
    // `npm run build` so the test does not rebuild dist/ under itself; npm, its shell
    // and the `exec` in the start script are the real ones.
    shimDir = mkdtempSync(join(tmpdir(), 'toychain-npm-shim-'));
    writeFileSync(join(shimDir, 'npm'), `#!/bin/sh\nif [ "$1 $2" = "run build" ]; then exit 0; fi\nexec '${realNpm}' "$@"\n`);
    chmodSync(join(shimDir, 'npm'), 0o755);
    datadir = mkdtempSync(join(tmpdir(), 'toychain-npm-start-'));
    const args = ['start', '--silent', '--', '--network', 'regtest', '--nodes', '2', '--datadir', datadir, '--dashboard-port', '0', '--workers', '1', '--node-log-level', 'warn'];
    let output = '';
    npm = spawn(realNpm, args, { cwd: REPO, env: { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const file = await waitFor('devnet.json', () => {
      if (npm!.exitCode !== null) throw new Error(`npm start exited with ${npm!.exitCode}: ${output}`);
      const path = join(datadir, 'devnet.json');
      return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { pid: number; controlUrl: string }) : undefined;
    }, 60_000);
    pids.push(file.pid);
    const view = await waitFor('both nodes', async () => {
      const nodes = ((await (await fetch(`${file.controlUrl}/devnet`)).json()) as { nodes: { pid: number | null }[] }).nodes;
      return nodes.every((n) => n.pid !== null) ? nodes : undefined;
    }, 30_000);
    pids.push(...view.map((n) => n.pid!));

    const exited = new Promise<number | null>((resolve) => npm!.once('exit', (code) => resolve(code)));
    process.kill(npm.pid!, 'SIGTERM');
    await exited;
    await allGone(pids);
    expect(output).to.include('devnet stopped');
  });
});
