/** The version peers and the API report: package.json's, read once at start. */
import { readFileSync } from 'node:fs';

// From dist/src/node/ (and src/node/ under a TS runner) the package root is three levels up.
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;
