/**
 * The start-up holds of src/node/start-up-memory.ts: while held, hot code stays in the
 * interpreter; once released, V8 optimises it again, unless the node was started without
 * that compiler. Each case runs in its own node process with --allow-natives-syntax (to
 * read a function's optimisation state) and --no-concurrent-recompilation (so an
 * optimisation V8 decides on is done before the next line, not on a background thread).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_UP_MEMORY = new URL('../../src/node/start-up-memory.js', import.meta.url).href;
/** V8's OptimizationStatus bits (src/runtime/runtime.h). */
const TURBOFANNED = 1 << 6;
const INTERPRETED = 1 << 7;

/** optimisationAfter runs a hot function while held and again after the release; gives V8's status bits of both. */
function optimisationAfter(nodeFlags: string[]): { held: number; released: number } {
  const dir = mkdtempSync(join(tmpdir(), 'toychain-start-up-memory-'));
  try {
    const script = join(dir, 'probe.mjs');
    writeFileSync(script, `const { holdForStartUp, releaseAfterStartUp } = await import(${JSON.stringify(START_UP_MEMORY)});
const hot = (x) => { let s = 0; for (let i = 0; i < 10; i++) s += x * i; return s; };
holdForStartUp();
for (let i = 0; i < 200000; i++) hot(i);
const held = %GetOptimizationStatus(hot);
releaseAfterStartUp();
for (let i = 0; i < 200000; i++) hot(i);
console.log(JSON.stringify({ held, released: %GetOptimizationStatus(hot) }));
`);
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', ...nodeFlags, script], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`probe failed (${r.status ?? r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout) as { held: number; released: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('start-up memory holds', function () {
  this.timeout(60_000);

  it('keeps hot code in the interpreter while held and optimises it with TurboFan once released', () => {
    const { held, released } = optimisationAfter([]);
    expect(held & INTERPRETED, 'interpreted while held').to.equal(INTERPRETED);
    expect(held & TURBOFANNED, 'not optimised while held').to.equal(0);
    expect(released & TURBOFANNED, 'optimised once released').to.equal(TURBOFANNED);
  });

  it('leaves TurboFan off after the release when the node was started with --no-opt', () => {
    const { released } = optimisationAfter(['--no-opt']);
    expect(released & TURBOFANNED).to.equal(0);
  });
});
