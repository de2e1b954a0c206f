import { expect } from 'chai';
import { HEAD, problems } from '../helpers/scenario-problems.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { shippedScenarios } from '../../src/scenario/shipped.js';

describe('scenario file', () => {
  it('reads steps of every kind, with durations in milliseconds and defaults filled in', () => {
    const s = parseScenario(
      `${HEAD}shares: [0.5, 0.25, 0.25]\nsteps:\n` +
        '  - note: hello\n  - split: [[0, 1], [2]]\n  - fund: { node: 2, coins: "10" }\n  - send: { from: 2, to: 0, amount: "1.5", label: pay, via: 0 }\n' +
        '  - doubleSpend: { of: pay, via: 2, label: back }\n  - mine: { nodes: [0, 1], blocks: 2, label: honest }\n  - delay: { delayMs: 200 }\n' +
        '  - heal:\n  - wait: { sameTip: all, timeout: 2m }\n  - expect: { payment: { label: back, status: confirmed, confirmations: 2 }, within: 1500ms }\n  - expect: { offChain: { block: honest } }\n',
      'ok.yaml',
    );
    expect(s.nodes).to.equal(3);
    expect(s.steps.map((x) => x.kind)).to.deep.equal(['note', 'split', 'fund', 'send', 'doubleSpend', 'mine', 'delay', 'heal', 'wait', 'expect', 'expect']);
    expect(s.steps[6]).to.deep.equal({ kind: 'delay', value: { delayMs: 200, jitterMs: 0 } });
    expect(s.steps[8]).to.deep.equal({ kind: 'wait', value: { condition: { kind: 'sameTip', value: 'all' }, timeoutMs: 120_000 } });
    expect(s.steps[9]).to.deep.equal({ kind: 'expect', value: { condition: { kind: 'payment', value: { label: 'back', status: 'confirmed', confirmations: 2, nodes: 'all' } }, withinMs: 1500 } });
    expect(s.steps[10]).to.deep.equal({ kind: 'expect', value: { condition: { kind: 'offChain', value: { block: 'honest', nodes: 'all' } }, withinMs: 10_000 } });
  });

  it('reads the same scenario from JSON', () => {
    const s = parseScenario(JSON.stringify({ title: 'T', idea: 'I.', question: 'Q?', nodes: 2, steps: [{ split: [[0], [1]] }, { heal: {} }] }), 'ok.json');
    expect(s.steps).to.deep.equal([{ kind: 'split', value: [[0], [1]] }, { kind: 'heal', value: {} }]);
  });

  it('names an unknown step by its place and suggests the closest kind', () => {
    expect(problems(`${HEAD}steps:\n  - note: a\n  - mien: { node: 0, blocks: 1 }\n`)).to.deep.equal(["steps[1]: unknown step 'mien' (did you mean mine?)"]);
  });

  it('names a bad setting by its path inside the step', () => {
    const p = problems(`${HEAD}steps:\n  - split: [[0, 1]]\n  - send: { from: 0, to: 1, amount: 1.5 }\n  - mine: { node: 0, blocks: 0 }\n`);
    expect(p).to.have.length(3);
    expect(p[0]).to.equal('steps[0].split: a split needs at least two groups');
    expect(p[1]).to.match(/^steps\[1\]\.send\.amount: coins are a string/);
    expect(p[2]).to.match(/^steps\[2\]\.mine\.blocks: /);
  });

  it('refuses a step with two kinds, a node the scenario does not have, and a label never given', () => {
    const p = problems(`${HEAD}steps:\n  - { split: [[0], [1]], heal: {} }\n  - mine: { node: 5, blocks: 1 }\n  - expect: { payment: { label: pay, status: reversed } }\n`);
    expect(p).to.deep.equal([
      'steps[0]: a step has exactly one key, its kind; this one has split, heal',
      'steps[1].mine: node 5 does not exist: the scenario has nodes 0 to 2',
      "steps[2].expect: no earlier step labels a payment 'pay'",
    ]);
  });

  it('refuses a wait with no condition or two, and a bad timeout', () => {
    expect(problems(`${HEAD}steps:\n  - wait: { timeout: 5s }\n`)[0]).to.match(/^steps\[0\]\.wait: name exactly one condition/);
    expect(problems(`${HEAD}steps:\n  - wait: { sameTip: all, reorg: {} }\n`)[0]).to.match(/found sameTip, reorg$/);
    expect(problems(`${HEAD}steps:\n  - wait: { sameTip: all, timeout: soon }\n`)).to.deep.equal(['steps[0].wait.timeout: a duration is like 500ms, 30s or 2m']);
    expect(problems(`${HEAD}steps:\n  - expect: { sametip: all }\n`)).to.deep.equal(["steps[0].expect: unknown condition 'sametip' (did you mean sameTip?)"]);
  });

  it('refuses a missing header field, one share too few, and broken YAML', () => {
    expect(problems('title: T\nnodes: 2\nsteps: [{ heal: {} }]\n')).to.deep.equal(["idea: idea is two sentences of the idea, for the class", 'question: question is what to ask the class']);
    expect(problems(`${HEAD}shares: [0.5, 0.5]\nsteps: [{ heal: {} }]\n`)).to.deep.equal(['shares: 2 shares for 3 nodes: give one share per node']);
    expect(problems(`${HEAD}steps:\n  - split: [[0, 1], [2]\n`)[0]).to.match(/^YAML: /);
  });

  it('ships scenarios that all parse and validate, each with its text for the class', async () => {
    const shipped = await shippedScenarios();
    expect(shipped.map((s) => s.name)).to.include.members(['fork-and-heal', 'double-spend-51', 'selfish-miner', 'partition-vs-quorum']);
    for (const { name, scenario } of shipped) {
      expect(scenario.idea.split(/(?<=\.)\s+/).length, `${name}: two sentences of idea`).to.equal(2);
      expect(scenario.question, name).to.match(/\?$/);
      expect(scenario.steps.some((s) => s.kind === 'expect'), `${name} checks something`).to.equal(true);
    }
  });
});
