import assert from 'node:assert/strict';
import type { HfCheckpoint } from './hf-checkpoint.js';
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
