import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './write-safetensors.js';

// Written by numpy + torch (testdata/make-golden.py, provenance in testdata/README.md).
const GOLDEN = fileURLToPath(new URL('./testdata/golden.safetensors', import.meta.url));

function sameFloats(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(want[i])) assert.ok(Number.isNaN(got[i]), `${what}[${i}]`);
    else assert.ok(Object.is(got[i], want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

test('SafetensorsFile reads a file written by numpy/torch: metadata, dtypes, shapes, scalar, empty', async () => {
  await using f = await SafetensorsFile.open(GOLDEN);
  assert.deepEqual({ ...f.metadata }, { format: 'pt', producer: 'numpy+torch golden' });
  assert.deepEqual(f.info('x_f16').shape, [3, 5, 7]);
  assert.deepEqual(f.info('scalar_f32').shape, []);
  assert.deepEqual([...(await f.readF32('scalar_f32'))], [0.5]);
  assert.equal((await f.readF32('empty_f16')).length, 0);
  assert.deepEqual([...new BigInt64Array((await f.readRaw('ids_i64')).buffer)], [1n, -2n, 3n, 2n ** 40n]);
});

test('F16 and BF16 tensors decode to the values numpy and torch give', async () => {
  await using f = await SafetensorsFile.open(GOLDEN);
  sameFloats(await f.readF32('x_f16'), await f.readF32('x_f16_as_f32'), 'f16');
  sameFloats(await f.readF32('x_bf16'), await f.readF32('x_bf16_as_f32'), 'bf16');
});

test('writeSafetensors() encodes F16 and BF16 bit-identically to numpy and torch casts', async () => {
  await using golden = await SafetensorsFile.open(GOLDEN);
  const x = await golden.readF32('x_f32');
  const dir = await mkdtemp(join(tmpdir(), 'chorus-golden-'));
  try {
    const path = join(dir, 'ours.safetensors');
    await writeSafetensors(
      path,
      [
        { name: 'x_f16', dtype: 'F16', shape: [3, 5, 7] },
        { name: 'x_bf16', dtype: 'BF16', shape: [3, 5, 7] },
      ],
      () => x,
    );
    await using ours = await SafetensorsFile.open(path);
    const want16 = new Uint16Array((await golden.readRaw('x_f16')).buffer);
    const got16 = new Uint16Array((await ours.readRaw('x_f16')).buffer);
    // NaN payloads may differ between encoders; anything else must match bit for bit.
    for (let i = 0; i < want16.length; i++) {
      const nan = (want16[i] & 0x7c00) === 0x7c00 && (want16[i] & 0x3ff) !== 0;
      if (nan) assert.ok((got16[i] & 0x7c00) === 0x7c00 && (got16[i] & 0x3ff) !== 0, `f16[${i}] NaN`);
      else assert.equal(got16[i], want16[i], `f16[${i}] for ${x[i]}`);
    }
    const wantB = new Uint16Array((await golden.readRaw('x_bf16')).buffer);
    const gotB = new Uint16Array((await ours.readRaw('x_bf16')).buffer);
    for (let i = 0; i < wantB.length; i++) {
      const nan = (wantB[i] & 0x7f80) === 0x7f80 && (wantB[i] & 0x7f) !== 0;
      if (nan) assert.ok((gotB[i] & 0x7f80) === 0x7f80 && (gotB[i] & 0x7f) !== 0, `bf16[${i}] NaN`);
      else assert.equal(gotB[i], wantB[i], `bf16[${i}] for ${x[i]}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
