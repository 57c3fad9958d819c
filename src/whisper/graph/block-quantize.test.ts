import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { blockDequantize8, blockQuantize8 } from './block-quantize.js';
import { ONNX_FLOAT, OnnxGraphBuilder, buildModel } from './onnx-graph-builder.js';

const floats = (n: number) =>
  fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), {
    minLength: n,
    maxLength: n,
  });

test('blockQuantize8: every weight comes back within half a step (max|block| / 254), codes in 1…255', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 5 })
        .chain((n) =>
          fc
            .integer({ min: 1, max: 70 })
            .chain((k) => fc.tuple(fc.constant(n), fc.constant(k), floats(n * k))),
        ),
      ([n, k, values]) => {
        const w = Float32Array.from(values);
        const q = blockQuantize8(w, n, k, 16);
        assert.equal(q.kBlocks, Math.ceil(k / 16));
        assert.equal(q.codes.length, n * q.kBlocks * 16);
        for (const c of q.codes) assert.ok(c >= 1 && c <= 255);
        const back = blockDequantize8(q);
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < k; c++) {
            const blk = Math.floor(c / 16);
            let max = 0;
            for (let j = blk * 16; j < Math.min(k, blk * 16 + 16); j++)
              max = Math.max(max, Math.abs(w[r * k + j]));
            const err = Math.abs(back[r * k + c] - w[r * k + c]);
            assert.ok(
              err <= (max / 254) * (1 + 1e-6) + 1e-30,
              `row ${r} col ${c}: error ${err}, block max ${max}`,
            );
          }
        }
      },
    ),
    { seed: 7, numRuns: 200 },
  );
});

test('blockQuantize8: a block of zeros keeps scale 0; a power-of-two scale lands in the scales only', () => {
  const w = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 0 : (i - 40) / 8));
  const q = blockQuantize8(w, 1, 64, 32);
  assert.equal(q.scales[0], 0);
  assert.ok(q.codes.subarray(0, 32).every((c) => c === 128));
  const scaled = blockQuantize8(w, 1, 64, 32, 0.125);
  assert.deepEqual(scaled.codes, q.codes);
  assert.equal(scaled.scales[1], q.scales[1] * 0.125);
  assert.throws(() => blockQuantize8(w, 2, 64), RangeError);
  assert.throws(() => blockQuantize8(w, 1, 64, 24), RangeError);
});

/** y = x · dequant(W)ᵀ through one com.microsoft.MatMulNBits node. */
async function runMatMulNBits(
  x: Float32Array,
  m: number,
  w: Float32Array,
  n: number,
  k: number,
  accuracyLevel: number,
): Promise<Float32Array> {
  const q = blockQuantize8(w, n, k);
  const b = new OnnxGraphBuilder('q8');
  b.input('x', ONNX_FLOAT, [m, k]);
  const inputs = [
    'x',
    b.weight('codes', q.codes, [n, q.kBlocks, q.blockSize]),
    b.weight('scales', q.scales, [n, q.kBlocks]),
    b.weight('zero_points', q.zeroPoints, [n, q.kBlocks]),
  ];
  const attrs = { K: k, N: n, bits: 8, block_size: q.blockSize, accuracy_level: accuracyLevel };
  b.node('MatMulNBits', inputs, ['y'], attrs, 'com.microsoft');
  b.output('y', ONNX_FLOAT, [m, n]);
  const built = buildModel(b, { onnx: 17, microsoft: 1 });
  const session = await ort.InferenceSession.create(built.modelBytes, {
    externalData: built.externalData.map((e) => ({ path: e.path, data: e.data })),
  });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [m, k]) });
    return out.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

test('MatMulNBits reads blockQuantize8 layout: equals x · dequant(W)ᵀ (exact path), close with int8 activations', async () => {
  const m = 3;
  const n = 40;
  const k = 96;
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const w = Float32Array.from({ length: n * k }, rand);
  const x = Float32Array.from({ length: m * k }, rand);
  const deq = blockDequantize8(blockQuantize8(w, n, k));
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += x[i * k + t] * deq[j * k + t];
      want[i * n + j] = acc;
    }
  const scale = Math.max(...want.map(Math.abs));
  const maxErr = (got: Float32Array) => Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]))) / scale;
  assert.ok(maxErr(await runMatMulNBits(x, m, w, n, k, 0)) <= 1e-5); // measured 2e-7
  // accuracy_level 4 also rounds x to 8 bits per block: about 1/254 of a block's max per element
  assert.ok(maxErr(await runMatMulNBits(x, m, w, n, k, 4)) <= 1e-2); // measured 3.7e-3
});
