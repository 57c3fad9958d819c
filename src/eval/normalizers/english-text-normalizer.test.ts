import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEnglishText } from './english-text-normalizer.js';
import { loadNormalizerGoldens } from '../fixtures/goldens.js';

test('normalizeEnglishText() reproduces openai/whisper test_text_normalizer', () => {
  assert.equal(normalizeEnglishText("Let's"), 'let us');
  assert.equal(normalizeEnglishText("he's like"), 'he is like');
  assert.equal(normalizeEnglishText("she's been like"), 'she has been like');
  assert.equal(normalizeEnglishText('10km'), '10 km');
  assert.equal(normalizeEnglishText('10mm'), '10 mm');
  assert.equal(normalizeEnglishText('RC232'), 'rc 232');
  assert.equal(
    normalizeEnglishText('Mr. Park visited Assoc. Prof. Kim Jr.'),
    'mister park visited associate professor kim junior',
  );
});

test('normalizeEnglishText() applies the number normaliser (openai runs its number tests on both)', () => {
  assert.equal(normalizeEnglishText('two dollars and seventy cents'), '$2.70');
  assert.equal(normalizeEnglishText('seventy six per cent'), '76%');
  assert.equal(normalizeEnglishText('one triple oh one'), '10001');
});

test('normalizeEnglishText() matches the Python normaliser on 747 goldens (hand-written, number phrases, random English)', () => {
  const { english } = loadNormalizerGoldens();
  assert.ok(english.length > 700);
  for (const [input, expected] of english) assert.equal(normalizeEnglishText(input), expected, input);
});

test('normalizeEnglishText() uses Unicode word boundaries as Python re does', () => {
  // "é" is a word character for Python's \b, so "café's" keeps its "'s" rule local to the word,
  // and "mr" inside "émr" is not a title.
  assert.equal(normalizeEnglishText("café's"), 'cafe is');
  assert.equal(normalizeEnglishText('émr'), 'emr');
});

test('normalizeEnglishText() drops fillers and annotations', () => {
  assert.equal(normalizeEnglishText('Um, the [noise] cat (laughs) uh sat <unk>.'), 'the cat sat');
});

test('normalizerForLanguage() picks the English normaliser for en only', async () => {
  const { normalizerForLanguage } = await import('./normalizer-for-language.js');
  assert.equal(normalizerForLanguage('en')('Mr. Smith'), 'mister smith');
  assert.equal(normalizerForLanguage('de')('Mr. Smith'), 'mr smith');
  assert.equal(normalizerForLanguage(undefined)("Ça, c'est"), 'ça c est');
});
