/**
 * What the scenario-file tests share: a file's head, and the named problems of a file
 * that must be refused (a file that is accepted fails the test).
 */
import { expect } from 'chai';
import { parseScenario, ScenarioFileError } from '../../src/scenario/scenario-file.js';

export const HEAD = 'title: T\nidea: I.\nquestion: Q?\nnodes: 3\n';

/** problems parses a file that must be refused and returns its named problems. */
export function problems(text: string): string[] {
  try {
    parseScenario(text, 'test.yaml');
  } catch (e) {
    expect(e).to.be.instanceOf(ScenarioFileError);
    expect((e as ScenarioFileError).code).to.equal('bad-scenario');
    return (e as ScenarioFileError).problems;
  }
  throw new Error('the file was accepted');
}
