import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/toychain.js', import.meta.url));

/** lab runs `toychain lab ARGS…` as its own process and waits for it (bounded by the timeout). */
function lab(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'lab', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: stdout, err: stderr });
    });
  });
}

describe('toychain lab (CLI)', function () {
  this.timeout(180_000);

  it('prints the double-spend rows as the JSON contract, the same bytes for the same seed and others for another', async () => {
    const first = await lab('double-spend', '--q', '0.3', '--z', '0-4:2', '--trials', '40', '--seed', '3', '--json');
    expect(first.code, first.err).to.equal(0);
    const rows = JSON.parse(first.out) as Record<string, unknown>[];
    expect(rows.map((r) => r.z)).to.deep.equal([0, 2, 4]);
    for (const row of rows) expect(Object.keys(row)).to.deep.equal(['q', 'z', 'trials', 'successes', 'probability', 'ci95', 'nakamoto', 'exact']);
    expect((await lab('double-spend', '--q', '0.3', '--z', '0-4:2', '--trials', '40', '--seed', '3', '--json')).out).to.equal(first.out);
    expect((await lab('double-spend', '--q', '0.3', '--z', '0-4:2', '--trials', '40', '--seed', '4', '--json')).out).to.not.equal(first.out);
  });

  it('prints a table for people with the paper value and the exact value per row', async () => {
    const r = await lab('double-spend', '--q', '0.1', '--z', '5', '--trials', '20');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/^\s+5\s+20\s+\d+\s+[\d.]+\s+\[[\d.]+, [\d.]+\].?\s+0\.0009137\s+0\.0003286$/m);
    expect(r.out).to.include('gives up when its chance to still win');
  });

  for (const [args, message] of [
    [['double-spend', '--q', '0.6'], "--q '0.6' is not a number between 0 and 0.5"],
    [['double-spend', '--z', '5-2'], "--z '5-2': the range ends before it starts"],
    [['double-spend', '--z', 'six'], "--z 'six' is not a number of confirmations or a range"],
    [['double-spend', '--trials', '0'], "--trials '0' is not a whole number"],
    [['double-spend', '--seed', '-1'], "--seed '-1' is not a whole number"],
    [['fork-rate', '--delay', '2'], "--delay '2' is not a duration"],
    [['selfish', '--alpha', '0.7'], "--alpha '0.7' is not a number between 0 and 0.5"],
    [['time-warp', '--share', '0.4'], "--share '0.4' is not a number between 0.5 and 1"],
    [[], 'toychain lab needs an experiment'],
  ] as const) {
    it(`refuses ${args.join(' ') || 'no experiment'} with a named usage error and exit code 2`, async () => {
      const r = await lab(...args);
      expect(r.code).to.equal(2);
      expect(r.err).to.include(message);
      expect(r.err).to.include('hint:');
      expect(r.err).to.not.match(/\n\s+at /); // no stack trace
    });
  }

  it('prints the other experiments as JSON of their contract shapes', async () => {
    const selfish = JSON.parse((await lab('selfish', '--alpha', '0.3', '--gamma', '0.5', '--blocks', '400', '--json')).out);
    expect(Object.keys(selfish)).to.deep.equal(['alpha', 'gamma', 'blocks', 'relativeRevenue', 'ci95', 'eyalSirer', 'threshold']);
    expect(selfish.threshold).to.be.closeTo(0.25, 1e-12);
    const fork = JSON.parse((await lab('fork-rate', '--delay', '2s', '--interval', '10s', '--nodes', '3', '--blocks', '200', '--json')).out);
    expect(Object.keys(fork)).to.deep.equal(['delayMs', 'intervalMs', 'nodes', 'blocks', 'staleRate', 'ci95', 'model', 'modelPerMiner']);
    expect(fork.model).to.be.closeTo(1 - Math.exp(-0.2), 1e-12);
    const finality = JSON.parse((await lab('finality', '--q', '0.1', '--max-depth', '3', '--json')).out);
    expect(finality.depths.map((d: { depth: number }) => d.depth)).to.deep.equal([0, 1, 2, 3]);
    const partition = JSON.parse((await lab('partition', '--minority', '0.3', '--duration', '5m', '--json')).out);
    expect(partition.quorum.minority.committed).to.equal(0);
    expect(partition.nakamoto.minority.reversed).to.equal(partition.nakamoto.minority.made);
  });
});
