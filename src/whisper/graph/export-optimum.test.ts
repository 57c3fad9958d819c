import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AutoModelForSpeechSeq2Seq, env, Tensor } from '@huggingface/transformers';
import { HfCheckpoint, writeSyntheticWhisperCheckpoint } from '../../checkpoint/index.js';
import { loadParityFixture, relativeError } from '../../../test/fixtures/whisper-parity/parity-fixture.js';
import { runParityScenario } from '../../../test/fixtures/whisper-parity/parity-scenario.js';
import { parseWhisperConfig } from '../parse-whisper-config.js';
import { loadWhisperModel } from '../runtime/chorus-whisper-model.js';
import { loadOptimumModel } from '../runtime/optimum-whisper-model.js';
import { exportOptimum } from './export-optimum.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-export-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('exportOptimum() output runs in transformers.js, whose greedy tokens equal chorus and PyTorch', async () => {
  const fx = loadParityFixture('tiny-like');
  const models = join(dir, 'models');
  const files = await exportOptimum(
    (n) => fx.weights.get(n) as Float32Array,
    fx.config,
    join(models, 'tiny-like'),
    {
      externalDataThresholdBytes: 1024,
    },
  );
  assert.ok(files.files.includes('onnx/decoder_model_merged.onnx_data'));
  env.allowRemoteModels = false;
  env.localModelPath = `${models}/`;
  const model = await AutoModelForSpeechSeq2Seq.from_pretrained('tiny-like', {
    dtype: 'fp32',
    device: 'cpu',
  });
  const mel = fx.expected.get('input_features')!.f32;
  const generated = (await model.generate({
    inputs: new Tensor('float32', mel, [2, fx.config.numMelBins, fx.config.windowFrames]),
    decoder_input_ids: [fx.prompt, fx.prompt],
    max_new_tokens: 10,
    do_sample: false,
    // The reference greedy has no suppression; transformers.js would apply these from the config.
    begin_suppress_tokens: null,
    suppress_tokens: null,
  } as unknown as Parameters<typeof model.generate>[0])) as Tensor;
  const tjsTokens = (generated.tolist() as bigint[][]).flat().map(Number);
  await model.dispose();

  await using ours = await loadWhisperModel({
    config: fx.config,
    weights: (n) => fx.weights.get(n) as Float32Array,
  });
  const chorusTokens = Array.from((await runParityScenario(ours, fx)).tokens);
  assert.deepEqual(tjsTokens, chorusTokens);
  assert.deepEqual(chorusTokens, Array.from(fx.expected.get('tokens')!.i32));
});

test('exportOptimum(checkpointDir) writes the transformers.js folder layout and matches the chorus graphs', async () => {
  const ckptDir = join(dir, 'ckpt');
  await writeSyntheticWhisperCheckpoint(ckptDir, {
    dModel: 32,
    encoderLayers: 2,
    decoderLayers: 1,
    attentionHeads: 2,
    ffnDim: 64,
    maxSourcePositions: 20,
    maxTargetPositions: 16,
  });
  const ckpt = await HfCheckpoint.open(ckptDir);
  const config = parseWhisperConfig(ckpt.configJson, ckpt.generationConfigJson, ckpt.preprocessorJson);
  const out = join(dir, 'exported');
  const { files } = await exportOptimum(ckptDir, config, out);
  assert.deepEqual((await readdir(join(out, 'onnx'))).sort(), [
    'decoder_model_merged.onnx',
    'encoder_model.onnx',
  ]);
  for (const f of ['config.json', 'generation_config.json', 'preprocessor_config.json'])
    assert.ok(files.includes(f));
  const configJson = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(configJson.is_encoder_decoder, true);
  assert.equal(configJson.d_model, 32);

  const mel = new Float32Array(config.numMelBins * config.windowFrames);
  for (let i = 0; i < mel.length; i++) mel[i] = Math.sin(i * 0.37);
  const prompt = Int32Array.of(config.decoderStartTokenId, 50259, 50359);
  const logitsOf = async (model: Awaited<ReturnType<typeof loadOptimumModel>>): Promise<Float32Array> => {
    using audio = await model.encode(mel, 1);
    const first = await model.step(model.startDecoder(audio, 1), prompt, prompt.length);
    const second = await model.step(first.state, Int32Array.of(400), 1);
    second.state.dispose();
    return Float32Array.from([...first.result.logits, ...second.result.logits]);
  };
  await using optimum = await loadOptimumModel(out, config);
  await using chorus = await loadWhisperModel({ config, weights: (n) => ckpt.readF32(n) });
  assert.ok(relativeError(await logitsOf(optimum), await logitsOf(chorus)) <= 1e-4);
  await ckpt.close();
});
