import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  loadParityFixture,
  PARITY_CONFIG_NAMES,
  relativeError,
  type ParityFixture,
} from '../../../test/fixtures/whisper-parity/parity-fixture.js';
import { GREEDY_STEPS, runParityScenario } from '../../../test/fixtures/whisper-parity/parity-scenario.js';
import type { WeightSource } from '../graph/weight-source.js';
import { ChorusWhisperModel, loadWhisperModel } from './chorus-whisper-model.js';

// fp32 parity bound of the task: max|ours − torch| / max|torch| per compared tensor.
const FP32_TOLERANCE = 1e-4;
// fp16 weight storage rounds every weight to 11 significant bits (2^-11 ≈ 5e-4 relative).
const FP16_TOLERANCE = 2e-2;

const sourceOf =
  (fx: ParityFixture): WeightSource =>
  (name) => {
    const w = fx.weights.get(name);
    if (w === undefined) throw new Error(`no tensor ${name}`);
    return w;
  };

function assertMatchesReference(
  fx: ParityFixture,
  got: Awaited<ReturnType<typeof runParityScenario>>,
  tolerance: number,
): void {
  const e = fx.expected;
  assert.ok(relativeError(got.logitsStrided, e.get('logits_strided')!.f32) <= tolerance, 'strided logits');
  assert.ok(relativeError(got.logitsLse, e.get('logits_lse')!.f32) <= tolerance, 'log-sum-exp of logits');
  assert.deepEqual(Array.from(got.tokens), Array.from(e.get('tokens')!.i32), 'greedy tokens');
  if (got.alignment !== undefined) {
    assert.ok(relativeError(got.alignment, e.get('alignment')!.f32) <= tolerance, 'alignment-head attention');
  }
}

for (const name of PARITY_CONFIG_NAMES) {
  for (const fused of [true, false]) {
    test(`ChorusWhisperModel (${name}, ${fused ? 'fused' : 'plain'} ops) matches the PyTorch reference within 1e-4`, async () => {
      const fx = loadParityFixture(name);
      await using model = await ChorusWhisperModel.load({ config: fx.config, weights: sourceOf(fx), fused });
      assert.equal(model.device, 'cpu');
      const hidden = await model.encodeHidden(fx.expected.get('input_features')!.f32, 2);
      assert.ok(
        relativeError(hidden, fx.expected.get('encoder_out')!.f32) <= FP32_TOLERANCE,
        'encoder output',
      );
      assertMatchesReference(fx, await runParityScenario(model, fx), FP32_TOLERANCE);
      // A chunked prompt exercises a multi-token causal step on a non-empty cache; the alignment
      // variant must give the reference's softmax(q·kᵀ/√d) of the alignment heads.
      assertMatchesReference(
        fx,
        await runParityScenario(model, fx, { promptChunks: [1, 2, 1], crossAttention: true }),
        FP32_TOLERANCE,
      );
    });
  }
}

test('ChorusWhisperModel with fp16 weight storage stays close to the fp32 reference', async () => {
  const fx = loadParityFixture('tiny-like');
  await using model = await ChorusWhisperModel.load({
    config: fx.config,
    weights: sourceOf(fx),
    weightType: 'float16',
  });
  const got = await runParityScenario(model, fx);
  assert.ok(relativeError(got.logitsStrided, fx.expected.get('logits_strided')!.f32) <= FP16_TOLERANCE);
});

test('DecoderState.reorder() gathers beam rows: a swapped state yields swapped logits', async () => {
  const fx = loadParityFixture('tiny-like');
  await using model = await loadWhisperModel({ config: fx.config, weights: sourceOf(fx) });
  const V = fx.config.vocabSize;
  using audio = await model.encode(fx.expected.get('input_features')!.f32, 2);
  // Two items × two beams; beams of an item get different tokens so their caches differ.
  let state = model.startDecoder(audio, 2);
  assert.equal(state.rows, 4);
  const p = fx.prompt;
  const prompt = Int32Array.from([...p, ...p, ...p, ...p]);
  state = (await model.step(state, prompt, p.length)).state;
  state = (await model.step(state, Int32Array.of(10, 20, 30, 40), 1)).state;
  const swapped = state.reorder(Int32Array.of(1, 0, 3, 2));
  // Moving a row to another batch item also moves its cross-attention K/V.
  const crossItem = swapped.reorder(Int32Array.of(2, 2, 0, 0));
  assert.equal(crossItem.rows, 4);
  const next = Int32Array.of(7, 7, 7, 7);
  const a = (await model.step(state, next, 1)).result.logits;
  const b = (await model.step(swapped, next, 1)).result.logits;
  for (const [from, to] of [
    [0, 1],
    [1, 0],
    [2, 3],
    [3, 2],
  ]) {
    assert.ok(relativeError(b.subarray(to * V, (to + 1) * V), a.subarray(from * V, (from + 1) * V)) <= 1e-6);
  }
  assert.throws(() => crossItem.reorder(Int32Array.of(4)), { code: 'REQUEST_INVALID' });
  const c = (await model.step(crossItem, next, 1)).result.logits;
  assert.ok(relativeError(c.subarray(0, V), a.subarray(3 * V, 4 * V)) <= 1e-6);
  assert.ok(relativeError(c.subarray(3 * V, 4 * V), a.subarray(V, 2 * V)) <= 1e-6);
});

