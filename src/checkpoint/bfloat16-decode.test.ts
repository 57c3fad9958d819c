import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfloat16BitsToFloat32 } from '../shared/index.js';
import { bfloat16ToFloat32FastInto } from './bfloat16-decode.js';

test('bfloat16ToFloat32FastInto() gives the float32 whose top half is the bf16 pattern, for all 65536 patterns', () => {
  const bits = new Uint16Array(1 << 16);
  for (let i = 0; i < bits.length; i++) bits[i] = i;
  const out = bfloat16ToFloat32FastInto(new Float32Array(bits.length), bits);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    assert.equal(words[i], (i << 16) >>> 0, `bits ${i}`);
    const want = bfloat16BitsToFloat32(i);
    if (!Number.isNaN(want)) assert.ok(Object.is(out[i], want), `bits ${i}`);
  }
});

test('bfloat16ToFloat32FastInto() writes into a subarray view without touching its neighbours', () => {
  const backing = new Float32Array(6).fill(7);
  bfloat16ToFloat32FastInto(backing.subarray(2, 4), Uint16Array.of(0x3f80, 0xc000));
  assert.deepEqual([...backing], [7, 7, 1, -2, 7, 7]);
});
