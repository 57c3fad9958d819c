import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile, readdir, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from '../shared/index.js';
import { openFileByteSource, type ByteSource } from './byte-source.js';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors, type TensorSpec } from './write-safetensors.js';
import type { FloatDType } from './safetensors-dtype.js';

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-st-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Independent reference for the stored value: per-element conversion through the shared scalar helpers. */
function expectedAfterRoundTrip(x: number, dtype: FloatDType): number {
  if (dtype === 'F32') return Math.fround(x);
  if (dtype === 'F16') return float16BitsToFloat32(float32ToFloat16Bits(x));
  return bfloat16BitsToFloat32(float32ToBfloat16Bits(x));
}

const specArb = fc.record({
  dtype: fc.constantFrom<FloatDType>('F32', 'F16', 'BF16'),
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 3 }),
});

test('writeSafetensors() → SafetensorsFile round trip keeps names, shapes, dtypes and rounded values', async () => {
  await withTmp(async (dir) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.tuple(
            fc.oneof(
              fc.string({ minLength: 1, maxLength: 8 }),
              fc.constantFrom('__proto__', 'constructor', 'toString'),
            ),
            specArb,
          ),
          {
            maxLength: 5,
            selector: (t) => t[0],
          },
        ),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
        fc.integer(),
        async (entries, metadata, seed) => {
          const specs: TensorSpec[] = entries
            .filter(([name]) => name !== '__metadata__')
            .map(([name, s]) => ({ name, dtype: s.dtype, shape: s.shape }));
          const data = specs.map((s, i) => {
            const n = s.shape.reduce((a, b) => a * b, 1);
            const values = new Float32Array(n);
            for (let j = 0; j < n; j++) values[j] = Math.sin(seed + i * 31 + j * 7.3) * 10 ** ((j % 9) - 4);
            return values;
          });
          const path = join(dir, `rt-${run++}.safetensors`);
          await writeSafetensors(path, specs, (_spec, i) => data[i], metadata);
          await using f = await SafetensorsFile.open(path);
          assert.deepEqual([...f.tensors.keys()].sort(), specs.map((s) => s.name).sort());
          assert.deepEqual({ ...f.metadata }, { ...metadata });
          for (let i = 0; i < specs.length; i++) {
            const info = f.info(specs[i].name);
            assert.equal(info.dtype, specs[i].dtype);
            assert.deepEqual(info.shape, specs[i].shape);
            const got = await f.readF32(specs[i].name);
            assert.equal(got.length, data[i].length);
            for (let j = 0; j < got.length; j++)
              assert.equal(got[j], expectedAfterRoundTrip(data[i][j], specs[i].dtype as FloatDType));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

test('writeSafetensors() writes raw bytes for integer dtypes and readRaw() returns them', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'ints.safetensors');
    const ids = BigInt64Array.of(1n, -2n, 3n);
    const bytes = new Uint8Array(ids.buffer);
    await writeSafetensors(path, [{ name: 'ids', dtype: 'I64', shape: [3] }], () => bytes);
    await using f = await SafetensorsFile.open(path);
    assert.deepEqual(new BigInt64Array((await f.readRaw('ids')).buffer), ids);
    await assert.rejects(f.readF32('ids'), { code: 'CHECKPOINT_INVALID' });
  });
});

test('writeSafetensors() produces the layout of the reference format (u64 length, 8-aligned JSON, data)', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'layout.safetensors');
    await writeSafetensors(path, [{ name: 'w', dtype: 'F16', shape: [2] }], () => Float32Array.of(1, -2));
    const buf = await readFile(path);
    const n = Number(buf.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
    assert.deepEqual(header, { w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } });
    assert.deepEqual([...buf.subarray(8 + n)], [0x00, 0x3c, 0x00, 0xc0]); // 1.0 and -2.0 in binary16, little-endian
  });
});

test('writeSafetensors() leaves no file and no temp file when the provider fails', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'fail.safetensors');
    await assert.rejects(
      writeSafetensors(path, [{ name: 'a', dtype: 'F32', shape: [1] }], () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(
      writeSafetensors(path, [{ name: 'a', dtype: 'F32', shape: [2] }], () => new Float32Array(3)),
      { code: 'INTERNAL' },
    );
    assert.deepEqual(await readdir(dir), []);
  });
});

/** Wraps a ByteSource and counts the bytes read through it. */
function counting(inner: ByteSource): ByteSource & { readBytes: number } {
  const c = {
    readBytes: 0,
    sizeBytes: inner.sizeBytes,
    async read(out: Uint8Array, pos: number) {
      const n = await inner.read(out, pos);
      c.readBytes += n;
      return n;
    },
    close: () => inner.close(),
  };
  return c;
}

test("SafetensorsFile reads only the requested tensor's bytes", async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'big.safetensors');
    const specs: TensorSpec[] = [
      { name: 'small', dtype: 'F32', shape: [4] },
      { name: 'large', dtype: 'F32', shape: [256, 1024] },
    ];
    await writeSafetensors(path, specs, (s) =>
      new Float32Array(s.shape.reduce((a, b) => a * b, 1)).fill(0.5),
    );
    const source = counting(await openFileByteSource(path));
    await using f = await SafetensorsFile.fromSource(source, path);
    const afterHeader = source.readBytes;
    assert.ok(afterHeader < 512, `header read ${afterHeader} bytes`);
    const small = await f.readF32('small');
    assert.deepEqual([...small], [0.5, 0.5, 0.5, 0.5]);
    assert.equal(source.readBytes - afterHeader, 16);
  });
});

