import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createBasicTextNormalizer } from './basic-text-normalizer.js';
import { loadNormalizerGoldens } from '../fixtures/goldens.js';

test('createBasicTextNormalizer() matches the Python normaliser for each option set (incl. 300 random Unicode strings)', () => {
  const goldens = loadNormalizerGoldens();
  const cases = [
    [goldens.basic, createBasicTextNormalizer()],
    [goldens.basicRemoveDiacritics, createBasicTextNormalizer({ removeDiacritics: true })],
    [goldens.basicSplitLetters, createBasicTextNormalizer({ splitLetters: true })],
  ] as const;
  for (const [pairs, normalize] of cases) {
    assert.ok(pairs.length > 350); // hand-written, multilingual and 300 random Unicode strings
    for (const [input, expected] of pairs) assert.equal(normalize(input), expected, input);
  }
});

test('createBasicTextNormalizer() keeps diacritics by default and drops them on request', () => {
  assert.equal(createBasicTextNormalizer()('Größe, Ça!'), 'größe ça ');
  assert.equal(createBasicTextNormalizer({ removeDiacritics: true })('Größe, Ça!'), 'grosse ca ');
});

test('createBasicTextNormalizer() with preserveMarks keeps Devanagari vowel signs inside words', () => {
  assert.equal(createBasicTextNormalizer()('नमस्ते'), 'नमस त ');
  assert.equal(createBasicTextNormalizer({ preserveMarks: true })('नमस्ते!'), 'नमस्ते ');
});

test('createBasicTextNormalizer() rejects preserveMarks with removeDiacritics', () => {
  assert.throws(() => createBasicTextNormalizer({ removeDiacritics: true, preserveMarks: true }), {
    code: 'REQUEST_INVALID',
  });
});

test('createBasicTextNormalizer() output has no upper case, no M/S/P characters and no whitespace runs', () => {
  const normalize = createBasicTextNormalizer();
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const out = normalize(s);
      assert.ok(!/[\p{M}\p{S}\p{P}]/u.test(out), out);
      assert.ok(!/\s\s/u.test(out), out);
      assert.equal(out, out.toLowerCase());
    }),
    { numRuns: 300 },
  );
});
