import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeEnglishNumbers } from './english-number-normalizer.js';
import { loadNormalizerGoldens } from '../fixtures/goldens.js';

// openai/whisper tests/test_normalizer.py `test_number_normalizer`: upstream's documented behaviour.
const UPSTREAM_CASES: readonly (readonly [string, string])[] = [
  ['two', '2'],
  ['thirty one', '31'],
  ['five twenty four', '524'],
  ['nineteen ninety nine', '1999'],
  ['twenty nineteen', '2019'],
  ['two point five million', '2500000'],
  ['four point two billions', '4200000000s'],
  ['200 thousand', '200000'],
  ['200 thousand dollars', '$200000'],
  ['$20 million', '$20000000'],
  ['€52.4 million', '€52400000'],
  ['£77 thousands', '£77000s'],
  ['two double o eight', '2008'],
  ['three thousand twenty nine', '3029'],
  ['forty three thousand two hundred sixty', '43260'],
  ['forty three thousand two hundred and sixty', '43260'],
  ['nineteen fifties', '1950s'],
  ['thirty first', '31st'],
  ['thirty three thousand and three hundred and thirty third', '33333rd'],
  ['three billion', '3000000000'],
  ['millions', '1000000s'],
  ['july third twenty twenty', 'july 3rd 2020'],
  ['august twenty sixth twenty twenty one', 'august 26th 2021'],
  ['3 14', '3 14'],
  ['3.14', '3.14'],
  ['3 point 2', '3.2'],
  ['3 point 14', '3.14'],
  ['fourteen point 4', '14.4'],
  ['two point two five dollars', '$2.25'],
  ['two hundred million dollars', '$200000000'],
  ['$20.1 million', '$20100000'],
  ['ninety percent', '90%'],
  ['seventy six per cent', '76%'],
  ['double oh seven', '007'],
  ['double zero seven', '007'],
  ['nine one one', '911'],
  ['nine double one', '911'],
  ['one triple oh one', '10001'],
  ['two thousandth', '2000th'],
  ['thirty two thousandth', '32000th'],
  ['minus 500', '-500'],
  ['positive twenty thousand', '+20000'],
  ['two dollars and seventy cents', '$2.70'],
  ['3 cents', '¢3'],
  ['$0.36', '¢36'],
  ['three euros and sixty five cents', '€3.65'],
  ['three and a half million', '3500000'],
  ['forty eight and a half dollars', '$48.5'],
  ['b747', 'b 747'],
  ['10 th', '10th'],
  ['10th', '10th'],
];

test('normalizeEnglishNumbers() reproduces every case of openai/whisper test_number_normalizer', () => {
  for (const [input, expected] of UPSTREAM_CASES)
    assert.equal(normalizeEnglishNumbers(input), expected, input);
});

test('normalizeEnglishNumbers() matches the Python normaliser on 445 goldens (hand-written and random number phrases)', () => {
  const { numbers } = loadNormalizerGoldens();
  assert.ok(numbers.length > 400);
  for (const [input, expected] of numbers) assert.equal(normalizeEnglishNumbers(input), expected, input);
});

test('normalizeEnglishNumbers() keeps integers exact beyond 2^53 (BigInt, as Python ints)', () => {
  assert.equal(normalizeEnglishNumbers('nine hundred ninety nine decillion'), `999${'0'.repeat(33)}`);
  assert.equal(normalizeEnglishNumbers('half a million'), '500000');
});

test('normalizeEnglishNumbers() reads non-ASCII decimal digits as Python int() does', () => {
  // U+0663 ARABIC-INDIC DIGIT THREE, U+0664 FOUR: Python's \d and int() accept them.
  assert.equal(normalizeEnglishNumbers('\u0663\u0664 thousand'), '34000');
});

test('normalizeEnglishNumbers() leaves text without number words unchanged up to whitespace', () => {
  const word = fc.stringMatching(/^[b-df-hj-np-tv-z]{2,6}$/); // no vowels: no number word can form
  fc.assert(
    fc.property(fc.array(word, { maxLength: 8 }), (words) => {
      assert.equal(normalizeEnglishNumbers(words.join('  ')), words.join(' '));
    }),
    { numRuns: 200 },
  );
});

test('normalizeEnglishNumbers() turns any spelled number below 10^6 into its digits', () => {
  const ones = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const teens = [
    'ten',
    'eleven',
    'twelve',
    'thirteen',
    'fourteen',
    'fifteen',
    'sixteen',
    'seventeen',
    'eighteen',
    'nineteen',
  ];
  const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
  const below100 = (n: number): string[] =>
    n < 10
      ? n === 0
        ? []
        : [ones[n]]
      : n < 20
        ? [teens[n - 10]]
        : [tens[Math.floor(n / 10)], ...below100(n % 10)];
  const below1000 = (n: number): string[] =>
    n >= 100 ? [ones[Math.floor(n / 100)], 'hundred', ...below100(n % 100)] : below100(n);
  const spell = (n: number): string =>
    (n >= 1000
      ? [...below1000(Math.floor(n / 1000)), 'thousand', ...below1000(n % 1000)]
      : below1000(n)
    ).join(' ');
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 999_999 }), (n) => {
      assert.equal(normalizeEnglishNumbers(spell(n)), String(n), spell(n));
    }),
    { numRuns: 300 },
  );
});
