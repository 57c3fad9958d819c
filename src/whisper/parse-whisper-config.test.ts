import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HfCheckpoint, writeSyntheticWhisperCheckpoint } from '../checkpoint/index.js';
import { defaultAlignmentHeads, parseWhisperConfig } from './parse-whisper-config.js';

// Fixtures: config.json values of the official checkpoints as tabulated in
// /work/shared/reference/whisper.md §1.3 (sizes; token ids per family) — typed in by hand from
// that table, not produced by the code under test. Extra HF keys are kept to exercise passthrough.
const COMMON = {
  activation_function: 'gelu',
  architectures: ['WhisperForConditionalGeneration'],
  model_type: 'whisper',
  scale_embedding: false,
  max_source_positions: 1500,
  max_target_positions: 448,
  dropout: 0.0,
  use_cache: true,
  torch_dtype: 'float32',
};
const MULTI_V2_TOKENS = {
  bos_token_id: 50257,
  eos_token_id: 50257,
  pad_token_id: 50257,
  decoder_start_token_id: 50258,
  begin_suppress_tokens: [220, 50257],
};
const tiny = {
  ...COMMON,
  ...MULTI_V2_TOKENS,
  d_model: 384,
  encoder_layers: 4,
  decoder_layers: 4,
  encoder_attention_heads: 6,
  decoder_attention_heads: 6,
  encoder_ffn_dim: 1536,
  decoder_ffn_dim: 1536,
  vocab_size: 51865,
  num_mel_bins: 80,
};
const base = {
  ...tiny,
  d_model: 512,
  encoder_layers: 6,
  decoder_layers: 6,
  encoder_attention_heads: 8,
  decoder_attention_heads: 8,
  encoder_ffn_dim: 2048,
  decoder_ffn_dim: 2048,
};
const small = {
  ...tiny,
  d_model: 768,
  encoder_layers: 12,
  decoder_layers: 12,
  encoder_attention_heads: 12,
  decoder_attention_heads: 12,
  encoder_ffn_dim: 3072,
  decoder_ffn_dim: 3072,
};
const largeV3 = {
  ...COMMON,
  d_model: 1280,
  encoder_layers: 32,
  decoder_layers: 32,
  encoder_attention_heads: 20,
  decoder_attention_heads: 20,
  encoder_ffn_dim: 5120,
  decoder_ffn_dim: 5120,
  vocab_size: 51866,
  num_mel_bins: 128,
  bos_token_id: 50257,
  eos_token_id: 50257,
  pad_token_id: 50256,
  decoder_start_token_id: 50258,
  begin_suppress_tokens: [220, 50257],
};
const largeV3Turbo = {
  ...largeV3,
  decoder_layers: 4,
  pad_token_id: 50257,
  begin_suppress_tokens: [220, 50256], // sic in the official config.json (§1.3)
};
/** base.en as given by its generation_config.json (§1.3, English-only row). */
const baseEn = {
  ...base,
  vocab_size: 51864,
  bos_token_id: 50257,
  eos_token_id: 50256,
  pad_token_id: 50256,
  decoder_start_token_id: 50257,
  begin_suppress_tokens: [220, 50256],
};
const PREPROCESSOR_80 = {
  chunk_length: 30,
  feature_extractor_type: 'WhisperFeatureExtractor',
  feature_size: 80,
  hop_length: 160,
  n_fft: 400,
  n_samples: 480000,
  nb_max_frames: 3000,
  padding_side: 'right',
  padding_value: 0.0,
  return_attention_mask: false,
  sampling_rate: 16000,
};

test('parseWhisperConfig() reads the sizes of tiny, base, small, large-v3 and turbo', () => {
  const table: [unknown, number, number, number, number, number, number, number][] = [
    // config, d, enc, dec, heads, ffn, vocab, mels
    [tiny, 384, 4, 4, 6, 1536, 51865, 80],
    [base, 512, 6, 6, 8, 2048, 51865, 80],
    [small, 768, 12, 12, 12, 3072, 51865, 80],
    [largeV3, 1280, 32, 32, 20, 5120, 51866, 128],
    [largeV3Turbo, 1280, 32, 4, 20, 5120, 51866, 128],
  ];
  for (const [json, d, enc, dec, heads, ffn, vocab, mels] of table) {
    const c = parseWhisperConfig(json);
    assert.deepEqual(
      [c.dModel, c.encoderLayers, c.decoderLayers, c.encoderAttentionHeads, c.decoderAttentionHeads],
      [d, enc, dec, heads, heads],
    );
    assert.deepEqual([c.encoderFfnDim, c.decoderFfnDim, c.vocabSize, c.numMelBins], [ffn, ffn, vocab, mels]);
    assert.deepEqual([c.maxSourcePositions, c.maxTargetPositions], [1500, 448]);
    assert.deepEqual([c.windowFrames, c.windowSamples, c.chunkLengthSec], [3000, 480000, 30]);
    assert.equal(c.isMultilingual, true);
  }
});

