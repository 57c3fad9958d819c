import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMergeMethodContract } from './merge-method-contract.js';
import { findMergeMethod, MERGE_METHODS, mergeMethodNames } from './registry.js';

// Model Stock needs at least two experts (it averages pairwise angles).
const CONTRACT_OPTIONS: Record<string, { minExperts?: number }> = { model_stock: { minExperts: 2 } };
for (const method of MERGE_METHODS) runMergeMethodContract(method, CONTRACT_OPTIONS[method.name] ?? {});

test('MERGE_METHODS has unique names', () => {
  assert.equal(new Set(mergeMethodNames()).size, MERGE_METHODS.length);
});

test('findMergeMethod() rejects an unknown name with MERGE_RECIPE_INVALID', () => {
  assert.throws(() => findMergeMethod('nope'), { code: 'MERGE_RECIPE_INVALID' });
});
