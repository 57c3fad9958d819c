import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize13a } from './tokenizer-13a.js';
import { loadBleuGoldens } from './fixtures/goldens.js';

test('tokenize13a() matches sacrebleu 2.6.0 Tokenizer13a on 63 strings', () => {
  const { tokenize13a: pairs } = loadBleuGoldens();
  assert.ok(pairs.length >= 60);
  for (const [input, expected] of pairs) assert.equal(tokenize13a(input), expected, input);
});

test('tokenize13a() splits punctuation but keeps decimals, thousands and in-word apostrophes (sacrebleu output)', () => {
  assert.equal(
    tokenize13a("It wasn't 3.5 or 1,000, e.g. (ok)."),
    "It wasn't 3.5 or 1,000 , e . g . ( ok ) .",
  );
  assert.equal(tokenize13a('10-20 a-b'), '10 - 20 a-b');
  assert.equal(tokenize13a('&quot;x&quot; &amp; y'), '" x " & y');
});
