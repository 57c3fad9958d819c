import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  generalizedTaskArithmeticInto,
  type GeneralizedTaskArithmeticOptions,
} from './generalized-task-arithmetic.js';
import { float32AtLeast } from './wasm/task-arithmetic-wasm.js';

const f = Math.fround;

/**
 * The plain per-element loop the blocked kernels must reproduce bit for bit: every operation
 * rounded to float32 (for float32 operands, rounding the float64 result of +, −, ×, ÷ once is the
 * correctly rounded float32 result), weights and thresholds as float32.
 */
function referenceInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights64: Float64Array,
  options: GeneralizedTaskArithmeticOptions,
): Float32Array {
  const taskCount = deltas.length;
  const thresholds = options.thresholds ?? new Float64Array(taskCount);
  const weights = Float32Array.from(weights64);
  const scale = f(options.scale);
  let weightSum = 0;
  for (let t = 0; t < taskCount; t++) weightSum += weights64[t];
  const plainDivisor = f(Math.abs(weightSum) < 1e-8 ? 1 : weightSum);
  for (let i = 0; i < out.length; i++) {
    let mixed = 0;
    if (options.isConsensus) {
      let signWeight = 0;
      for (let t = 0; t < taskCount; t++) {
        const v = deltas[t][i];
        if (Math.abs(v) >= thresholds[t]) signWeight = f(signWeight + f(weights[t] * v));
      }
      const majority = signWeight >= 0 ? 1 : -1;
      let divisor = 0;
      for (let t = 0; t < taskCount; t++) {
        const v = deltas[t][i];
        if (Math.abs(v) < thresholds[t]) continue;
        const wd = f(weights[t] * v);
        if ((wd > 0 && majority > 0) || (wd < 0 && majority < 0)) {
          mixed = f(mixed + wd);
          divisor = f(divisor + weights[t]);
        }
      }
      if (options.isNormalized) mixed = f(mixed / (divisor === 0 ? 1 : divisor));
    } else {
      for (let t = 0; t < taskCount; t++) {
        const v = deltas[t][i];
        if (Math.abs(v) >= thresholds[t]) mixed = f(mixed + f(weights[t] * v));
      }
      if (options.isNormalized) mixed = f(mixed / plainDivisor);
    }
    out[i] = f(base[i] + f(scale * mixed));
  }
  return out;
}

/** Exact zeros, signed zeros and ties next to arbitrary values, so every branch is taken. */
const SPECIAL = [0, -0, 0.5, -0.5, 1, -1];

test('generalizedTaskArithmeticInto() equals the per-element loop bit for bit (blocks, groups, every mode)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 1, max: 20_000 }), // crosses the WASM driver's blocks (4096 and 16384 elements)
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom(1, 0.3, -2, 1 / 3),
      fc.constantFrom('none', 'zero', 'some'),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (taskCount, n, isConsensus, isNormalized, scale, thresholdKind, seed) => {
        let state = seed >>> 0;
        const pick = (): number => {
          state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
          return state;
        };
        const fill = (): Float32Array =>
          Float32Array.from({ length: n }, () => {
            const r = pick();
            return r % 2 === 0 ? SPECIAL[(r >>> 1) % SPECIAL.length] : (r / 2 ** 32 - 0.5) * 8;
          });
        const base = fill();
        const deltas = Array.from({ length: taskCount }, fill);
        const weights = Float64Array.from({ length: taskCount }, () => [1, 0.5, -1, 0, 2, 0.1][pick() % 6]);
        const thresholds =
          thresholdKind === 'none'
            ? undefined
            : Float64Array.from({ length: taskCount }, () =>
                thresholdKind === 'zero' ? 0 : [0, 0.5, 1, Infinity, 0.1, 1 / 3][pick() % 6],
              );
        const options = { isConsensus, isNormalized, scale, ...(thresholds ? { thresholds } : {}) };
        const want = referenceInto(new Float32Array(n), base, deltas, weights, options);
        const got = new Float32Array(n);
        const firstBad = generalizedTaskArithmeticInto(got, base, deltas, weights, options);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
        assert.equal(
          firstBad,
          want.findIndex((x) => !Number.isFinite(x)),
        );
      },
    ),
    { numRuns: 80 },
  );
});

test('generalizedTaskArithmeticInto() reports the first non-finite output element, across blocks', () => {
  const n = 40_000; // several blocks of either kernel
  const cases = [
    [false, 39_998, Number.NaN, 'delta'],
    [false, 16_390, Infinity, 'base'],
    [false, 5, -Infinity, 'delta'],
    // TIES compares |τ| with the threshold, so a NaN task-vector entry is dropped (the engine checks
    // those methods' inputs before merging); a non-finite base entry always comes through.
    [true, 4_100, Infinity, 'base'],
    [true, 39_998, Number.NaN, 'base'],
  ] as const;
  for (const [isConsensus, at, value, where] of cases) {
    const base = new Float32Array(n).fill(0.5);
    const deltas = [new Float32Array(n).fill(0.25), new Float32Array(n).fill(0.125)];
    if (where === 'base') base[at] = value;
    else deltas[1][at] = value;
    base[n - 1] = Number.NaN; // a later one: the report names the first
    const out = new Float32Array(n);
    const opts = { isConsensus, isNormalized: false, scale: 1 };
    const got = generalizedTaskArithmeticInto(out, base, deltas, Float64Array.of(1, 1), opts);
    assert.equal(got, at, `${isConsensus ? 'consensus' : 'sum'}: ${value} in the ${where} at ${at}`);
  }
  const big = new Float32Array(n).fill(3e38); // 3e38 + 3e38 overflows float32: +Inf from element 0
  const out = new Float32Array(n);
  const opts = { isConsensus: false, isNormalized: false, scale: 1 };
  assert.equal(generalizedTaskArithmeticInto(out, big, [big], Float64Array.of(1), opts), 0);
  assert.equal(generalizedTaskArithmeticInto(out, big, [big], Float64Array.of(0), opts), -1);
});

test('float32AtLeast(x) keeps exactly the float32 magnitudes a float64 threshold keeps', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ noNaN: true }), fc.double({ min: 0, max: 1e-44, noNaN: true })),
      fc.float({ noNaN: true }),
      (x, v) => {
        const t = float32AtLeast(x);
        assert.equal(Math.fround(t), t);
        assert.equal(Math.abs(v) >= t, Math.abs(v) >= x, `x=${x} t=${t} v=${v}`);
        // and the neighbouring float32 values of x itself
        const near = Math.fround(x);
        assert.equal(Math.abs(near) >= t, Math.abs(near) >= x);
      },
    ),
    { numRuns: 2000 },
  );
});
