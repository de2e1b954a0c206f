/**
 * What `toychain node` loads: an idle node's memory is mostly the modules it loaded
 * (`npm run bench -- memory`), so the node must not load the other commands' modules,
 * and loads the API's routes (zod and the contract) on the first request.
 * The node runs as its own process with a module hook (node's `module.register`) that
 * writes down every module URL it resolves.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NodeCluster } from '../helpers/node-process.js';

/** recorder writes the two files of a resolve hook that appends each resolved URL to `log`. */
function recorder(dir: string, log: string): string {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}
`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return register;
}

describe('toychain node start-up', function () {
  this.timeout(60_000);
  const cluster = new NodeCluster();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'toychain-start-up-'))));
  afterEach(async () => {
    await cluster.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads none of the devnet modules, and zod with the API contract only on the first request', async () => {
    const log = join(dir, 'modules.log');
    // tsc's one file per module, so the hook sees the module graph the bundle's chunks are cut from.
    const node = await cluster.start('start-up', { unbundled: true, nodeFlags: ['--import', recorder(dir, log)] });
    const loaded = (): string[] => readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
    const up = loaded(); // node.json is written once the API listens: what start-up loaded
    // The hook saw the node's own modules, so an empty list cannot pass for a clean one.
    expect(up.some((url) => url.endsWith('/src/node/node.js'))).to.equal(true);
    expect(up.some((url) => url.endsWith('/src/cli/network-command.js'))).to.equal(true);
    expect(up.filter((url) => url.includes('/node_modules/zod/') || url.includes('/src/api/contract/operations.js'))).to.deep.equal([]);
    await node.status();
    const served = loaded();
    expect(served.some((url) => url.includes('/node_modules/zod/'))).to.equal(true);
    expect(served.some((url) => url.endsWith('/src/api/route-table.js'))).to.equal(true);
    expect(served.filter((url) => url.includes('/src/devnet/'))).to.deep.equal([]);
  });
});
