import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { middleKeepInto } from './middle-keep.js';

/** Independent reference: sort each row's indices by (|x|, index), keep descending ranks [γn, γn + βn). */
function referenceMiddleKeep(
  delta: Float32Array,
  rowLength: number,
  density: number,
  gamma: number,
): Float32Array {
  const out = new Float32Array(delta.length);
  const removeCount = Math.floor(rowLength * gamma);
  const keepCount = Math.floor(rowLength * density);
  for (let start = 0; start < delta.length; start += rowLength) {
    const order = Array.from({ length: rowLength }, (_, i) => i).sort(
      (a, b) => Math.abs(delta[start + b]) - Math.abs(delta[start + a]) || b - a,
    );
    for (let d = removeCount; d < Math.min(rowLength, removeCount + keepCount); d++)
      out[start + order[d]] = delta[start + order[d]];
  }
  return out;
}

test('middleKeepInto() keeps exactly the reference entries per row (ties by index, zeros, signs)', () => {
  const value = fc.oneof(
    fc.float({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 0.5, -0.5, 1e-30), // many ties
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 4 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(value, { minLength: 160, maxLength: 160 }),
      (rowLength, rows, density, gammaShare, pool) => {
        const gamma = (1 - density) * gammaShare;
        const delta = Float32Array.from({ length: rowLength * rows }, (_, i) => pool[i % pool.length]);
        const got = middleKeepInto(new Float32Array(delta.length).fill(9), delta, rowLength, density, gamma);
        const want = referenceMiddleKeep(delta, rowLength, density, gamma);
        // bit for bit (a kept −0 stays −0)
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
      },
    ),
    { numRuns: 400 },
  );
});
