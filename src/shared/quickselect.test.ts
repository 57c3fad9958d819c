import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { selectInPlace } from './quickselect.js';

test('selectInPlace() returns the k-th smallest of a range and partitions the range around it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 1, 1, -1)), {
        minLength: 1,
        maxLength: 200,
      }),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      (values, x, y, z) => {
        const a = Float64Array.from(values, (v) => v + 0); // −0 → 0: equal values, compared with Object.is below
        const left = x % a.length;
        const right = left + (y % (a.length - left));
        const k = left + (z % (right - left + 1));
        const outside = [...a.subarray(0, left), ...a.subarray(right + 1)];
        const sorted = [...a.subarray(left, right + 1)].sort((p, q) => p - q);
        const got = selectInPlace(a, k, left, right);
        assert.equal(got, sorted[k - left]);
        assert.equal(a[k], got);
        for (let i = left; i < k; i++) assert.ok(a[i] <= got);
        for (let i = k + 1; i <= right; i++) assert.ok(a[i] >= got);
        assert.deepEqual(
          [...a.subarray(0, left), ...a.subarray(right + 1)],
          outside,
          'outside the range untouched',
        );
        assert.deepEqual(
          [...a.subarray(left, right + 1)].sort((p, q) => p - q),
          sorted,
          'a permutation',
        );
      },
    ),
    { numRuns: 500 },
  );
});
