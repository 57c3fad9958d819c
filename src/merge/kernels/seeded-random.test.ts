import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SeededRandom, taskRandomStream, taskStreamStatesAt } from './seeded-random.js';

test('a stream resumed from state() continues exactly where it was; skip(n) equals n draws', () => {
  fc.assert(
    fc.property(fc.nat(), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 50 }), (seed, n, m) => {
      const a = new SeededRandom(seed);
      for (let i = 0; i < n; i++) a.nextUint32();
      const b = SeededRandom.fromState(a.state());
      const c = new SeededRandom(seed).skip(n);
      for (let i = 0; i < m; i++) {
        const x = a.nextFloat();
        assert.equal(b.nextFloat(), x);
        assert.equal(c.nextFloat(), x);
      }
    }),
    { numRuns: 200 },
  );
});

test('taskStreamStatesAt() gives each task stream at each block start', () => {
  const starts = [0, 7, 7, 40];
  const states = taskStreamStatesAt(123, 3, 2, starts);
  for (let t = 0; t < 3; t++) {
    for (let b = 0; b < starts.length; b++) {
      const expected = taskRandomStream(123, t).skip(2 * starts[b]);
      const resumed = taskRandomStream(123, t, states[b][t]);
      for (let i = 0; i < 5; i++)
        assert.equal(resumed.nextUint32(), expected.nextUint32(), `task ${t} block ${b}`);
    }
  }
});
