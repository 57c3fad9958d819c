import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { testTokenizer } from '../../decode/testing/test-tokenizer.js';
import { dtw } from './dtw.js';
import { medianFilterRowsInto } from './median-filter.js';
import {
  mergePunctuations,
  APPEND_PUNCTUATIONS,
  PREPEND_PUNCTUATIONS,
  type WordTiming,
} from './merge-punctuations.js';
import { splitWordTokens } from './split-word-tokens.js';

const tok = testTokenizer();

// openai's DTW breaks exact ties (c0 == c1 < c2) towards c2, which is not always optimal; costs
// offset by square roots of distinct primes (linearly independent over the rationals, unlike
// sqrt(i + 2), which is an integer at i = 2, 7, …) keep ties away so optimality can be checked.
const PRIMES = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103,
  107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223,
  227, 229, 233, 239, 241, 251,
];
test('dtw() returns a monotonic path of minimal total cost (vs. brute-force DP)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 9 }),
      fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 54, maxLength: 54 }),
      (rows, cols, values) => {
        const cost = Float32Array.from(values.slice(0, rows * cols), (v, i) => v + Math.sqrt(PRIMES[i]));
        const { rowIndices, colIndices } = dtw(cost, rows, cols);
        assert.equal(rowIndices[0], 0);
        assert.equal(colIndices[0], 0);
        assert.equal(rowIndices.at(-1), rows - 1);
        assert.equal(colIndices.at(-1), cols - 1);
        let pathCost = 0;
        for (let k = 0; k < rowIndices.length; k++) {
          pathCost += cost[rowIndices[k] * cols + colIndices[k]];
          if (k > 0) {
            const di = rowIndices[k] - rowIndices[k - 1];
            const dj = colIndices[k] - colIndices[k - 1];
            assert.ok((di === 1 && dj === 1) || (di === 1 && dj === 0) || (di === 0 && dj === 1));
          }
        }
        const best: number[][] = [];
        for (let i = 0; i < rows; i++) {
          best.push([]);
          for (let j = 0; j < cols; j++) {
            const prev = Math.min(
              i > 0 && j > 0 ? best[i - 1][j - 1] : i === 0 && j === 0 ? 0 : Infinity,
              i > 0 ? best[i - 1][j] : Infinity,
              j > 0 ? best[i][j - 1] : Infinity,
            );
            best[i].push(prev + cost[i * cols + j]);
          }
        }
        assert.ok(
          Math.abs(pathCost - best[rows - 1][cols - 1]) < 1e-3,
          `${pathCost} vs ${best[rows - 1][cols - 1]}`,
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('medianFilterRowsInto() equals a sort-based median with reflect padding', () => {
  fc.assert(
    fc.property(
      fc.array(fc.float({ noNaN: true, min: -10, max: 10 }), { minLength: 1, maxLength: 30 }),
      (row) => {
        const x = Float32Array.from(row);
        const out = medianFilterRowsInto(new Float32Array(x.length), x, 1, x.length, 7);
        if (x.length <= 3) return assert.deepEqual(out, x);
        const reflect = (i: number) => (i < 0 ? -i : i >= x.length ? 2 * (x.length - 1) - i : i);
        for (let c = 0; c < x.length; c++) {
          const win = [-3, -2, -1, 0, 1, 2, 3].map((d) => x[reflect(c + d)]).sort((a, b) => a - b);
          assert.equal(out[c], win[3]);
        }
      },
    ),
    { numRuns: 200 },
  );
});

const timing = (word: string): WordTiming => ({
  word,
  tokens: [word.length],
  start: 0,
  end: 1,
  probability: 1,
});

test('mergePunctuations() attaches opening marks forward and closing marks backward', () => {
  const a = [' "', 'Hello', ',', ' world', '!"'].map(timing);
  mergePunctuations(a, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS);
  assert.deepEqual(
    a.map((t) => t.word),
    ['', ' "Hello,', '', ' world', '!"'],
  );
  const b = [' (', ' yes', ')', ' ok', '.'].map(timing);
  mergePunctuations(b, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS);
  assert.deepEqual(
    b.map((t) => t.word),
    ['', ' ( yes)', '', ' ok.', ''],
  );
  assert.deepEqual(b[1].tokens, [2, 4, 1]);
});

test('splitWordTokens() splits on spaces and punctuation, per character for Chinese', () => {
  const ids = tok.encode(' Hello, wonderful world!');
  const en = splitWordTokens(tok, [...ids, tok.special.eot], 'en');
  assert.deepEqual(en.words, [' Hello', ',', ' wonderful', ' world', '!', '<|endoftext|>']);
  assert.deepEqual(en.tokens.flat(), [...ids, tok.special.eot]);
  const zhIds = tok.encode('你好世界');
  const zh = splitWordTokens(tok, zhIds, 'zh');
  assert.deepEqual(zh.words.join(''), '你好世界');
  assert.ok(zh.words.every((x) => x.length >= 1 && !x.includes('\uFFFD')));
  // A character split over several byte tokens stays one word.
  const emoji = tok.encode(' 🎉');
  assert.ok(emoji.length > 1);
  assert.deepEqual(splitWordTokens(tok, emoji, 'ja').words, [' 🎉']);
});
