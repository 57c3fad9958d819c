import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSvdMatrix, weightTaskVectors } from './svd-eligibility.js';

test('isSvdMatrix() takes 2-D matrices and included embeddings, never vectors, conv or excluded tensors', () => {
  assert.equal(isSvdMatrix({ kind: 'matrix', shape: [4, 3], isSvdExcluded: false }), true);
  assert.equal(isSvdMatrix({ kind: 'embedding', shape: [40, 3], isSvdExcluded: false }), true);
  assert.equal(isSvdMatrix({ kind: 'embedding', shape: [40, 3], isSvdExcluded: true }), false);
  assert.equal(isSvdMatrix({ kind: 'matrix', shape: [4, 3], isSvdExcluded: true }), false);
  assert.equal(isSvdMatrix({ kind: 'vector', shape: [4], isSvdExcluded: false }), false);
  assert.equal(isSvdMatrix({ kind: 'conv', shape: [4, 3, 3], isSvdExcluded: false }), false);
  assert.equal(isSvdMatrix({ kind: 'matrix', shape: [1, 3], isSvdExcluded: false }), false);
});

test('weightTaskVectors() scales by the expert weight and shares unit-weight inputs', () => {
  const a = Float32Array.of(1, 2);
  const b = Float32Array.of(3, 4);
  const [wa, wb] = weightTaskVectors([a, b], [1, 0.5]);
  assert.equal(wa, a);
  assert.deepEqual(Array.from(wb), [1.5, 2]);
});
