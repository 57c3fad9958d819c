import assert from 'node:assert/strict';
import type { HfCheckpoint } from './hf-checkpoint.js';
import { elementsPerRow, rowCountOf } from './row-range.js';
import type { TaskVectorSource } from './task-vector-source.js';

/**
 * The behaviour every TaskVectorSource must have (CONVENTIONS.md §9 contract suite): run by the
 * tests of each implementation with a freshly opened source and the base it was opened against.
 * Closes the source.
 */
export async function runTaskVectorSourceContract(
  source: TaskVectorSource,
  base: HfCheckpoint,
): Promise<void> {
  const names = source.names();
  assert.ok(names.length > 0, 'a test source should change at least one tensor');
  assert.deepEqual([...names], [...new Set(names)].sort(), 'names() is sorted and unique');
  for (const name of names) {
    assert.ok(source.has(name), `has(${name})`);
    assert.ok(base.has(name), `base has ${name}`);
    assert.deepEqual(source.shape(name), base.info(name).shape, `shape(${name}) is the base shape`);
    const n = source.shape(name).reduce((a, b) => a * b, 1);
    const delta = await source.readDeltaF32(name);
    if (delta !== null) {
      assert.equal(delta.length, n, `delta of ${name} has the base element count`);
      const theta0 = await base.readF32(name);
      const copy = theta0.slice();
      const again = await source.readDeltaF32(name, theta0);
      assert.deepEqual(again, delta, `readDeltaF32(${name}, base) equals readDeltaF32(${name})`);
      assert.deepEqual(theta0, copy, 'the base tensor is not modified');
      assert.notEqual(again, delta, 'each call returns a fresh array the caller owns');
      // A lent array (recycled, holding garbage) gives the same delta, wherever it ends up.
      const lent = new Float32Array(n).fill(Number.NaN);
      const intoResult = await source.readDeltaF32(name, theta0, lent);
      assert.deepEqual(intoResult, delta, `readDeltaF32(${name}, base, into) equals the fresh read`);
    }
    await assertBlockReadsMatch(source, base, name, delta);
  }
  const outside = base.tensorNames.find((n) => !source.has(n));
  if (outside !== undefined) {
    assert.equal(await source.readDeltaF32(outside), null, 'tensors outside names() are unchanged');
    assert.throws(() => source.shape(outside), { code: 'MERGE_INPUT_INVALID' });
  }
  assert.equal(source.has('no.such.tensor'), false);
  const d1 = await source.digest();
  assert.match(d1, /^[0-9a-f]{64}$/);
  assert.equal(await source.digest(), d1, 'digest() is stable');
  await source.close();
  await source.close();
  const changed = names.find(() => true);
  if (changed !== undefined) {
    await assert.rejects(
      source.readDeltaF32(changed),
      { code: 'RESOURCE_CLOSED' },
      'reads after close() fail',
    );
  }
}

/**
 * Blocks of rows read alone (as the merge engine reads large tensors for element-wise methods)
 * equal the matching slices of the whole delta `whole` (null: all zeros), bit for bit, with and
 * without the base rows and a lent array; rows outside the tensor are refused.
 */
async function assertBlockReadsMatch(
  source: TaskVectorSource,
  base: HfCheckpoint,
  name: string,
  whole: Float32Array | null,
): Promise<void> {
  const shape = source.shape(name);
  const rowCount = rowCountOf(shape);
  const perRow = elementsPerRow(shape);
  const blockRows = Math.max(1, Math.ceil(rowCount / 3));
  for (let first = 0; first < rowCount; first += blockRows) {
    const rows = { first, count: Math.min(blockRows, rowCount - first) };
    const n = rows.count * perRow;
    const expected = whole === null ? new Float32Array(n) : whole.slice(first * perRow, first * perRow + n);
    const alone = await source.readDeltaF32(name, undefined, undefined, rows);
    assert.deepEqual(alone ?? new Float32Array(n), expected, `rows ${first}+${rows.count} of ${name}`);
    const baseRows = await base.readF32(name, undefined, rows);
    const lent = new Float32Array(n).fill(Number.NaN);
    const withBase = await source.readDeltaF32(name, baseRows, lent, rows);
    assert.deepEqual(
      withBase ?? new Float32Array(n),
      expected,
      `rows ${first}+${rows.count} of ${name}, base given`,
    );
  }
  await assert.rejects(source.readDeltaF32(name, undefined, undefined, { first: rowCount, count: 1 }), {
    code: 'INTERNAL',
  });
}
