import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { kthLargestAbs, kthLargestAbsBracketed, kthLargestAbsRadix } from './kth-largest-abs.js';
import { mixSeed, SeededRandom } from './seeded-random.js';
import { wasmBracketCount } from './wasm/task-arithmetic-wasm.js';

/** A deterministic stream of uniforms in [0, 1) (a 32-bit LCG). */
function uniformStream(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

test('kthLargestAbs() equals the k-th element of a descending sort of |x|', () => {
  fc.assert(
    fc.property(
      fc
        .float32Array({ minLength: 1, maxLength: 200, noNaN: true })
        .chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 1, max: a.length }))),
      ([a, k]) => {
        const sorted = Array.from(a, Math.abs).sort((x, y) => y - x);
        assert.equal(kthLargestAbs(a, k), sorted[k - 1]);
      },
    ),
    { numRuns: 300 },
  );
});

test('kthLargestAbs() on larger tensors with ties, sorted runs and heavy tails equals a sort', () => {
  const n = 70_000;
  const rand = uniformStream(7);
  const cases: [string, Float32Array][] = [
    ['uniform signed', Float32Array.from({ length: n }, () => rand() * 2 - 1)],
    ['sorted ascending', Float32Array.from({ length: n }, (_, i) => i / n)],
    ['mostly zeros', Float32Array.from({ length: n }, () => (rand() < 0.9 ? 0 : rand() - 0.5))],
    ['one repeated value', Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? rand() : 0.25))],
    ['heavy tail', Float32Array.from({ length: n }, () => (rand() - 0.5) / (rand() + 1e-6))],
  ];
  for (const [name, a] of cases) {
    const sorted = Float32Array.from(a, Math.abs).sort().reverse();
    for (const k of [1, 2, 17, Math.floor(0.01 * n), Math.floor(0.2 * n), Math.floor(0.5 * n), n - 1, n])
      assert.equal(kthLargestAbs(a, k), sorted[k - 1], `${name}, k=${k}`);
  }
});

test('the bracketed selection finds typical k-th values from its sample, and a misleading sample falls back', () => {
  const n = 300_000;
  const rand = uniformStream(11);
  // Gaussian-like task vector (sum of uniforms)
  const tv = Float32Array.from({ length: n }, () => (rand() + rand() + rand() - 1.5) * 0.01);
  const sorted = Float32Array.from(tv, Math.abs).sort().reverse();
  for (const k of [1, 3, Math.floor(0.001 * n), Math.floor(0.2 * n), Math.floor(0.9 * n), n]) {
    assert.equal(kthLargestAbsBracketed(tv, k), sorted[k - 1], `bracket, k=${k}`);
    assert.equal(kthLargestAbsRadix(tv, k), sorted[k - 1], `radix, k=${k}`);
  }
  // Every sampled index holds a large value, every other one a small value: the sample's bracket
  // misses the k-th value, the bracketed path says so, and kthLargestAbs still answers exactly.
  const size = Math.ceil(2 * n ** (2 / 3));
  const trap = new Float32Array(n).fill(1e-3);
  for (let j = 0; j < size; j++) trap[Math.floor(((j + 0.5) * n) / size)] = 1 + j / size;
  const k = Math.floor(0.2 * n);
  const want = Float32Array.from(trap, Math.abs).sort().reverse()[k - 1];
  assert.equal(kthLargestAbsBracketed(trap, k), undefined);
  assert.equal(kthLargestAbs(trap, k), want);
});

/**
 * n values drawn from a seed: ties (exact zeros, signed zeros, a few repeated magnitudes, ±∞, the
 * smallest subnormal) among arbitrary magnitudes over many binades.
 */
function tiedValues(n: number, seed: number): Float32Array {
  const special = [0, -0, 0.25, -0.25, 1, -1, 3, Infinity, -Infinity, 1e-45];
  const rand = uniformStream(seed);
  return Float32Array.from({ length: n }, () => {
    const r = rand();
    if (r < 0.3) return special[Math.floor(rand() * special.length)];
    return (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20);
  });
}

test('wasmBracketCount() counts and collects, in order, what a scalar loop does (across blocks, any tail)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20_000 }), // crosses the kernel's 8192-element blocks
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(0, 7, 100, 100_000),
      (n, seed, i, j, cap) => {
        const x = tiedValues(n, seed);
        // ends taken from the values (ties at both ends), or the wide and the empty bracket
        const a = n > 0 ? Math.abs(x[i % n]) : 0;
        const b = n > 0 ? Math.abs(x[j % n]) : Infinity;
        const [lo, hi] = i % 11 === 0 ? [0, Infinity] : a <= b ? [a, b] : [b, a];
        let above = 0;
        const inside: number[] = [];
        for (const v of x) {
          const m = Math.abs(v);
          if (m > hi) above++;
          else if (m >= lo) inside.push(m);
        }
        const got = wasmBracketCount(x, lo, hi, cap);
        assert.equal(got.above, above);
        assert.equal(got.inside, inside.length);
        if (inside.length > cap) assert.equal(got.values, null);
        else assert.deepEqual(Array.from(got.values ?? []), inside);
      },
    ),
    { numRuns: 150 },
  );
});

test('the bracketed selection, when its sample does not mislead it, equals the radix select', () => {
  let bracketed = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20_000 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (n, seed, q) => {
        const x = tiedValues(n, seed);
        const k = Math.min(n, 1 + Math.floor(q * n));
        const want = kthLargestAbsRadix(x, k);
        const got = kthLargestAbsBracketed(x, k);
        if (got !== undefined) {
          bracketed++;
          assert.equal(got, want);
        }
        assert.equal(kthLargestAbs(x, k), want);
      },
    ),
    { numRuns: 200 },
  );
  // the property is not vacuous: most samples bracket the answer
  assert.ok(bracketed > 100, `${bracketed} of 200 bracketed`);
});

test('kthLargestAbs() handles many ties and rejects k out of range', () => {
  assert.equal(kthLargestAbs(new Float32Array(1000), 10), 0);
  assert.throws(() => kthLargestAbs(Float32Array.of(1), 2), RangeError);
});

test('SeededRandom is deterministic, uniform in [0, 1), and mixSeed separates salts', () => {
  const a = new SeededRandom(123);
  const b = new SeededRandom(123);
  let sum = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = a.nextFloat();
    assert.equal(x, b.nextFloat());
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 6 * Math.sqrt(1 / 12 / n));
  assert.notEqual(mixSeed(1, 0), mixSeed(1, 1));
  assert.notEqual(new SeededRandom(mixSeed(1, 0)).nextUint32(), new SeededRandom(mixSeed(1, 1)).nextUint32());
});
