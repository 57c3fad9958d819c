import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { topK } from './beam-search-decoder.js';
import { compressionRatio } from './compression-ratio.js';
import { initialTokens } from './initial-tokens.js';
import { logSoftmaxInto, logSumExp } from './log-softmax.js';
import { rankCandidates } from './rank-candidates.js';
import { testTokenizer } from './testing/test-tokenizer.js';

const tok = testTokenizer();
const s = tok.special;

test('compressionRatio() matches Python zlib.compress byte counts (fixture)', () => {
  const rows = JSON.parse(readFileSync(new URL('fixtures/zlib-lengths.json', import.meta.url), 'utf8')) as {
    text: string;
    bytes: number;
    compressed: number;
  }[];
  for (const r of rows) assert.equal(compressionRatio(r.text), r.bytes / r.compressed, r.text);
});

test('initialTokens() builds the SOT sequence, the prompt budget and the prefix', () => {
  const base = {
    language: 'fr',
    task: 'translate' as const,
    withoutTimestamps: false,
    maxTargetPositions: 448,
    sampleLenTokens: 224,
  };
  assert.deepEqual(initialTokens(tok, base), {
    tokens: [s.sot, tok.languageToken('fr'), s.translate],
    sotIndex: 0,
  });
  const noTs = initialTokens(tok, { ...base, withoutTimestamps: true });
  assert.equal(noTs.tokens.at(-1), s.noTimestamps);
  const prompt = Array.from({ length: 300 }, (_, i) => i);
  const p = initialTokens(tok, { ...base, prompt, prefix: [7, 8] });
  assert.equal(p.sotIndex, 224); // <|startofprev|> + the last 223 prompt tokens
  assert.equal(p.tokens[0], s.startOfPrev);
  assert.equal(p.tokens[1], 300 - 223);
  assert.deepEqual(p.tokens.slice(-2), [7, 8]);
  const prefixCut = initialTokens(tok, { ...base, sampleLenTokens: 220, prefix: [1, 2, 3, 4, 5, 6] });
  assert.deepEqual(prefixCut.tokens.slice(3), [3, 4, 5, 6]);
});

test('rankCandidates() divides by length, or by the GNMT penalty', () => {
  assert.equal(rankCandidates([-4, -5], [2, 5], undefined), 1); // −2 vs −1
  assert.equal(rankCandidates([-4, -5], [2, 5], 0), 0); // raw sums
  const p1 = ((5 + 2) / 6) ** 1;
  const p2 = ((5 + 5) / 6) ** 1;
  assert.equal(rankCandidates([-4, -5], [2, 5], 1), -4 / p1 > -5 / p2 ? 0 : 1);
});

test('topK() returns the k largest indices, best first', () => {
  const v = Float32Array.of(3, -Infinity, 9, 1, 9, 7);
  assert.deepEqual(topK(v, 3), [2, 4, 5]);
  assert.deepEqual(topK(v, 10), [2, 4, 5, 0, 3, 1]);
});

test('logSumExp() and logSoftmaxInto() handle −Infinity entries', () => {
  const x = Float32Array.of(0, -Infinity, Math.log(3));
  assert.ok(Math.abs(logSumExp(x) - Math.log(4)) < 1e-6);
  const out = logSoftmaxInto(new Float32Array(3), x);
  assert.ok(Math.abs(Math.exp(out[0]) - 0.25) < 1e-6);
  assert.equal(out[1], -Infinity);
  assert.equal(logSumExp(Float32Array.of(-Infinity)), -Infinity);
});