test('loadWhisperModel() refuses a non-finite weight with CHECKPOINT_INVALID naming the tensor', async () => {
  const fx = loadParityFixture('turbo-like');
  const bad = 'model.encoder.layers.1.fc2.weight';
  const weights: WeightSource = (name) => {
    const w = sourceOf(fx)(name) as Float32Array;
    if (name !== bad) return w;
    const copy = w.slice();
    copy[5] = Number.NaN;
    return copy;
  };
  await assert.rejects(loadWhisperModel({ config: fx.config, weights }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'CHECKPOINT_INVALID');
    assert.ok(e.message.includes(bad));
    return true;
  });
  const missing: WeightSource = (name) =>
    name.includes('conv2') ? Promise.reject(new Error('absent')) : sourceOf(fx)(name);
  await assert.rejects(loadWhisperModel({ config: fx.config, weights: missing }), {
    code: 'CHECKPOINT_INVALID',
  });
});

test('loadWhisperModel() falls back to CPU with a warning when CUDA is not installed', async (t) => {
  const fx = loadParityFixture('turbo-like');
  const warnings: string[] = [];
  const logger = { warn: (_details: object, message: string) => void warnings.push(message) };
  await using model = await loadWhisperModel({
    config: fx.config,
    weights: sourceOf(fx),
    device: 'cuda',
    logger,
    intraOpThreads: 1,
  });
  if (model.device === 'cuda') {
    t.skip('CUDA is installed here: the fallback path is not reachable');
    return;
  }
  assert.equal(model.device, 'cpu');
  assert.ok(warnings.length >= 1);
});

test('WhisperModel calls reject bad input and use after close with stable codes', async () => {
  const fx = loadParityFixture('turbo-like');
  const model = await loadWhisperModel({ config: fx.config, weights: sourceOf(fx) });
  await assert.rejects(model.encode(new Float32Array(3), 1), { code: 'REQUEST_INVALID' });
  const audio = await model.encode(fx.expected.get('input_features')!.f32, 2);
  const state = model.startDecoder(audio, 1);
  await assert.rejects(model.step(state, Int32Array.of(1, 2, 3), 1), { code: 'REQUEST_INVALID' });
  await assert.rejects(model.step(state, Int32Array.of(0, fx.config.vocabSize), 1), {
    code: 'REQUEST_INVALID',
  });
  const tooLong = new Int32Array(2 * (fx.config.maxTargetPositions + 1));
  await assert.rejects(model.step(state, tooLong, fx.config.maxTargetPositions + 1), {
    code: 'REQUEST_INVALID',
  });
  const { state: next } = await model.step(state, Int32Array.of(1, 2), 1);
  assert.equal(next.pastLength, 1);
  await assert.rejects(model.step(state, Int32Array.of(1, 2), 1), { code: 'RESOURCE_CLOSED' });
  await model.close();
  await model.close();
  await assert.rejects(model.encode(fx.expected.get('input_features')!.f32, 2), { code: 'RESOURCE_CLOSED' });
});

// int8 decoder weights: 8-bit blocks round each weight by up to 1/254 of its block's largest |w|
// (and accuracy level 4 rounds activations likewise), so logits move by ~1 % of their range on
// these random-weight models; measured 1.3-1.8 % on the prompt positions. Only those positions
// are compared: once a near-tie flips a greedy token of a random model, later logits diverge.
const INT8_TOLERANCE = 4e-2;

function promptLogits(fx: ParityFixture, strided: Float32Array): Float32Array {
  const rows = 2;
  const fed = fx.prompt.length + GREEDY_STEPS - 1;
  const width = strided.length / (rows * fed);
  const out = new Float32Array(rows * fx.prompt.length * width);
  for (let r = 0; r < rows; r++)
    out.set(
      strided.subarray(r * fed * width, (r * fed + fx.prompt.length) * width),
      r * fx.prompt.length * width,
    );
  return out;
}

for (const name of PARITY_CONFIG_NAMES) {
  test(`ChorusWhisperModel with int8 decoder weights (${name}) stays close to the fp32 reference`, async () => {
    const fx = loadParityFixture(name);
    await using model = await ChorusWhisperModel.load({
      config: fx.config,
      weights: sourceOf(fx),
      weightType: 'int8',
    });
    const hidden = await model.encodeHidden(fx.expected.get('input_features')!.f32, 2);
    assert.ok(
      relativeError(hidden, fx.expected.get('encoder_out')!.f32) <= FP32_TOLERANCE,
      'encoder stays fp32',
    );
    const got = promptLogits(fx, (await runParityScenario(model, fx)).logitsStrided);
    const want = promptLogits(fx, fx.expected.get('logits_strided')!.f32);
    const err = relativeError(got, want);
    assert.ok(err <= INT8_TOLERANCE, `prompt logits: relative error ${err}`);
    assert.ok(err > 1e-4, 'the int8 graph really quantizes (an fp32 graph matches within 1e-4)');
  });
}
