import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { argsortByMagnitudeInto, argsortScratchLength } from './sort-by-magnitude.js';

test('argsortByMagnitudeInto() orders indices by ascending |x|, ties by index, like a comparator sort', () => {
  const value = fc.oneof(
    fc.float({ noNaN: true }),
    fc.constantFrom(0, -0, 1, -1, 2 ** -140, 3.5e38), // ties, subnormals, the largest floats
  );
  fc.assert(
    fc.property(fc.array(value, { minLength: 0, maxLength: 300 }), (values) => {
      const row = Float32Array.from(values);
      const got = argsortByMagnitudeInto(
        new Uint32Array(row.length),
        row,
        new Uint32Array(argsortScratchLength(row.length)),
      );
      const want = Array.from(row, (_, i) => i).sort((a, b) => Math.abs(row[a]) - Math.abs(row[b]) || a - b);
      assert.deepEqual([...got], want);
    }),
    { numRuns: 500 },
  );
});
