/**
 * The prompts on a terminal: the wallet asks for the password (twice on create) and the
 * recovery words without echoing them. Node has no pseudo-terminal of its own, so the
 * test drives the real binary through Python's pty module, and is skipped without python3.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runWallet } from '../helpers/wallet-process.js';

const BIN = fileURLToPath(new URL('../../wallet/toychain-wallet.js', import.meta.url));
const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

/** Runs argv on a pseudo-terminal, answering each (prompt, answer) in turn; prints the transcript, then the exit code. */
const DRIVER = `
import os, pty, sys, json, time
argv, dialog = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b''
def read_until(token):
    global out
    end = time.time() + 30
    while time.time() < end and token not in out:
        try: out += os.read(fd, 4096)
        except OSError: return
for prompt, answer in dialog:
    read_until(prompt.encode())
    os.write(fd, answer.encode() + b'\\r')
try:
    while True:
        chunk = os.read(fd, 4096)
        if not chunk: break
        out += chunk
except OSError: pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors='replace') + '\\nEXIT ' + str(os.waitstatus_to_exitcode(status)))
`;

function onTerminal(args: string[], dialog: [string, string][]): { transcript: string; code: number } {
  const run = spawnSync('python3', ['-c', DRIVER, JSON.stringify([process.execPath, BIN, ...args]), JSON.stringify(dialog)], { encoding: 'utf8', timeout: 60_000 });
  const match = /\nEXIT (-?\d+)$/.exec(run.stdout);
  return { transcript: run.stdout, code: match ? Number(match[1]) : -1 };
}

describe('toychain-wallet on a terminal', function () {
  this.timeout(90_000);
  let dir: string;
  before(function () {
    if (spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status !== 0) this.skip();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'toychain-wallet-tty-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks for the recovery words and the password twice without echoing them', async () => {
    const { transcript, code } = onTerminal(['--network', 'regtest', '--wallet-dir', dir, 'restore'], [
      ['Recovery words', MNEMONIC],
      ['Wallet password: ', 'typed secret'],
      ['Same password again: ', 'typed secret'],
    ]);
    expect(code, transcript).to.equal(0);
    expect(transcript).to.include('Restored a regtest wallet');
    expect(transcript).not.to.include('typed secret');
    expect(transcript).not.to.include('winner');
    const opened = await runWallet(['--network', 'regtest', '--wallet-dir', dir, '--json', 'address'], { env: { TOYCHAIN_WALLET_PASSWORD: 'typed secret' } });
    expect(opened.json.address).to.match(/^tcrt1p/);
  });

  it('refuses two different passwords on create and writes nothing (password-mismatch)', () => {
    const { transcript, code } = onTerminal(['--network', 'regtest', '--wallet-dir', dir, 'create'], [
      ['Wallet password: ', 'one'],
      ['Same password again: ', 'two'],
    ]);
    expect(code, transcript).to.equal(1);
    expect(transcript).to.include('the two passwords differ; nothing was written');
    expect(existsSync(join(dir, 'regtest.wallet'))).to.equal(false);
  });
});
