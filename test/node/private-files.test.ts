import { expect } from 'chai';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparePrivateDir, writePrivateFile } from '../../src/node/private-files.js';
import { NodeCluster } from '../helpers/node-process.js';

describe('private files: the data folder and the API cookie', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'toychain-private-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets an existing, loosened data folder back to 0700', async () => {
    const datadir = join(dir, 'data');
    await preparePrivateDir(datadir);
    chmodSync(datadir, 0o755);
    await preparePrivateDir(datadir);
    expect(statSync(datadir).mode & 0o777).to.equal(0o700);
  });

  it('writes a secret 0600 and replaces the old one whole, leaving no temp file', async () => {
    const path = join(dir, 'api.cookie');
    await writePrivateFile(path, 'old');
    await writePrivateFile(path, 'new');
    expect(readFileSync(path, 'utf8')).to.equal('new');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir)).to.deep.equal(['api.cookie']);
  });

  it('refuses to write through a symlink planted at the temp path (O_EXCL | O_NOFOLLOW) and leaves its target alone', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const path = join(dir, 'api.cookie');
    symlinkSync(victim, `${path}.tmp-trap`);
    const error = await writePrivateFile(path, 'token', 'trap').catch((e: NodeJS.ErrnoException) => e);
    expect((error as NodeJS.ErrnoException).code).to.be.oneOf(['EEXIST', 'ELOOP']);
    expect(readFileSync(victim, 'utf8')).to.equal('precious');
    expect(lstatSync(`${path}.tmp-trap`).isSymbolicLink()).to.equal(true);
  });

  it('replaces a symlink planted at the cookie path instead of writing into what it points to', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const path = join(dir, 'api.cookie');
    symlinkSync(victim, path);
    await writePrivateFile(path, 'token');
    expect(readFileSync(victim, 'utf8')).to.equal('precious');
    expect(lstatSync(path).isFile()).to.equal(true);
    expect(readFileSync(path, 'utf8')).to.equal('token');
  });

  describe('a real node', () => {
    const cluster = new NodeCluster();
    afterEach(() => cluster.cleanup());

    it('fixes its data folder to 0700 on every start and writes its cookie 0600', async () => {
      const datadir = cluster.tempDir('private');
      chmodSync(datadir, 0o755);
      const node = await cluster.start('private', { datadir });
      expect(statSync(datadir).mode & 0o777).to.equal(0o700);
      expect(statSync(join(datadir, 'api.cookie')).mode & 0o777).to.equal(0o600);
      await node.stop();
      chmodSync(datadir, 0o750);
      await cluster.start('private', { datadir });
      expect(statSync(datadir).mode & 0o777).to.equal(0o700);
    });
  });
});
