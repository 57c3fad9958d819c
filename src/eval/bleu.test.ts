import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bleuFromStatistics, corpusBleu, sentenceBleu } from './bleu.js';
import { loadBleuGoldens } from './fixtures/goldens.js';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );

// sacrebleu README (published): BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944
// hyp_len = 17 ref_len = 18), and 29.44 with the first reference of segment 1 missing.
const SYS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];

test('corpusBleu() reproduces the published sacrebleu README example (48.53)', () => {
  const s = corpusBleu(SYS, REFS);
  assert.equal(s.score.toFixed(2), '48.53');
  assert.deepEqual(
    s.precisions.map((p) => p.toFixed(1)),
    ['82.4', '50.0', '45.5', '37.5'],
  );
  assert.equal(s.bp.toFixed(3), '0.943');
  assert.equal(s.sysLen, 17);
  assert.equal(s.refLen, 18);
});

test('corpusBleu() reproduces the published variable-reference example (29.44)', () => {
  const s = corpusBleu(SYS, [[null, REFS[0][1], REFS[0][2]], REFS[1]]);
  assert.equal(s.score.toFixed(2), '29.44');
  assert.equal(s.refLen, 19);
});

test('corpusBleu() matches sacrebleu 2.6.0 on 18 corpora (statistics exactly, score to 1e-9)', () => {
  for (const g of loadBleuGoldens().corpus) {
    const s = corpusBleu(g.hypotheses, g.references);
    assert.deepEqual(s.counts, g.counts, g.name);
    assert.deepEqual(s.totals, g.totals, g.name);
    assert.equal(s.sysLen, g.sysLen, g.name);
    assert.equal(s.refLen, g.refLen, g.name);
    close(s.bp, g.bp, `${g.name} bp`);
    close(s.score, g.score, `${g.name} score`);
  }
});

test('bleuFromStatistics() hand-computed: exp smoothing halves each missing order', () => {
  // 4 unigrams, 3 matched; 3 bigrams, 1 matched; no 3/4-gram matches (2 and 1 of them).
  // exp: p3 = 100/(2·2), p4 = 100/(4·1); sys 4 = ref 4 → BP 1.
  const s = bleuFromStatistics([3, 1, 0, 0], [4, 3, 2, 1], 4, 4);
  const expected = Math.exp((Math.log(75) + Math.log(100 / 3) + Math.log(25) + Math.log(25)) / 4);
  close(s.score, expected, 'score');
  // brevity: sys 4 vs ref 6 → BP = e^(1 − 6/4)
  close(bleuFromStatistics([3, 1, 0, 0], [4, 3, 2, 1], 4, 6).bp, Math.exp(-0.5), 'bp');
  // no smoothing: a zero precision zeroes the score
  assert.ok(bleuFromStatistics([3, 1, 0, 0], [4, 3, 2, 1], 4, 4, { smoothing: 'none' }).score < 1e-300);
});

test('corpusBleu() is 100 for identical text and 0 without any match', () => {
  // sacrebleu gives 100.00000000000004 too (exp of a mean of logs)
  close(corpusBleu(['a b c d e'], [['a b c d e']]).score, 100, 'identical');
  assert.equal(corpusBleu(['x y'], [['a b c']]).score, 0);
});

test('corpusBleu() rejects misaligned reference streams', () => {
  assert.throws(() => corpusBleu(['a', 'b'], [['a']]), { code: 'REQUEST_INVALID' });
  assert.throws(() => corpusBleu(['a'], [[null]]), { code: 'REQUEST_INVALID' });
});

test('sentenceBleu() uses effective order: a 2-word exact match scores 100', () => {
  close(sentenceBleu('hello world', ['hello world']).score, 100, 'sentence');
});
