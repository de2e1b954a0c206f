/**
 * The container deployments (docker/compose.yaml, docker/k8s/) checked offline: the
 * Kubernetes manifests are valid API objects (kubernetes-models' schemas), the names
 * they refer to exist, and every deployment and the README run the same `toychain node`
 * command line — the image's CMD in docker/Dockerfile is its one source.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');

/** The options of `toychain node` / `toychain watch`, as their --help lists them. */
function optionsOf(command: string): Set<string> {
  const r = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status, `${command} --help`).to.equal(0);
  return new Set([...r.stdout.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]!));
}

/** The image's CMD: the node command line every deployment starts from. */
function imageCommand(): string[] {
  const line = read('docker/Dockerfile').split('\n').find((l) => l.startsWith('CMD '));
  expect(line, 'a CMD line in docker/Dockerfile').to.be.a('string');
  return JSON.parse(line!.slice(4)) as string[];
}

/** What a deployment may add to the image's command line for one node. */
const PER_NODE = new Set(['--peer', '--announce-api', '--mine', '--miner-address', '--workers', '--api-token-file']);

function checkNodeCommand(where: string, args: string[], nodeOptions: Set<string>): void {
  const base = imageCommand();
  expect(args.slice(0, base.length), `${where} starts with the image's command line`).to.deep.equal(base);
  for (const arg of args.slice(base.length).filter((a) => a.startsWith('--'))) {
    expect(PER_NODE.has(arg), `${where}: ${arg} is one of the per-node flags`).to.equal(true);
  }
  for (const arg of args.slice(1).filter((a) => a.startsWith('--'))) expect(nodeOptions.has(arg), `${where}: toychain node has ${arg}`).to.equal(true);
}

const MODELS: Record<string, { new (data: any): { validate(): void } }> = { Namespace, Service, StatefulSet, Deployment };

function k8sObjects(): { file: string; object: any }[] {
  const kustomization = parse(read('docker/k8s/kustomization.yaml')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => parseAllDocuments(read(`docker/k8s/${file}`)).map((d) => ({ file, object: d.toJS() })));
}

