import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedWhisperTensors } from './whisper-tensor-layout.js';

const baseEn = {
  d_model: 512,
  encoder_layers: 6,
  decoder_layers: 6,
  encoder_ffn_dim: 2048,
  decoder_ffn_dim: 2048,
  vocab_size: 51864,
  num_mel_bins: 80,
  max_source_positions: 1500,
  max_target_positions: 448,
};

test("expectedWhisperTensors() for base.en sums to openai's published 71,825,408 parameters", () => {
  // openai/whisper notebooks/LibriSpeech.ipynb prints 71,825,408 for base.en; openai keeps the
  // sinusoidal encoder position table as a buffer, so it is not counted there (whisper.md §1.2).
  let total = 0;
  for (const [name, shape] of expectedWhisperTensors(baseEn, 'x')) {
    if (name === 'model.encoder.embed_positions.weight') continue;
    total += shape.reduce((a, b) => a * b, 1);
  }
  assert.equal(total, 71_825_408);
});

test('expectedWhisperTensors() follows turbo-style unequal layer counts and has no k_proj bias', () => {
  const layout = expectedWhisperTensors(
    { ...baseEn, encoder_layers: 32, decoder_layers: 4, num_mel_bins: 128 },
    'x',
  );
  assert.ok(layout.has('model.encoder.layers.31.fc2.bias'));
  assert.ok(!layout.has('model.encoder.layers.32.fc2.bias'));
  assert.ok(layout.has('model.decoder.layers.3.encoder_attn.v_proj.bias'));
  assert.ok(!layout.has('model.decoder.layers.4.fc1.weight'));
  assert.deepEqual(layout.get('model.encoder.conv1.weight'), [512, 128, 3]);
  assert.ok(![...layout.keys()].some((n) => n.endsWith('k_proj.bias')));
  assert.ok(layout.has('model.decoder.layers.0.encoder_attn.k_proj.weight'));
});

test('expectedWhisperTensors() names the config fields that are missing or malformed', () => {
  assert.throws(
    () => expectedWhisperTensors({ ...baseEn, d_model: 0, vocab_size: undefined }, 'x'),
    (e: Error & { code?: string }) =>
      e.code === 'CHECKPOINT_INVALID' && e.message.includes('d_model') && e.message.includes('vocab_size'),
  );
});