test('parseWhisperConfig() token ids follow each family (§1.3)', () => {
  const t = parseWhisperConfig(tiny);
  assert.deepEqual([t.eosTokenId, t.padTokenId, t.decoderStartTokenId], [50257, 50257, 50258]);
  assert.deepEqual(t.beginSuppressTokens, [220, 50257]);
  const v3 = parseWhisperConfig(largeV3);
  assert.deepEqual([v3.eosTokenId, v3.padTokenId, v3.decoderStartTokenId], [50257, 50256, 50258]);
  const en = parseWhisperConfig(baseEn);
  assert.deepEqual([en.eosTokenId, en.padTokenId, en.decoderStartTokenId], [50256, 50256, 50257]);
  assert.deepEqual(en.beginSuppressTokens, [220, 50256]);
  assert.equal(en.isMultilingual, false);
});

test('parseWhisperConfig() fixes the turbo config.json begin_suppress_tokens leftover, but generation_config wins', () => {
  assert.deepEqual(parseWhisperConfig(largeV3Turbo).beginSuppressTokens, [220, 50257]);
  assert.deepEqual(
    parseWhisperConfig(largeV3Turbo, { begin_suppress_tokens: [220, 50256] }).beginSuppressTokens,
    [220, 50256],
  );
});

test('parseWhisperConfig() derives token ids from vocab_size when the config omits them (§3.2)', () => {
  const strip = (o: Record<string, unknown>) => {
    const r = { ...o };
    for (const k of [
      'eos_token_id',
      'pad_token_id',
      'decoder_start_token_id',
      'begin_suppress_tokens',
      'bos_token_id',
    ])
      delete r[k];
    return r;
  };
  const m = parseWhisperConfig(strip(tiny));
  assert.deepEqual([m.eosTokenId, m.decoderStartTokenId, m.padTokenId], [50257, 50258, 50257]);
  assert.deepEqual(m.beginSuppressTokens, [220, 50257]);
  const e = parseWhisperConfig(strip(baseEn));
  assert.deepEqual([e.eosTokenId, e.decoderStartTokenId], [50256, 50257]);
});

test('parseWhisperConfig() takes generation_config.json fields', () => {
  const gen = {
    alignment_heads: [
      [2, 2],
      [3, 0],
      [3, 2],
      [3, 3],
      [3, 4],
      [3, 5],
    ],
    lang_to_id: { '<|en|>': 50259, '<|de|>': 50261 },
    task_to_id: { transcribe: 50359, translate: 50358 },
    no_timestamps_token_id: 50363,
    max_initial_timestamp_index: 50,
    suppress_tokens: [1, 2, 7],
    is_multilingual: true,
    forced_decoder_ids: [[1, null]],
  };
  const c = parseWhisperConfig(tiny, gen, PREPROCESSOR_80);
  assert.deepEqual(c.alignmentHeads, gen.alignment_heads);
  assert.deepEqual(c.langToId, gen.lang_to_id);
  assert.deepEqual(c.taskToId, gen.task_to_id);
  assert.equal(c.noTimestampsTokenId, 50363);
  assert.equal(c.maxInitialTimestampIndex, 50);
  assert.deepEqual(c.suppressTokens, [1, 2, 7]);
  const bare = parseWhisperConfig(tiny);
  assert.equal(bare.langToId, undefined);
  assert.equal('noTimestampsTokenId' in bare, false);
  // transformers' name for openai's condition_on_previous_text: present only when declared
  assert.equal(parseWhisperConfig(tiny, { condition_on_prev_tokens: false }).conditionOnPreviousText, false);
  assert.equal(parseWhisperConfig(tiny, { condition_on_prev_tokens: true }).conditionOnPreviousText, true);
  assert.equal('conditionOnPreviousText' in bare, false);
  assert.throws(() => parseWhisperConfig(tiny, { condition_on_prev_tokens: 'no' }), {
    code: 'CHECKPOINT_INVALID',
  });
});

