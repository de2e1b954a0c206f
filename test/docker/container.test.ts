/**
 * The container test: builds docker/Dockerfile on a base image made here offline
 * (debootstrap's minimal Debian bookworm + this machine's node and npm), runs
 * docker/compose.yaml's three nodes and watcher, mines, and sees the watcher show all
 * three on one tip; then `compose down -v` and the images removed.
 *
 * No container may reach anything but 127.0.0.1, so the test runs a compose file made
 * mechanically from docker/compose.yaml: host networking, free ports, peers at
 * 127.0.0.1 instead of service names, regtest (blocks on demand) instead of demo.
 * Where no Docker engine runs (or debootstrap is missing) the test is skipped and says
 * why; `.ci/run` installs and starts both, so in CI it runs.
 */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { minerAddress, waitFor } from '../helpers/node-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ID = `${process.pid}-${Date.now().toString(36)}`;
const BASE_IMAGE = `toychain-test-base:${ID}`;
const IMAGE = `toychain-test:${ID}`;
const PROJECT = `toychaintest${ID.replace(/[^a-z0-9]/g, '')}`;
const NODES = ['node-0', 'node-1', 'node-2'];

function run(cmd: string, args: string[], options: { timeoutMs?: number; input?: Buffer; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, input: options.input as unknown as string, cwd: options.cwd ?? ROOT, maxBuffer: 64 * 1024 * 1024 });
}

function must(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`);
  return r.stdout;
}

/** Why the container test cannot run here, or undefined when it can. */
function whyNot(): string | undefined {
  const info = run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  if (info.error !== undefined) return `no docker client (${info.error.message})`;
  if (info.status !== 0) return `no Docker engine answers: ${(info.stderr || info.stdout).trim().split('\n').slice(-1)[0]}`;
  if (run('debootstrap', ['--version'], { timeoutMs: 10_000 }).error !== undefined && !existsSync('/usr/sbin/debootstrap')) return 'debootstrap is not installed (apt-get install debootstrap)';
  if (compose() === undefined) return 'neither `docker compose` nor `docker-compose` is installed';
  return undefined;
}

/** The compose command: the v2 plugin if present, else docker-compose 1.x. */
function compose(): string[] | undefined {
  if (run('docker', ['compose', 'version'], { timeoutMs: 10_000 }).status === 0) return ['docker', 'compose'];
  if (run('docker-compose', ['version'], { timeoutMs: 10_000 }).status === 0) return ['docker-compose'];
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * makeBaseImage: debootstrap's minbase bookworm, this machine's node and npm, and its
 * CA bundle (npm in the build reaches the registry the way this machine does).
 */
function makeBaseImage(dir: string): void {
  const rootfs = join(dir, 'rootfs');
  must(run('debootstrap', ['--variant=minbase', 'bookworm', rootfs], { timeoutMs: 240_000 }), 'debootstrap');
  cpSync(process.execPath, join(rootfs, 'usr/local/bin/node'));
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  cpSync(npmDir, join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  const env = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  if (existsSync(ca)) {
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    cpSync(ca, join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
    mkdirSync(join(rootfs, 'usr/local/etc'), { recursive: true });
    writeFileSync(join(rootfs, 'usr/local/etc/npmrc'), `cafile=${ca}\n`);
    env.push(`ENV NODE_EXTRA_CA_CERTS=${ca}`);
  }
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 1024 * 1024 * 1024, timeout: 120_000 });
  if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr)}`);
  must(run('docker', ['import', ...env.flatMap((c) => ['-c', c]), '-', BASE_IMAGE], { input: tar.stdout, timeoutMs: 120_000 }), 'docker import');
  rmSync(rootfs, { recursive: true, force: true });
}

interface Ports {
  p2p: number;
  api: number;
}

