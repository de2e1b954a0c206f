import { expect } from 'chai';
import { EventLogError, parseEventLog } from '../../src/scenario/event-log.js';
import { branches, moments, replayAt } from '../../src/scenario/replay.js';
import { forkAndHealLog, GENESIS, h } from '../helpers/scenario-log.js';

describe('scenario replay', () => {
  const events = forkAndHealLog();

  it('shows each node on its own side of the split before the heal, the fork at the common block', () => {
    const during = replayAt(events, 45);
    expect(during.groups).to.deep.equal([[0, 1], [2]]);
    expect(during.tips).to.deep.equal({ 0: { hash: h('a2'), height: 2 }, 1: { hash: h('a2'), height: 2 }, 2: { hash: h('b1'), height: 1 } });
    expect(during.reorgs).to.deep.equal([]);
    expect(branches(during)).to.deep.equal([
      { tip: h('a2'), height: 2, nodes: [0, 1], fork: h('a2') },
      { tip: h('b1'), height: 1, nodes: [2], fork: GENESIS },
    ]);
  });

  it('shows every node on one tip after the heal, with the reorg that got it there', () => {
    const after = replayAt(events);
    expect(after.groups).to.equal(null);
    expect(new Set(Object.values(after.tips).map((t) => t.hash))).to.deep.equal(new Set([h('a2')]));
    expect(after.reorgs).to.deep.equal([{ t: 60, node: 2, depth: 1, oldTip: h('b1'), newTip: h('a2'), fork: GENESIS }]);
    expect(after.ended).to.deep.equal({ met: 0, missed: 0, ok: true });
    expect(branches(after).map((b) => [b.tip, b.nodes])).to.deep.equal([[h('a2'), [0, 1, 2]], [h('b1'), []]]);
  });

  it('gives the same state for the same moment, and only what happened by then', () => {
    expect(replayAt(events, 30)).to.deep.equal(replayAt(events, 30));
    expect(replayAt(events, 30).blocks.map((b) => b.hash)).to.deep.equal([h('a1')]);
    expect(replayAt(events, 5).tips[2]).to.deep.equal({ hash: GENESIS, height: 0 });
  });

  it('lists the moments the tree or the tips changed, once each', () => {
    expect(moments(events)).to.deep.equal([10, 20, 21, 22, 30, 31, 40, 41, 42, 50, 60, 61]);
  });

  it('reads its own JSON lines back, and names the line of a bad one (bad-event-log)', () => {
    const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    expect(parseEventLog(text, 'x.log')).to.deep.equal(events);
    const bad = text.replace('"depth":1', '"depth":0');
    expect(() => parseEventLog(bad, 'x.log')).to.throw(EventLogError, /^x\.log:13: not a scenario event \(depth: /);
    expect(() => parseEventLog('{"kind":"heal","t":1}\n', 'y.log')).to.throw(EventLogError, "y.log:1: a scenario log starts with its 'scenario' line");
    expect(() => parseEventLog('not json\n', 'z.log')).to.throw(EventLogError, /^z\.log:1: not JSON/);
  });
});
