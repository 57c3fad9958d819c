import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlobs, DEFAULT_SVD_EXCLUDE } from './svd-exclusion.js';
import { classifyTensor } from './tensor-kind.js';
import { tensorSeed } from './tensor-seed.js';

test('classifyTensor() separates embeddings, conv kernels, matrices and vectors of Whisper', () => {
  assert.equal(classifyTensor('model.decoder.embed_tokens.weight', [51865, 768]), 'embedding');
  assert.equal(classifyTensor('proj_out.weight', [51865, 768]), 'embedding');
  assert.equal(classifyTensor('model.encoder.embed_positions.weight', [1500, 768]), 'embedding');
  assert.equal(classifyTensor('decoder.token_embedding.weight', [51865, 768]), 'embedding');
  assert.equal(classifyTensor('model.encoder.conv1.weight', [768, 80, 3]), 'conv');
  assert.equal(classifyTensor('model.encoder.layers.0.fc1.weight', [3072, 768]), 'matrix');
  assert.equal(classifyTensor('model.encoder.layers.0.fc1.bias', [3072]), 'vector');
  assert.equal(classifyTensor('model.encoder.layer_norm.weight', [768]), 'vector');
});

test('the default SVD exclusion matches the embedding tables and nothing else', () => {
  const isExcluded = compileGlobs(DEFAULT_SVD_EXCLUDE);
  assert.ok(isExcluded('model.decoder.embed_tokens.weight'));
  assert.ok(isExcluded('model.decoder.embed_positions.weight'));
  assert.ok(isExcluded('proj_out.weight'));
  assert.ok(!isExcluded('model.decoder.layers.0.self_attn.q_proj.weight'));
  const custom = compileGlobs(['model.decoder.layers.?.fc*']);
  assert.ok(custom('model.decoder.layers.3.fc1.weight'));
  assert.ok(!custom('model.decoder.layers.11.fc1.weight'));
});

test('tensorSeed() depends only on the recipe seed and the tensor name', () => {
  assert.equal(tensorSeed(0, 'a.weight'), tensorSeed(0, 'a.weight'));
  assert.notEqual(tensorSeed(0, 'a.weight'), tensorSeed(1, 'a.weight'));
  assert.notEqual(tensorSeed(0, 'a.weight'), tensorSeed(0, 'b.weight'));
  assert.ok(Number.isInteger(tensorSeed(7, 'x')) && tensorSeed(7, 'x') >= 0 && tensorSeed(7, 'x') < 2 ** 32);
});
