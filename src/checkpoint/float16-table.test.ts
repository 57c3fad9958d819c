import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16BitsToFloat32 } from '../shared/index.js';
import { float16ToFloat32TableInto } from './float16-table.js';

test('float16ToFloat32TableInto() matches the scalar decoder on all 65536 bit patterns', () => {
  const bits = new Uint16Array(1 << 16);
  for (let i = 0; i < bits.length; i++) bits[i] = i;
  const out = float16ToFloat32TableInto(new Float32Array(bits.length), bits);
  for (let i = 0; i < bits.length; i++) {
    const want = Math.fround(float16BitsToFloat32(i));
    if (Number.isNaN(want)) assert.ok(Number.isNaN(out[i]), `bits ${i}`);
    else assert.ok(Object.is(out[i], want), `bits ${i}: ${out[i]} vs ${want}`);
  }
});
