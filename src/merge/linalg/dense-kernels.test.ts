import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { denseKernels, denseWorkspace } from './dense-kernels.js';

/** Fills `view` with seeded values in [−0.5, 0.5) (a linear congruential sequence). */
function fillSeeded(view: Float64Array, seed: number): Float64Array {
  let s = seed >>> 0;
  for (let i = 0; i < view.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    view[i] = s / 2 ** 32 - 0.5;
  }
  return view;
}

/** A seeded n×n matrix and two n-vectors, side by side in the module's workspace. */
function setup(n: number, seed: number): { a: Float64Array; v: Float64Array; p: Float64Array } {
  const ws = fillSeeded(denseWorkspace(n * n + 2 * n), seed);
  return { a: ws.subarray(0, n * n), v: ws.subarray(n * n, n * n + n), p: ws.subarray(n * n + n) };
}

const sizes = fc.integer({ min: 1, max: 37 });
const seeds = fc.integer({ min: 0, max: 2 ** 31 });

test('choleskyUpdate and inverseRowUpdate give the bits of their scalar loops', () => {
  fc.assert(
    fc.property(sizes, seeds, (n, seed) => {
      const k = denseKernels();
      const { a } = setup(n, seed);
      for (let j = 0; j < n; j++) {
        const want = Float64Array.from(a);
        for (let i = j + 1; i < n; i++) {
          const f = want[j * n + i];
          if (f === 0) continue;
          for (let c = i; c < n; c++) want[i * n + c] -= f * want[j * n + c];
        }
        k.choleskyUpdate(a.byteOffset, n, j);
        assert.deepEqual(a, want);
      }
      // X and R side by side in one workspace (only R's upper triangle is read)
      const ws = denseWorkspace(2 * n * n);
      const x = fillSeeded(ws.subarray(0, n * n), seed + 1);
      const r = fillSeeded(ws.subarray(n * n), seed + 2);
      const rs = Float64Array.from(r);
      for (let i = n - 1; i >= 0; i--) {
        const want = Float64Array.from(x);
        for (let kk = i + 1; kk < n; kk++) {
          const f = rs[i * n + kk];
          if (f === 0) continue;
          for (let c = kk; c < n; c++) want[i * n + c] -= f * want[kk * n + c];
        }
        k.inverseRowUpdate(x.byteOffset, r.byteOffset, n, i);
        assert.deepEqual(x, want);
      }
    }),
    { numRuns: 40 },
  );
});

test('syr2Upper, reflectTrailing and rotateRows give the bits of their scalar loops', () => {
  fc.assert(
    fc.property(sizes, seeds, fc.double({ min: -2, max: 2, noNaN: true }), (n, seed, beta) => {
      const k = denseKernels();
      for (let step = 0; step < n; step++) {
        const { a, v, p } = setup(n, seed + step);
        const want = Float64Array.from(a);
        for (let i = step + 1; i < n; i++)
          for (let j = i; j < n; j++) want[i * n + j] -= v[i] * p[j] + p[i] * v[j];
        k.syr2Upper(a.byteOffset, v.byteOffset, p.byteOffset, n, step);
        assert.deepEqual(a, want);
      }
      for (let step = 0; step < n; step++) {
        const { a: q, v, p: r } = setup(n, seed + 7 * step);
        const wantQ = Float64Array.from(q);
        const wantR = Float64Array.from(r);
        wantR.fill(0, step + 1);
        for (let i = step + 1; i < n; i++)
          for (let j = step + 1; j < n; j++) wantR[j] += v[i] * wantQ[i * n + j];
        for (let i = step + 1; i < n; i++) {
          const f = beta * v[i];
          for (let j = step + 1; j < n; j++) wantQ[i * n + j] -= f * wantR[j];
        }
        k.reflectTrailing(q.byteOffset, v.byteOffset, r.byteOffset, beta, n, step);
        assert.deepEqual(q, wantQ);
        assert.deepEqual(r, wantR);
      }
      const { v: x, p: y } = setup(n, seed + 3);
      const c = Math.cos(beta);
      const s = Math.sin(beta);
      const wantX = x.map((xi, i) => c * xi - s * y[i]);
      const wantY = y.map((yi, i) => s * x[i] + c * yi);
      k.rotateRows(x.byteOffset, y.byteOffset, c, s, n);
      assert.deepEqual(x, wantX);
      assert.deepEqual(y, wantY);
    }),
    { numRuns: 40 },
  );
});

test('symvUpper is the symmetric product of the upper triangle, to rounding', () => {
  fc.assert(
    fc.property(sizes, seeds, (n, seed) => {
      const k = denseKernels();
      for (let step = 0; step < n; step++) {
        const { a, v, p } = setup(n, seed + step);
        const want = new Float64Array(n);
        for (let i = step + 1; i < n; i++) {
          for (let j = step + 1; j < n; j++) {
            const aij = j >= i ? a[i * n + j] : a[j * n + i];
            want[i] += aij * v[j];
          }
        }
        const before = Float64Array.from(p);
        k.symvUpper(a.byteOffset, v.byteOffset, p.byteOffset, n, step);
        for (let i = 0; i <= step && i < n; i++) assert.equal(p[i], before[i]); // untouched
        for (let i = step + 1; i < n; i++)
          assert.ok(Math.abs(p[i] - want[i]) <= 1e-13 * n, `${p[i]} vs ${want[i]}`);
      }
    }),
    { numRuns: 40 },
  );
});

test('denseWorkspace() grows the module memory for a larger workspace', () => {
  const big = denseWorkspace(3_000_000); // 24 MB
  assert.equal(big.length, 3_000_000);
  assert.equal(big.byteOffset, 0);
  assert.ok(denseKernels().memory.buffer.byteLength >= 24_000_000);
  big[2_999_999] = 1.5; // the whole view is writable memory
  assert.equal(new Float64Array(denseKernels().memory.buffer)[2_999_999], 1.5);
});
