import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadParityFixture, relativeError } from '../../../test/fixtures/whisper-parity/parity-fixture.js';
import { runParityScenario } from '../../../test/fixtures/whisper-parity/parity-scenario.js';
import { exportOptimum } from '../graph/export-optimum.js';
import { loadOptimumModel } from './optimum-whisper-model.js';

// fp32 parity bound of the task: max|ours − torch| / max|torch| per compared tensor.
const FP32_TOLERANCE = 1e-4;
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-optimum-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const name of ['tiny-like', 'turbo-like']) {
  test(`loadOptimumModel() runs chorus's optimum export of ${name} within 1e-4 of the PyTorch reference`, async () => {
    const fx = loadParityFixture(name);
    const out = join(dir, name);
    // A tiny threshold forces the `.onnx_data` external-data path.
    await exportOptimum((n) => fx.weights.get(n) as Float32Array, fx.config, out, {
      externalDataThresholdBytes: 1024,
    });
    await using model = await loadOptimumModel(out, fx.config, { intraOpThreads: 1 });
    assert.equal(model.device, 'cpu');
    for (const promptChunks of [undefined, [3, 1]]) {
      const got = await runParityScenario(model, fx, promptChunks === undefined ? {} : { promptChunks });
      assert.ok(relativeError(got.logitsStrided, fx.expected.get('logits_strided')!.f32) <= FP32_TOLERANCE);
      assert.ok(relativeError(got.logitsLse, fx.expected.get('logits_lse')!.f32) <= FP32_TOLERANCE);
      assert.deepEqual(Array.from(got.tokens), Array.from(fx.expected.get('tokens')!.i32));
    }
  });
}

test('optimum DecoderState.reorder() moves rows before and after the first step', async () => {
  const fx = loadParityFixture('turbo-like');
  const out = join(dir, 'reorder');
  await exportOptimum((n) => fx.weights.get(n) as Float32Array, fx.config, out);
  await using model = await loadOptimumModel(out, fx.config);
  const V = fx.config.vocabSize;
  using audio = await model.encode(fx.expected.get('input_features')!.f32, 2);
  const p = fx.prompt;
  const prompt = Int32Array.from([...p, ...p]);
  const plain = model.startDecoder(audio, 1);
  const swappedEarly = plain.reorder(Int32Array.of(1, 0));
  const a = await model.step(plain, prompt, p.length);
  const b = await model.step(swappedEarly, prompt, p.length);
  assert.ok(relativeError(b.result.logits.subarray(0, V), a.result.logits.subarray(V, 2 * V)) <= 1e-6);
  const swappedLate = a.state.reorder(Int32Array.of(1, 0));
  const c = await model.step(a.state, Int32Array.of(5, 5), 1);
  const d = await model.step(swappedLate, Int32Array.of(5, 5), 1);
  assert.ok(relativeError(d.result.logits.subarray(0, V), c.result.logits.subarray(V, 2 * V)) <= 1e-6);
  await assert.rejects(model.step(d.state, Int32Array.of(1, 1), 1, { crossAttention: true }), {
    code: 'REQUEST_INVALID',
  });
});

test('loadOptimumModel() reports a folder without an export as RUNTIME_UNAVAILABLE', async () => {
  const fx = loadParityFixture('turbo-like');
  await assert.rejects(loadOptimumModel(join(dir, 'absent'), fx.config), { code: 'RUNTIME_UNAVAILABLE' });
});
