/**
 * Keeping an idle node small: two holds while the node starts, both released once it is
 * up. `npm run bench -- memory` measures the idle node's RSS.
 *
 * The young generation. V8 grows its young generation (the semi-spaces where new objects
 * are born) when a scavenge finds many survivors, and start-up is exactly that: modules,
 * the block index and the store's first reads all survive. The young generation then
 * stays at its grown size (16 MB here) in a node that allocates next to nothing while
 * idle. So the growth is switched off while the node starts and switched back on once it
 * is up: a node that then syncs or mines grows its young generation as usual, and an idle
 * node keeps the initial one.
 *
 * The compilers beyond the interpreter (Sparkplug, TurboFan). Start-up runs the module
 * loader over ~500 files and each module's top level once: hot enough that V8 compiled
 * ~50 functions with TurboFan (the loader's URL and path code, the CommonJS lexer; seen
 * with --trace-opt) and many with Sparkplug, code that is never run again. Each compile
 * leaves machine code, zone memory and the compiler's own pages of the node binary
 * resident: an idle regtest node measured 70.0 MB with them and 63.3 MB without (floor
 * 39.5 MB, same load). Once the node is up both compilers are on again, so whatever runs
 * hot after start-up (sync, relay, mining, the API) is optimised as by default; the bench
 * `npm run bench -- network memory` shows sync and propagation unchanged.
 *
 * Most of the start-up work comes from loading modules, so the holds start in the first
 * module the `toychain` command imports (src/cli/hold-young-generation.ts), and the
 * command imports every other module dynamically after it: a static import would load
 * with the command's whole static graph, before the hold (zod and the contract alone grew
 * the young generation to 4-8 MB that way). Only for `toychain node`; runNode releases
 * the holds once the node is up.
 *
 * `--max-semi-space-size` or `--no-opt` on the command line would bound these for good,
 * but for every node and for its whole life, syncing ones included, where a bigger young
 * generation and optimised code pay; the node sets neither.
 *
 * The growth factor and the compilers' switches are V8 flags read each time they apply
 * (each heap growth, each tier-up decision), so they can be changed at run time (the
 * maximum semi-space size cannot: it is fixed when the heap is made).
 */
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

/** The compilers held while starting, unless the node's own flags already set them (then they are left as given). */
const COMPILERS = ['sparkplug', 'turbofan'].filter((name) => !givenFlags().some((f) => f === `--no-${name}` || f === `--${name}` || f === '--jitless' || (name === 'turbofan' && (f === '--no-opt' || f === '--opt'))));

function givenFlags(): string[] {
  return [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].map((f) => f.replace(/_/g, '-').split('=')[0]!);
}

/** holdForStartUp keeps the young generation at its current size, and code in the interpreter, until releaseAfterStartUp. */
export function holdForStartUp(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  for (const name of COMPILERS) setFlagsFromString(`--no-${name}`);
}

/** releaseAfterStartUp lets the young generation grow and code tier up again, as V8 does by default. */
export function releaseAfterStartUp(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  for (const name of COMPILERS) setFlagsFromString(`--${name}`);
}
