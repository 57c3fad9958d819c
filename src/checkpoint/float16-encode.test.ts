import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { float32ToFloat16Bits } from '../shared/index.js';
import { float32ToFloat16FastInto } from './float16-encode.js';

/** Low 16-bit patterns around the binary16 rounding point (bit 12) and the subnormal shifts. */
const LOW_PATTERNS = [
  0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x7fff, 0x8000, 0xefff, 0xf000, 0xffff,
];

test('float32ToFloat16FastInto() is bit-identical to the shared scalar encoder on every high half-word', () => {
  const words = new Uint32Array(65536 * LOW_PATTERNS.length);
  let k = 0;
  for (let hi = 0; hi < 65536; hi++) for (const lo of LOW_PATTERNS) words[k++] = ((hi << 16) | lo) >>> 0;
  const src = new Float32Array(words.buffer);
  const out = float32ToFloat16FastInto(new Uint16Array(src.length), src);
  for (let i = 0; i < src.length; i++) {
    const want = float32ToFloat16Bits(src[i]);
    if (out[i] !== want)
      assert.fail(`0x${words[i].toString(16)}: got 0x${out[i].toString(16)}, want 0x${want.toString(16)}`);
  }
});

test('float32ToFloat16FastInto() matches the scalar encoder on random bit patterns and subarray views', () => {
  fc.assert(
    fc.property(fc.uint32Array({ minLength: 1, maxLength: 64 }), fc.nat(3), (bits, skip) => {
      const all = new Float32Array(new Uint32Array(bits).buffer);
      const src = all.subarray(Math.min(skip, all.length - 1));
      const out = float32ToFloat16FastInto(new Uint16Array(src.length), src);
      for (let i = 0; i < src.length; i++) assert.equal(out[i], float32ToFloat16Bits(src[i]));
    }),
    { numRuns: 500 },
  );
});
