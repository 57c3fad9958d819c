import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  ONNX_FLOAT,
  OnnxGraphBuilder,
  buildModel,
  encodeModel,
  relocateExternalData,
} from './onnx-graph-builder.js';

function matmulGraph(w: Float32Array): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder('tiny');
  b.input('x', ONNX_FLOAT, ['n', 2]);
  const weight = b.weight('w', w, [2, 3]);
  b.node('MatMul', ['x', weight], ['y']);
  b.output('y', ONNX_FLOAT, ['n', 3]);
  return b;
}

test('buildModel() passes weights as in-memory external data that ONNX Runtime reads without a copy in the protobuf', async () => {
  const w = Float32Array.of(1, 2, 3, 4, 5, 6);
  const built = buildModel(matmulGraph(w), { onnx: 17 });
  assert.ok(built.modelBytes.byteLength < w.byteLength + 200);
  assert.equal(built.externalData.length, 1);
  assert.equal(built.externalData[0].data.buffer, w.buffer); // a view, not a copy
  const session = await ort.InferenceSession.create(built.modelBytes, {
    externalData: built.externalData.map((e) => ({ path: e.path, data: e.data })),
  });
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1, 2, -1), [2, 2]) });
  // [1 1]·W = [5 7 9]; [2 −1]·W = [−2 −1 0]
  assert.deepEqual(Array.from(out.y.data as Float32Array), [5, 7, 9, -2, -1, 0]);
  await session.release();
});

test('relocateExternalData() can inline weights or lay them out in one aligned file', async () => {
  const w = Float32Array.of(1, 2, 3, 4, 5, 6);
  const b = matmulGraph(w);
  const inlineGraph = b.graph();
  relocateExternalData(inlineGraph, b.externalTensors, undefined);
  const session = await ort.InferenceSession.create(encodeModel(inlineGraph, { onnx: 17 }));
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(0, 1), [1, 2]) });
  assert.deepEqual(Array.from(out.y.data as Float32Array), [4, 5, 6]);
  await session.release();

  const b2 = matmulGraph(w);
  b2.weight('w2', Float32Array.of(1), [1]);
  const layout = relocateExternalData(b2.graph(), b2.externalTensors, 'model.onnx_data');
  assert.deepEqual(
    layout.parts.map((p) => p.offset),
    [0, 64],
  );
  assert.equal(layout.byteLength, 68);
});