test("parseWhisperConfig() defaults alignment heads to every head of the decoder's second half", () => {
  const c = parseWhisperConfig(largeV3Turbo);
  const expected: [number, number][] = [];
  for (const layer of [2, 3]) for (let h = 0; h < 20; h++) expected.push([layer, h]);
  assert.deepEqual(c.alignmentHeads, expected);
  assert.deepEqual(defaultAlignmentHeads(1, 2), [
    [0, 0],
    [0, 1],
  ]);
  assert.deepEqual(defaultAlignmentHeads(3, 1), [
    [1, 0],
    [2, 0],
  ]);
});

test('parseWhisperConfig() supports shorter windows from max_source_positions', () => {
  const c = parseWhisperConfig({ ...tiny, max_source_positions: 750 }, undefined, {
    ...PREPROCESSOR_80,
    chunk_length: 15,
    n_samples: 240000,
    nb_max_frames: 1500,
  });
  assert.deepEqual([c.windowFrames, c.windowSamples, c.chunkLengthSec], [1500, 240000, 15]);
  assert.throws(
    () => parseWhisperConfig({ ...tiny, max_source_positions: 750 }, undefined, PREPROCESSOR_80),
    {
      code: 'CHECKPOINT_INVALID',
    },
  );
});

test('parseWhisperConfig() errors name the field at fault', () => {
  const cases: [unknown, unknown, unknown, string][] = [
    [{ ...tiny, d_model: undefined }, undefined, undefined, 'd_model'],
    [{ ...tiny, vocab_size: '51865' }, undefined, undefined, 'vocab_size'],
    [{ ...tiny, decoder_layers: 0 }, undefined, undefined, 'decoder_layers'],
    [{ ...tiny, encoder_attention_heads: 7 }, undefined, undefined, 'encoder_attention_heads'],
    [{ ...tiny, eos_token_id: 60000 }, undefined, undefined, 'eos_token_id'],
    [tiny, { alignment_heads: [[9, 0]] }, undefined, 'alignment_heads'],
    [tiny, { lang_to_id: { '<|en|>': 'x' } }, undefined, 'lang_to_id'],
    [tiny, undefined, { ...PREPROCESSOR_80, feature_size: 128 }, 'feature_size'],
    [largeV3, undefined, PREPROCESSOR_80, 'feature_size'],
    [tiny, undefined, { ...PREPROCESSOR_80, sampling_rate: 8000 }, 'sampling_rate'],
    ['not an object', undefined, undefined, 'config.json'],
  ];
  for (const [c, g, p, field] of cases) {
    assert.throws(
      () => parseWhisperConfig(c, g, p),
      (e: Error & { code?: string }) => e.code === 'CHECKPOINT_INVALID' && e.message.includes(field),
      field,
    );
  }
});

test('parseWhisperConfig() reads what HfCheckpoint exposes from a turbo-shaped folder (128 mels, 51866 vocab)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-cfg-'));
  try {
    await writeSyntheticWhisperCheckpoint(dir, {
      dModel: 8,
      encoderLayers: 3,
      decoderLayers: 1,
      attentionHeads: 2,
      vocabSize: 51866,
      numMelBins: 128,
      maxSourcePositions: 750,
      configOverrides: { pad_token_id: 50257, begin_suppress_tokens: [220, 50256] },
    });
    await using ck = await HfCheckpoint.open(dir);
    const c = parseWhisperConfig(ck.configJson, ck.generationConfigJson, ck.preprocessorJson);
    assert.deepEqual([c.encoderLayers, c.decoderLayers, c.numMelBins, c.vocabSize], [3, 1, 128, 51866]);
    assert.deepEqual([c.windowFrames, c.windowSamples, c.chunkLengthSec], [1500, 240000, 15]);
    assert.deepEqual(c.beginSuppressTokens, [220, 50257]);
    assert.deepEqual(c.alignmentHeads, [
      [0, 0],
      [0, 1],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
