import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  float32ToFloat16Bits,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  bfloat16BitsToFloat32,
  firstNonFiniteIndex,
} from './typed-arrays.js';

test('float16 round trip is exact for every finite binary16 bit pattern', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exp = (bits >>> 10) & 0x1f;
    if (exp === 0x1f) continue;
    const v = float16BitsToFloat32(bits);
    assert.equal(float32ToFloat16Bits(v), bits, `bits ${bits.toString(16)}`);
  }
});

test('float32ToFloat16Bits() rounds to nearest even and saturates to Inf', () => {
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even (1.0)
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(float32ToFloat16Bits(65520), 0x7c00);
  assert.equal(float32ToFloat16Bits(-0), 0x8000);
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
  assert.equal(float16BitsToFloat32(0x0001), 2 ** -24);
});

test('float16 conversion error is at most half an ulp', () => {
  fc.assert(
    fc.property(fc.float({ min: -60000, max: 60000, noNaN: true, noDefaultInfinity: true }), (x) => {
      const y = float16BitsToFloat32(float32ToFloat16Bits(x));
      const ulp = Math.max(2 ** -24, 2 ** (Math.floor(Math.log2(Math.abs(x) || 2 ** -24)) - 10));
      assert.ok(Math.abs(y - x) <= ulp / 2 + 1e-30, `${x} → ${y}`);
    }),
    { numRuns: 2000 },
  );
});

test('bfloat16 keeps the top 16 bits with round to nearest even', () => {
  assert.equal(float32ToBfloat16Bits(1), 0x3f80);
  assert.equal(bfloat16BitsToFloat32(0x3f80), 1);
  fc.assert(
    fc.property(
      fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) }),
      (x) => {
        const y = bfloat16BitsToFloat32(float32ToBfloat16Bits(x));
        assert.ok(Math.abs(y - x) <= Math.abs(x) * 2 ** -8 + 1e-38);
      },
    ),
    { numRuns: 2000 },
  );
});

test('firstNonFiniteIndex() finds the first NaN or ±Inf like a plain scan, across block boundaries', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10000 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(Number.NaN, Infinity, -Infinity)), { maxLength: 3 }),
      (n, bad) => {
        const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e30);
        for (const [at, v] of bad) if (n > 0) a[at % n] = v;
        const expected = a.findIndex((x) => !Number.isFinite(x));
        assert.equal(firstNonFiniteIndex(a), expected);
      },
    ),
  );
});