describe('container deployments (docker/)', function () {
  this.timeout(30_000);
  const nodeOptions = optionsOf('node');

  it('starts the image as the non-root user with the data volume, toychain as entrypoint and a health check', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile).to.match(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).to.have.length(2);
    expect(dockerfile).to.match(/^USER toychain$/m);
    expect(dockerfile).to.match(/^VOLUME \/data$/m);
    expect(dockerfile).to.match(/^ENTRYPOINT \["toychain"\]$/m);
    expect(dockerfile).to.match(/^HEALTHCHECK .*healthcheck\.mjs/m);
    expect(read('.dockerignore')).to.match(/^node_modules$/m);
    checkNodeCommand('Dockerfile CMD', imageCommand(), nodeOptions);
  });

  describe('compose', () => {
    const compose = parse(read('docker/compose.yaml'), { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };
    const nodes = Object.entries(compose.services).filter(([name]) => name !== 'watcher');

    it('runs the same node command line in every node service, with peers that are services', () => {
      expect(nodes.map(([n]) => n)).to.include.members(['node-0', 'node-1', 'node-2']);
      for (const [name, service] of nodes) {
        const args = (service.command as string[]).map((a) => a.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1'));
        checkNodeCommand(`compose ${name}`, args, nodeOptions);
        for (let i = 0; i < args.length; i++) {
          if (args[i] !== '--peer') continue;
          const peer = new URL(args[i + 1]!);
          expect(compose.services[peer.hostname], `${name}: peer ${peer.hostname} is a service`).to.not.equal(undefined);
          expect(peer.port).to.equal('28444');
        }
      }
    });

    it('keeps each named node on its own volume, healthy before the nodes that need it start', () => {
      for (const n of ['node-0', 'node-1', 'node-2']) {
        expect(compose.services[n].volumes).to.deep.equal([`${n}:/data`]);
        expect(compose.volumes).to.have.property(n);
        expect(compose.services[n].healthcheck.test).to.deep.equal(['CMD', 'node', '/app/docker/healthcheck.mjs']);
      }
      expect(compose.services['node-2'].depends_on).to.deep.equal({ 'node-0': { condition: 'service_healthy' }, 'node-1': { condition: 'service_healthy' } });
      expect(Object.keys(compose.services.watcher.depends_on).sort()).to.deep.equal(['node-0', 'node-1', 'node-2']);
    });

    it('points the watcher at every named node and publishes its one port', () => {
      const watcher = compose.services.watcher;
      const args = watcher.command as string[];
      expect(args[0]).to.equal('watch');
      const watchOptions = optionsOf('watch');
      for (const a of args.filter((x) => x.startsWith('--'))) expect(watchOptions.has(a), `toychain watch has ${a}`).to.equal(true);
      const watched = args.filter((_, i) => args[i - 1] === '--node');
      expect(watched).to.deep.equal(['http://node-0:28443', 'http://node-1:28443', 'http://node-2:28443']);
      expect(watcher.ports).to.deep.equal(['${TOYCHAIN_DASHBOARD_PORT:-8080}:8080']);
    });
  });

  describe('kubernetes', () => {
    const objects = k8sObjects();
    const byKind = (kind: string) => objects.filter((o) => o.object.kind === kind).map((o) => o.object);

    it('holds only valid API objects (validated offline against the Kubernetes schemas)', () => {
      expect(objects.length).to.be.greaterThan(4);
      for (const { file, object } of objects) {
        const Model = MODELS[object.kind as string];
        expect(Model, `${file}: a known kind (${object.kind})`).to.not.equal(undefined);
        expect(() => new Model!(object).validate(), file).to.not.throw();
      }
    });

    it('refuses an invalid object (the validation can fail)', () => {
      const set = structuredClone(byKind('StatefulSet')[0]);
      set.spec.template.spec.containers[0].ports[0].containerPort = 'p2p';
      expect(() => new StatefulSet(set).validate()).to.throw(/containerPort/);
    });

    it('runs the same node command line in the StatefulSet, peers named by the headless Service', () => {
      const [set] = byKind('StatefulSet');
      const [headless] = byKind('Service').filter((s) => s.spec.clusterIP === 'None');
      expect(set.spec.serviceName).to.equal(headless.metadata.name);
      expect(headless.spec.selector).to.deep.equal(set.spec.template.metadata.labels);
      const container = set.spec.template.spec.containers[0];
      checkNodeCommand('StatefulSet', container.args, nodeOptions);
      for (let i = 0; i < container.args.length; i++) {
        if (container.args[i] !== '--peer') continue;
        const m = /^ws:\/\/node-(\d+)\.([a-z-]+):28444$/.exec(container.args[i + 1]);
        expect(m, container.args[i + 1]).to.not.equal(null);
        expect(Number(m![1])).to.be.lessThan(set.spec.replicas);
        expect(m![2]).to.equal(headless.metadata.name);
      }
      expect(container.readinessProbe.httpGet.path).to.equal('/api/v1/status');
      expect(container.livenessProbe.httpGet.path).to.equal('/api/v1/status');
      expect(set.spec.volumeClaimTemplates[0].metadata.name).to.equal(container.volumeMounts.find((v: any) => v.mountPath === '/data').name);
    });

    it('gives nodes and watcher the API token from the Secret the kustomization generates', () => {
      const kustomization = parse(read('docker/k8s/kustomization.yaml')) as { secretGenerator: { name: string; files: string[] }[] };
      const secret = kustomization.secretGenerator[0]!;
      expect(secret.files).to.deep.equal(['token=api-token']);
      expect(read('.gitignore')).to.match(/^docker\/k8s\/api-token$/m);
      for (const workload of [...byKind('StatefulSet'), ...byKind('Deployment')]) {
        const volume = workload.spec.template.spec.volumes.find((v: any) => v.secret !== undefined);
        expect(volume.secret.secretName, workload.metadata.name).to.equal(secret.name);
        const args: string[] = workload.spec.template.spec.containers[0].args;
        const file = args[args.indexOf(args[0] === 'watch' ? '--token-file' : '--api-token-file') + 1];
        expect(file).to.equal('/etc/toychain/token');
      }
      const [watcher] = byKind('Deployment');
      const services = byKind('Service').filter((s) => s.spec.clusterIP !== 'None');
      expect(services.map((s) => s.spec.selector)).to.deep.include(watcher.spec.template.metadata.labels);
    });
  });

  it("has the README run the image's node command line", () => {
    const readme = read('README.md');
    const run = readme.split('\n').find((l) => l.includes('docker run') && l.includes(' toychain node '));
    expect(run, 'a `docker run … toychain node …` line in the README').to.be.a('string');
    const args = run!.slice(run!.indexOf(' toychain node ') + ' toychain '.length).split('#')[0]!.trim().split(/\s+/);
    checkNodeCommand('README docker run', args, nodeOptions);
    expect(readme).to.include('docker compose -f docker/compose.yaml up');
    expect(readme).to.include('kubectl apply -k docker/k8s');
    expect(existsSync(`${ROOT}docker/k8s/kustomization.yaml`)).to.equal(true);
  });
});
