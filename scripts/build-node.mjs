#!/usr/bin/env node
// Bundles the `toychain` command (tsc's dist/src/cli/toychain.js and what it imports)
// into dist/src/bin/: minified ES modules, split at every dynamic import, so what
// `toychain node` loads stays lazy (other commands, prom-client, the OpenAPI document,
// the API's routes with zod, the nonce pool) and each chunk loads only when the
// unbundled module would have.
//
// Why: an idle node's V8 heap is mostly module source text and per-module records
// (node 20 keeps ~25 kB per ES module loaded, measured on 200 empty ones). One bundle
// holds far less of both than ~200 separate files with their comments and whitespace,
// and drops the zod locales the node never uses: an idle regtest node is 3.3 MB smaller
// (55.4 MB against 58.7 MB; `npm run bench -- memory` measures both in the same run).
//
// The bundle sits at dist/src/bin/, the same depth as dist/src/cli/, so every path the
// code resolves from import.meta.url (dist/workers/ for the worker threads,
// dist/dashboard/, package.json, scenarios/) lands where it does unbundled.
// Kept out of the bundle (loaded from node_modules as usual):
// - classic-level (native addon), tiny-secp256k1 (reads its wasm next to itself),
//   piscina, pino, pino-pretty (start worker threads from their own files);
// - memory-level: the lab's and unit tests' store, never a node on disk's;
// - prom-client: loaded on the first GET /metrics anyway; bundled, esbuild's CommonJS
//   interop for its dynamic import gave a Registry that is not a constructor;
// - iconv-lite: loads its encoding tables on first use; bundled they would be source
//   text in every node (~2 MB of an idle node);
// - mime-db: a large JSON file, bundled it is a larger object literal in source (~1 MB);
//   these two are not toychain's own dependencies: the build checks (below) that the
//   bundle finds the very copy its dependents would;
// - workers/kernel-choice.js: finds the committed wasm kernel from its own place, one
//   folder up from dist/src/*/; it imports nothing of ours, so it loads once either way.
// Any other bundled module that resolves a path from import.meta.url (new URL(..., import.meta.url);
// createRequire(import.meta.url) walks up to node_modules and works from anywhere) outside dist/src/*/
// fails the build (below): bundled, the path would be resolved from dist/src/bin/.
// Names are kept (whitespace and syntax minified), so a stack trace names the functions;
// a source map sits beside each file, mapping back to src/*.ts through tsc's maps: run
// `node --enable-source-maps dist/src/bin/toychain.js ...` for stack traces in the sources
// (not the default: node then reads every map as it loads the code).
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'src', 'bin');
await rm(out, { recursive: true, force: true }); // chunk names carry hashes: old ones would pile up

/** zod's locales index re-exports every language; the node's messages are English. */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** Modules of workers/ the node imports and that must load from dist/workers/ (see above). */
const OWN_PLACE = ['kernel-choice.js'];
const workersFromOwnPlace = {
  name: 'workers-from-own-place',
  setup(b) {
    b.onResolve({ filter: /[\\/]workers[\\/][^\\/]+\.js$/ }, (args) => {
      const file = args.path.split(/[\\/]/).pop();
      return OWN_PLACE.includes(file) ? { path: `../../workers/${file}`, external: true } : undefined;
    });
  },
};

const result = await build({
  absWorkingDir: root, // the metafile's paths (checked below) are relative to it
  entryPoints: [join(root, 'dist', 'src', 'cli', 'toychain.js')],
  outdir: out,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  // Whitespace and syntax, not names: a stack trace still names the functions and classes
  // (an idle node 0.3 MB bigger than with names minified too; 2 MB smaller than not minified).
  minifyWhitespace: true,
  minifySyntax: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  external: ['classic-level', 'tiny-secp256k1', 'piscina', 'pino', 'pino-pretty', 'memory-level', 'prom-client', 'iconv-lite', 'mime-db'],
  plugins: [zodEnglishOnly, workersFromOwnPlace],
  // The CommonJS packages bundled in (express, commander, ...) call require() for node's
  // own modules and the external packages; an ES module has no require of its own.
  banner: { js: "import { createRequire as __toychainRequire } from 'node:module'; const require = __toychainRequire(import.meta.url);" },
});
const distSrc = join('dist', 'src');
for (const input of Object.keys(result.metafile.inputs)) {
  const fromOwnDepth = dirname(dirname(input)) === distSrc; // dist/src/<folder>/<file>: same depth as the bundle
  if (fromOwnDepth || !input.endsWith('.js') && !input.endsWith('.mjs')) continue;
  if (/new URL\([^)]*import\.meta\.url/.test(await readFile(join(root, input), 'utf8'))) {
    throw new Error(`build-node: ${input} resolves a path from import.meta.url, which bundled would start from dist/src/bin/: add it to OWN_PLACE or the external packages`);
  }
}
// An external package the bundle requires is found from dist/src/bin/, walking up to
// node_modules/, no longer from the package that asked for it. For toychain's own
// dependencies that is the same copy; iconv-lite and mime-db are its dependencies'
// dependencies, found there only while npm hoists the one copy to the top. Check it.
const own = new Set(Object.keys(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).dependencies));
const fromBundle = createRequire(join(out, 'toychain.js'));
const resolvedFrom = (require, spec) => {
  try {
    return require.resolve(spec);
  } catch {
    return undefined;
  }
};
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
  for (const { path: spec, external } of imports) {
    if (!external || spec.startsWith('node:') || builtinModules.includes(spec) || own.has(packageOf(spec))) continue;
    // An optional package that is not installed (ws's bufferutil) is missing for both alike.
    const theirs = resolvedFrom(createRequire(join(root, input)), spec);
    const ours = resolvedFrom(fromBundle, spec);
    if (theirs !== ours) throw new Error(`build-node: ${input} requires ${spec} from ${theirs}, but the bundle would load ${ours}: npm no longer hoists one copy; bundle it or make it a dependency`);
  }
}
const files = Object.entries(result.metafile.outputs).filter(([name]) => !name.endsWith('.map'));
const bytes = files.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`toychain command bundled: dist/src/bin (${files.length} files, ${Math.round(bytes / 1024)} kB without source maps)`);
