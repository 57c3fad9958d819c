import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertFiniteTensor } from './assert-finite-tensor.js';

test('assertFiniteTensor() accepts finite weights, including ±0 and subnormals', () => {
  assert.doesNotThrow(() => assertFiniteTensor(Float32Array.of(0, -0, 1e-45, -3.4e38), 'w', 'ck'));
  assert.doesNotThrow(() => assertFiniteTensor(new Float32Array(0), 'w', 'ck'));
});

test('assertFiniteTensor() refuses NaN and ±Inf with CHECKPOINT_INVALID naming the tensor', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(
      () => assertFiniteTensor(Float32Array.of(1, 2, bad), 'model.encoder.conv1.weight', 'ck'),
      (e: Error & { code?: string }) =>
        e.code === 'CHECKPOINT_INVALID' &&
        e.message.includes('model.encoder.conv1.weight') &&
        e.message.includes('element 2'),
    );
  }
});
