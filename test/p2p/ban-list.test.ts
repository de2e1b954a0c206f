import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAN_FILE, BanList } from '../../src/p2p/ban-list.js';
import { banKey, parsePeerAddress } from '../../src/p2p/address.js';
import { captureLogs } from './fixture.js';

describe('ban list', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'toychain-bans-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('persists bans to banlist.json atomically and loads them again', async () => {
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    await list.ban('10.0.0.1', 60_000, 'invalid-block: high-hash');
    expect((await readdir(dir)).sort()).to.deep.equal([BAN_FILE]);
    const reopened = await BanList.open(dir, logs.logger);
    expect(reopened.isBanned('10.0.0.1')).to.equal(true);
    expect(reopened.list()[0]!.reason).to.equal('invalid-block: high-hash');
    expect(JSON.parse(await readFile(join(dir, BAN_FILE), 'utf8')).version).to.equal(1);
  });

  it('forgets a ban when it expires, and does not load expired ones', async () => {
    let now = 1_000_000;
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger, () => now);
    await list.ban('10.0.0.2', 1_000, 'flood');
    expect(list.count()).to.equal(1);
    now += 1_001;
    expect(list.isBanned('10.0.0.2')).to.equal(false);
    expect(list.count()).to.equal(0);
    expect((await BanList.open(dir, logs.logger, () => now)).count()).to.equal(0);
  });

  it('starts empty with a warning when the file is not valid JSON', async () => {
    await writeFile(join(dir, BAN_FILE), '{ not json');
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    expect(list.count()).to.equal(0);
    expect(logs.has(/ban list is not valid JSON/)).to.equal(true);
  });
});

describe('peer addresses', () => {
  it('parses ws://HOST:PORT, IPv6 included', () => {
    expect(parsePeerAddress('ws://127.0.0.1:28444')).to.deep.equal({ url: 'ws://127.0.0.1:28444', host: '127.0.0.1', port: 28444 });
    expect(parsePeerAddress('ws://[::1]:1')).to.deep.equal({ url: 'ws://[::1]:1', host: '::1', port: 1 });
  });

  it('bans a remote host by address, a loopback peer by host and port', () => {
    expect(banKey('10.1.2.3', 5000)).to.equal('10.1.2.3');
    expect(banKey('::ffff:10.1.2.3', 5000)).to.equal('10.1.2.3');
    expect(banKey('127.0.0.1', 5000)).to.equal('127.0.0.1:5000');
    expect(banKey('::1', 5000)).to.equal('[::1]:5000');
  });
});
