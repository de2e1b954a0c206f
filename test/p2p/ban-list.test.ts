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

  it('appends each ban to banlist.jsonl as one line and loads them again', async () => {
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    await list.ban('10.0.0.1', 60_000, 'invalid-block: high-hash');
    await list.ban('10.0.0.2', 60_000, 'flood');
    expect((await readdir(dir)).sort()).to.deep.equal([BAN_FILE]);
    const lines = (await readFile(join(dir, BAN_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).address)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    const reopened = await BanList.open(dir, logs.logger);
    expect(reopened.isBanned('10.0.0.1')).to.equal(true);
    expect(reopened.list().map((b) => b.reason)).to.deep.equal(['invalid-block: high-hash', 'flood']);
  });

  it('keeps at most maxBans, forgetting the ban that ends soonest', async () => {
    const now = 1_000_000;
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger, () => now, 3);
    for (let i = 0; i < 5; i++) await list.ban(`10.0.1.${i}`, 60_000 + i, 'flood');
    expect(list.list().map((b) => b.address)).to.deep.equal(['10.0.1.2', '10.0.1.3', '10.0.1.4']);
    const reopened = await BanList.open(dir, logs.logger, () => now, 3);
    expect(reopened.list().map((b) => b.address).sort()).to.deep.equal(['10.0.1.2', '10.0.1.3', '10.0.1.4']);
  });

  it('compacts the journal when it holds far more lines than live bans', async () => {
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    for (let i = 0; i < 300; i++) {
      await list.ban('10.0.2.1', 60_000, 'flood');
      await list.unban('10.0.2.1');
    }
    await list.ban('10.0.2.9', 60_000, 'flood');
    await list.flush();
    const lines = (await readFile(join(dir, BAN_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).to.be.at.most(2 * 1 + 100 + 1);
    const reopened = await BanList.open(dir, logs.logger);
    expect(reopened.list().map((b) => b.address)).to.deep.equal(['10.0.2.9']);
  });

  it('reads the bans of an earlier banlist.json once and replaces it', async () => {
    const until = Date.now() + 60_000;
    await writeFile(join(dir, 'banlist.json'), JSON.stringify({ version: 1, bans: [{ address: '10.0.3.1', until, reason: 'flood' }] }));
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    expect(list.isBanned('10.0.3.1')).to.equal(true);
    expect((await readdir(dir)).sort()).to.deep.equal([BAN_FILE]);
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

  it('skips lines that are not bans with a warning and keeps the rest', async () => {
    const until = Date.now() + 60_000;
    await writeFile(join(dir, BAN_FILE), `{ not json\n${JSON.stringify({ address: '10.0.4.1', until, reason: 'flood' })}\n[1,2]\n`);
    const logs = captureLogs();
    const list = await BanList.open(dir, logs.logger);
    expect(list.list().map((b) => b.address)).to.deep.equal(['10.0.4.1']);
    expect(logs.has(/ban list: unreadable lines skipped/)).to.equal(true);
  });
});

describe('peer addresses', () => {
  it('parses ws://HOST:PORT, IPv6 included', () => {
    expect(parsePeerAddress('ws://127.0.0.1:28444')).to.deep.equal({ url: 'ws://127.0.0.1:28444', host: '127.0.0.1', port: 28444 });
    expect(parsePeerAddress('ws://[::1]:1')).to.deep.equal({ url: 'ws://[::1]:1', host: '::1', port: 1 });
  });

  it('bans a remote host by address, a loopback peer by host and the port of its socket', () => {
    expect(banKey('10.1.2.3', 5000)).to.equal('10.1.2.3');
    expect(banKey('::ffff:10.1.2.3', 5000)).to.equal('10.1.2.3');
    expect(banKey('127.0.0.1', 5000)).to.equal('127.0.0.1:5000');
    expect(banKey('::1', 5000)).to.equal('[::1]:5000');
  });
});