test('SafetensorsFile fails cleanly on a file truncated after the first tensor', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'trunc.safetensors');
    await writeSafetensors(
      path,
      [
        { name: 'first', dtype: 'F32', shape: [8] },
        { name: 'second', dtype: 'F32', shape: [8] },
      ],
      () => new Float32Array(8).fill(1),
    );
    const full = (await readFile(path)).byteLength;
    // Opened before truncation (file shrinks under a reader): the first tensor is still served
    // lazily, the second fails with a typed error.
    await using f = await SafetensorsFile.open(path);
    await truncate(path, full - 32);
    assert.deepEqual([...(await f.readF32('first'))], new Array(8).fill(1));
    await assert.rejects(f.readF32('second'), { code: 'CHECKPOINT_INVALID' });
    // Opened after truncation: refused at open, since the header promises more data than exists.
    await assert.rejects(SafetensorsFile.open(path), { code: 'CHECKPOINT_INVALID' });
  });
});

test('SafetensorsFile.open() maps missing files, garbage and huge header lengths to typed errors', async () => {
  await withTmp(async (dir) => {
    await assert.rejects(SafetensorsFile.open(join(dir, 'nope.safetensors')), { code: 'MODEL_NOT_FOUND' });
    await writeFile(join(dir, 'short'), Uint8Array.of(1, 2, 3));
    await assert.rejects(SafetensorsFile.open(join(dir, 'short')), { code: 'CHECKPOINT_INVALID' });
    const huge = new Uint8Array(64);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    await writeFile(join(dir, 'huge'), huge);
    await assert.rejects(SafetensorsFile.open(join(dir, 'huge')), { code: 'CHECKPOINT_INVALID' });
    await assert.rejects(SafetensorsFile.open(dir), { code: 'CHECKPOINT_INVALID' });
  });
});

test('SafetensorsFile.close() is idempotent and later reads throw RESOURCE_CLOSED', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'c.safetensors');
    await writeSafetensors(path, [{ name: 'a', dtype: 'BF16', shape: [2] }], () => Float32Array.of(1, 2));
    const f = await SafetensorsFile.open(path);
    await f.close();
    await f.close();
    await assert.rejects(f.readF32('a'), { code: 'RESOURCE_CLOSED' });
  });
});

test('readRawChunks() yields the same bytes as readRaw() for any chunk size', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'chunks.safetensors');
    const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.25 - 7);
    await writeSafetensors(path, [{ name: 'v', dtype: 'F16', shape: [10, 100] }], () => values);
    await using f = await SafetensorsFile.open(path);
    const whole = await f.readRaw('v');
    for (const chunk of [1, 7, 64, 2000, 5000]) {
      const parts: number[] = [];
      for await (const c of f.readRawChunks('v', chunk)) parts.push(...c);
      assert.deepEqual(Uint8Array.from(parts), whole);
    }
  });
});

test('readF32() decodes large F16/BF16 tensors in place correctly (every element checked)', async () => {
  await withTmp(async (dir) => {
    const n = 100_003;
    const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731) * 2 ** ((i % 40) - 20));
    for (const dtype of ['F16', 'BF16'] as const) {
      const path = join(dir, `${dtype}.safetensors`);
      await writeSafetensors(path, [{ name: 'w', dtype, shape: [n] }], () => values);
      await using f = await SafetensorsFile.open(path);
      const got = await f.readF32('w');
      for (let i = 0; i < n; i++) {
        if (got[i] !== expectedAfterRoundTrip(values[i], dtype)) assert.fail(`${dtype}[${i}]`);
      }
    }
  });
});

test('readF32() with a row range returns exactly those rows of the whole read, for every dtype', async () => {
  await withTmp(async (dir) => {
    const arb = fc.record({
      dtype: fc.constantFrom<FloatDType>('F32', 'F16', 'BF16'),
      shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 3 }),
      a: fc.nat(),
      b: fc.nat(),
    });
    let file = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ dtype, shape, a, b }) => {
        const path = join(dir, `rows-${file++}.safetensors`);
        const n = shape.reduce((x, y) => x * y, 1);
        const values = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 1.37) * (i + 1));
        // a neighbour before it, so the tensor does not start at the data section's offset 0
        await writeSafetensors(
          path,
          [
            { name: 'pad', dtype: 'F16', shape: [3] },
            { name: 'w', dtype, shape },
          ],
          (s) => (s.name === 'w' ? values : new Float32Array(3).fill(7)),
        );
        await using f = await SafetensorsFile.open(path);
        const whole = await f.readF32('w');
        const rowCount = shape.length === 0 ? 1 : shape[0];
        const perRow = n / rowCount;
        const first = a % rowCount;
        const count = b % (rowCount - first + 1);
        const rows = { first, count };
        const expected = whole.slice(first * perRow, (first + count) * perRow);
        assert.deepEqual(await f.readF32('w', undefined, rows), expected);
        const lent = new Float32Array(count * perRow).fill(Number.NaN);
        assert.equal(await f.readF32('w', lent, rows), lent);
        assert.deepEqual(lent, expected);
        await assert.rejects(f.readF32('w', undefined, { first, count: rowCount - first + 1 }), {
          code: 'INTERNAL',
        });
        await assert.rejects(f.readF32('w', new Float32Array(count * perRow + 1), rows), {
          code: 'INTERNAL',
        });
      }),
      { numRuns: 60 },
    );
  });
});