/** testCompose rewrites docker/compose.yaml for host networking on 127.0.0.1 and regtest. */
function testCompose(ports: Record<string, Ports>, watchPort: number): string {
  const source = parse(readFileSync(join(ROOT, 'docker/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };
  const services: Record<string, any> = {};
  for (const [name, service] of Object.entries(source.services)) {
    if (!NODES.includes(name) && name !== 'watcher') continue;
    const command = (service.command as string[]).map((arg) => {
      let a = arg.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
      a = a.replace(/^ws:\/\/(node-\d):28444$/, (_, n: string) => `ws://127.0.0.1:${ports[n]!.p2p}`);
      a = a.replace(/^http:\/\/(node-\d):28443$/, (_, n: string) => `http://127.0.0.1:${ports[n]!.api}`);
      return a === '0.0.0.0' ? '127.0.0.1' : a === 'demo' ? 'regtest' : a.startsWith('tc1p') ? minerAddress(name) : a;
    });
    const mine = command.indexOf('--mine');
    if (mine >= 0) command.splice(mine, 1); // regtest: blocks come from POST /mining/generate
    if (NODES.includes(name)) command.push('--p2p-port', String(ports[name]!.p2p), '--api-port', String(ports[name]!.api));
    else command[command.indexOf('--port') + 1] = String(watchPort);
    const { build: _build, ports: _ports, restart: _restart, ...rest } = service;
    services[name] = { ...rest, image: IMAGE, network_mode: 'host', command };
    if (name === 'watcher') services[name].environment = { TOYCHAIN_HEALTH_URL: `http://127.0.0.1:${watchPort}/api/v1/devnet` };
  }
  return stringify({ services, volumes: source.volumes });
}

describe('container: the image and the compose network, built offline', function () {
  // debootstrap, an uncached build (npm ci in the container) and three nodes starting.
  this.timeout(420_000);
  const reason = whyNot();
  let dir: string | undefined;
  let composeFile: string | undefined;
  const cmd = compose();

  before(function () {
    if (reason !== undefined) {
      console.log(`    container test skipped: ${reason}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'toychain-container-'));
  });

  after(() => {
    if (reason !== undefined) return;
    if (composeFile !== undefined && cmd !== undefined) run(cmd[0]!, [...cmd.slice(1), '-p', PROJECT, '-f', composeFile, 'down', '-v', '--timeout', '10'], { timeoutMs: 120_000 });
    const buildStages = run('docker', ['images', '-q', '--filter', 'label=org.toychain.stage=build', '--filter', 'dangling=true']).stdout.split('\n').filter((x) => x !== '');
    run('docker', ['rmi', '-f', IMAGE, BASE_IMAGE, ...buildStages], { timeoutMs: 120_000 });
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('builds the image, runs three nodes and the watcher from compose.yaml, and sees them on one tip', async () => {
    const t0 = Date.now();
    const phase = (what: string): void => console.log(`      ${what}: ${Math.round((Date.now() - t0) / 1000)} s`);
    makeBaseImage(dir!);
    phase('base image made (debootstrap + import)');
    must(run('docker', ['build', '-f', 'docker/Dockerfile', '--network', 'host', '--build-arg', `NODE_IMAGE=${BASE_IMAGE}`, '-t', IMAGE, '.'], { timeoutMs: 300_000 }), 'docker build');
    phase('image built');
    const user = must(run('docker', ['image', 'inspect', '--format', '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Volumes}}', IMAGE]), 'inspect');
    expect(user.trim()).to.equal('toychain ["toychain"] {"/data":{}}');

    const ports: Record<string, Ports> = {};
    for (const n of NODES) ports[n] = { p2p: await freePort(), api: await freePort() };
    const watchPort = await freePort();
    composeFile = join(dir!, 'compose.test.yaml');
    writeFileSync(composeFile, testCompose(ports, watchPort));
    must(run(cmd![0]!, [...cmd!.slice(1), '-p', PROJECT, '-f', composeFile, 'up', '-d'], { timeoutMs: 240_000 }), 'compose up');

    phase('compose up (every node healthy)');
    const watcher = `http://127.0.0.1:${watchPort}/api/v1`;
    const getView = async (): Promise<any> => (await fetch(`${watcher}/devnet`)).json();
    await waitFor('the watcher to see three reachable, connected nodes', async () => {
      const v = await getView();
      return v.nodes.length === 3 && v.nodes.every((n: any) => !n.unreachable) && v.groups === null;
    }, 60_000, 250);

    // Mine on node-0 with its token (from its volume), then every node has the block, as the watcher shows.
    const dc = (...args: string[]): string => must(run(cmd![0]!, [...cmd!.slice(1), '-p', PROJECT, '-f', composeFile!, ...args], { timeoutMs: 120_000 }), `compose ${args[0]}`);
    const token = dc('exec', '-T', 'node-0', 'cat', '/data/api.cookie').trim();
    const res = await fetch(`http://127.0.0.1:${ports['node-0']!.api}/api/v1/mining/generate`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ blocks: 3 }) });
    expect(res.status).to.equal(200);
    const { hashes } = (await res.json()) as { hashes: string[] };
    const view = await waitFor('all three nodes on the new tip in the watcher', async () => {
      const v = await getView();
      return v.nodes.every((n: any) => n.status?.tip === hashes[2] && n.status?.height === 3) ? v : undefined;
    }, 60_000, 250);
    expect(view.bestTip).to.equal(hashes[2]);
    const node2 = dc('ps', '-q', 'node-2').trim();
    const health = must(run('docker', ['inspect', '--format', '{{.State.Health.Status}}', node2]), 'inspect health');
    expect(health.trim()).to.equal('healthy');

    phase('three nodes on one tip in the watcher');
    dc('down', '-v', '--timeout', '10');
    composeFile = undefined;
    phase('compose down -v');
    expect(run('docker', ['volume', 'ls', '-q', '--filter', `name=${PROJECT}`]).stdout.trim()).to.equal('');
  });
});
