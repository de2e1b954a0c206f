/**
 * What `toychain node` loads: an idle node's memory is mostly the modules it loaded
 * (`npm run bench -- memory`), so the node must not load the other commands' modules.
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

  it('loads none of the devnet modules, also once it has answered /status', async () => {
    const log = join(dir, 'modules.log');
    const node = await cluster.start('start-up', { nodeFlags: ['--import', recorder(dir, log)] });
    await node.status();
    const loaded = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
    // The hook saw the node's own modules, so an empty list cannot pass for a clean one.
    expect(loaded.some((url) => url.endsWith('/src/node/node.js'))).to.equal(true);
    expect(loaded.some((url) => url.endsWith('/src/cli/network-command.js'))).to.equal(true);
    expect(loaded.filter((url) => url.includes('/src/devnet/'))).to.deep.equal([]);
  });
});
