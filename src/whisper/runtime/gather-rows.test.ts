import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { gatherRows, repeatIndices, staysWithinItems } from './gather-rows.js';

const rowsAndSource = fc
  .record({ rows: fc.integer({ min: 1, max: 8 }), rowLength: fc.integer({ min: 0, max: 6 }) })
  .chain(({ rows, rowLength }) =>
    fc.record({
      rows: fc.constant(rows),
      rowLength: fc.constant(rowLength),
      data: fc.float32Array({ minLength: rows * rowLength, maxLength: rows * rowLength, noNaN: true }),
      source: fc.array(fc.integer({ min: 0, max: rows - 1 }), { maxLength: 10 }),
    }),
  );

test('gatherRows() row r of the result equals source row source[r]', () => {
  fc.assert(
    fc.property(rowsAndSource, ({ rowLength, data, source }) => {
      const out = gatherRows(data, rowLength, Int32Array.from(source));
      assert.equal(out.length, source.length * rowLength);
      for (let r = 0; r < source.length; r++) {
        for (let j = 0; j < rowLength; j++)
          assert.equal(out[r * rowLength + j], data[source[r] * rowLength + j]);
      }
    }),
    { numRuns: 200 },
  );
});

test('gatherRows() with the identity permutation reproduces the input', () => {
  fc.assert(
    fc.property(rowsAndSource, ({ rows, rowLength, data }) => {
      const identity = Int32Array.from({ length: rows }, (_, i) => i);
      assert.deepEqual(gatherRows(data, rowLength, identity), data);
    }),
    { numRuns: 100 },
  );
});

test('repeatIndices() repeats each item rowsPerItem times and stays within items', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), (items, perItem) => {
      const idx = repeatIndices(items, perItem);
      assert.equal(idx.length, items * perItem);
      for (let r = 0; r < idx.length; r++) assert.equal(idx[r], Math.floor(r / perItem));
      // Any within-item permutation (here: reversed beams) keeps rows inside their item.
      const within = Int32Array.from(
        idx,
        (_, r) => Math.floor(r / perItem) * perItem + (perItem - 1 - (r % perItem)),
      );
      assert.equal(staysWithinItems(within, perItem), true);
    }),
    { numRuns: 100 },
  );
  assert.equal(staysWithinItems(Int32Array.of(2, 2, 0, 0), 2), false);
});
