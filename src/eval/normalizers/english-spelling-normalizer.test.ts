import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGLISH_SPELLING_PAIR_COUNT, normalizeEnglishSpelling } from './english-spelling-normalizer.js';

test('normalizeEnglishSpelling() reproduces openai/whisper test_spelling_normalizer', () => {
  assert.equal(normalizeEnglishSpelling('mobilisation'), 'mobilization');
  assert.equal(normalizeEnglishSpelling('cancelation'), 'cancellation');
});

test('normalizeEnglishSpelling() ships all 1739 upstream pairs', () => {
  assert.equal(ENGLISH_SPELLING_PAIR_COUNT, 1739);
});

test('normalizeEnglishSpelling() maps word by word and never hits Object.prototype keys', () => {
  assert.equal(
    normalizeEnglishSpelling('the  colour  constructor toString'),
    'the color constructor toString',
  );
});
