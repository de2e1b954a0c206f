/**
 * The scenarios shipped in scenarios/ (one lesson a file), found next to the package
 * whether it runs from the repository or from dist/: the folder is read, not bundled.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, type Scenario } from './scenario-file.js';

/** scenarios/ at the package root (this file is src/scenario/ or dist/src/scenario/). */
export const SCENARIOS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../../scenarios/' : '../../scenarios/', import.meta.url));

export interface ShippedScenario {
  /** the file's name without .yaml: fork-and-heal, double-spend-51 … */
  name: string;
  file: string;
  scenario: Scenario;
}

/** shippedScenarios reads and checks every .yaml/.json in scenarios/, by name; a bad file throws ScenarioFileError. */
export async function shippedScenarios(dir = SCENARIOS_DIR): Promise<ShippedScenario[]> {
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  return Promise.all(files.map(async (f) => ({ name: f.replace(/\.(ya?ml|json)$/, ''), file: join(dir, f), scenario: await loadScenarioFile(join(dir, f)) })));
}
