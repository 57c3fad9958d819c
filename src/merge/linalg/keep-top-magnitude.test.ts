import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { keepTopMagnitudeInPlace } from './keep-top-magnitude.js';

test('keepTopMagnitudeInPlace() keeps exactly `count` entries, all at least as large as any zeroed one', () => {
  fc.assert(
    fc.property(
      fc.float32Array({ minLength: 1, maxLength: 300, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 320 }),
      (values, count) => {
        const x = Float32Array.from(values);
        keepTopMagnitudeInPlace(x, count);
        for (let i = 0; i < x.length; i++) assert.ok(x[i] === 0 || Object.is(x[i], values[i]));
        // Kept entries are untouched originals; exactly min(count, n) survive (zeros may count as kept).
        let survivors = 0;
        for (let i = 0; i < x.length; i++) if (x[i] !== 0) survivors++;
        const nonzero = values.filter((v) => v !== 0).length;
        assert.ok(survivors <= Math.min(count, values.length));
        assert.ok(survivors >= Math.min(count, nonzero));
        const minKept = Math.min(...values.filter((_, i) => x[i] !== 0).map(Math.abs), Infinity);
        const maxDropped = Math.max(...values.filter((v, i) => x[i] === 0 && v !== 0).map(Math.abs), 0);
        assert.ok(minKept >= maxDropped);
      },
    ),
    { numRuns: 200 },
  );
});

test('keepTopMagnitudeInPlace() breaks ties at the threshold by index', () => {
  assert.deepEqual(Array.from(keepTopMagnitudeInPlace(Float32Array.of(1, -1, 1, 1), 2)), [1, -1, 0, 0]);
  assert.deepEqual(Array.from(keepTopMagnitudeInPlace(Float32Array.of(3, -1, 2, -5), 2)), [3, 0, 0, -5]);
  assert.deepEqual(Array.from(keepTopMagnitudeInPlace(Float32Array.of(3, 1), 0)), [0, 0]);
});
