import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alignTokens, countCharEdits, countWordEdits, errorRate, sumEditCounts } from './wer.js';
import { loadEditDistanceGoldens } from './fixtures/goldens.js';

test('countWordEdits() counts a hand-aligned example: 1 substitution, 1 deletion, 1 insertion', () => {
  // ref: the cat sat on the mat / hyp: the bat sat the mat down
  // the=the, cat→bat (S), sat=sat, on (D), the=the, mat=mat, down (I)
  const c = countWordEdits('the cat sat on the mat', 'the bat sat the mat down');
  assert.deepEqual(c, { hits: 4, substitutions: 1, deletions: 1, insertions: 1, referenceCount: 6 });
  assert.equal(errorRate(c), 3 / 6);
});

test('countWordEdits() matches rapidfuzz Levenshtein distances on 200 goldens', () => {
  for (const [ref, hyp, distance] of loadEditDistanceGoldens()) {
    const c = countWordEdits(ref, hyp);
    assert.equal(c.substitutions + c.deletions + c.insertions, distance, `${ref} | ${hyp}`);
    assert.equal(c.referenceCount, ref === '' ? 0 : ref.split(' ').length);
  }
});

test('countWordEdits() of an empty hypothesis deletes every word; of an empty reference inserts every word', () => {
  assert.deepEqual(countWordEdits('a b c', ''), {
    hits: 0,
    substitutions: 0,
    deletions: 3,
    insertions: 0,
    referenceCount: 3,
  });
  const c = countWordEdits('', 'x y');
  assert.deepEqual(c, { hits: 0, substitutions: 0, deletions: 0, insertions: 2, referenceCount: 0 });
  assert.equal(errorRate(c), null);
});

test('countCharEdits() counts spaces as characters and code points, not UTF-16 units', () => {
  // "ab c" vs "abc": one deleted space.
  assert.deepEqual(countCharEdits('ab c', 'abc'), {
    hits: 3,
    substitutions: 0,
    deletions: 1,
    insertions: 0,
    referenceCount: 4,
  });
  // An astral character is one unit: 😀 → 😁 is one substitution.
  assert.deepEqual(countCharEdits('a😀', 'a😁'), {
    hits: 1,
    substitutions: 1,
    deletions: 0,
    insertions: 0,
    referenceCount: 2,
  });
  // Normaliser leftovers (edge and repeated spaces) do not count.
  assert.deepEqual(countCharEdits(' ab  c ', 'ab c'), {
    hits: 4,
    substitutions: 0,
    deletions: 0,
    insertions: 0,
    referenceCount: 4,
  });
});

test('sumEditCounts() gives the corpus rate as total edits over total reference words', () => {
  const total = sumEditCounts([countWordEdits('a b c d', 'a b c d'), countWordEdits('e f', 'e x y')]);
  assert.equal(errorRate(total), 2 / 6); // not the mean of per-pair rates (0 and 1)
});

const tokens = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 14 }).map((a) => Int32Array.from(a));

test('alignTokens() counts are consistent, symmetric in distance, and bounded', () => {
  fc.assert(
    fc.property(tokens, tokens, (ref, hyp) => {
      const c = alignTokens(ref, hyp);
      const d = c.substitutions + c.deletions + c.insertions;
      assert.equal(c.hits + c.substitutions + c.deletions, ref.length);
      assert.equal(c.hits + c.substitutions + c.insertions, hyp.length);
      const back = alignTokens(hyp, ref);
      assert.equal(back.substitutions + back.deletions + back.insertions, d);
      assert.ok(d >= Math.abs(ref.length - hyp.length) && d <= Math.max(ref.length, hyp.length));
      assert.equal(alignTokens(ref, ref).hits, ref.length);
    }),
    { numRuns: 300 },
  );
});

test('alignTokens() satisfies the triangle inequality', () => {
  const dist = (a: Int32Array, b: Int32Array) => {
    const c = alignTokens(a, b);
    return c.substitutions + c.deletions + c.insertions;
  };
  fc.assert(
    fc.property(tokens, tokens, tokens, (a, b, c) => {
      assert.ok(dist(a, c) <= dist(a, b) + dist(b, c));
    }),
    { numRuns: 200 },
  );
});
