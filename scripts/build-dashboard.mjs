#!/usr/bin/env node
// Builds the devnet dashboard (dashboard/*.tsx, preact) into dist/dashboard/: one
// minified bundle plus the page and its stylesheet, served by `toychain devnet`.
// Everything is local: no CDN, no external fonts. `npm run build` runs this after tsc.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'dashboard');
await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'dashboard', 'main.tsx')],
  outfile: join(out, 'dashboard.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) await copyFile(join(root, 'dashboard', file), join(out, file));
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + (o.bytes ?? 0), 0);
console.log(`dashboard built: dist/dashboard (${Math.round(bytes / 1024)} kB with source map)`);
