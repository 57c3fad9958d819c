import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SafetensorsFile, writeSyntheticWhisperCheckpoint } from '../checkpoint/index.js';
import { exportOptimum } from './graph/export-optimum.js';
import { parseWhisperConfig } from './parse-whisper-config.js';
import { openWhisperModel } from './load-model.js';
import { transcribe } from './transcribe.js';

const TOKENIZER_DIR = fileURLToPath(new URL('../../models/tokenizer/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'chorus-open-'));
const dir = join(scratch, 'tiny');

before(async () => {
  await writeSyntheticWhisperCheckpoint(dir, {
    dModel: 32,
    encoderLayers: 1,
    decoderLayers: 2,
    attentionHeads: 2,
    ffnDim: 64,
    maxSourcePositions: 100,
  });
  for (const f of [
    'tokenizer.json',
    'tokenizer_config.json',
    'vocab.json',
    'merges.txt',
    'added_tokens.json',
  ]) {
    copyFileSync(join(TOKENIZER_DIR, f), join(dir, f));
  }
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('openWhisperModel() loads a synthetic checkpoint folder that transcribe() can run end to end', async () => {
  const { model, tokenizer, config } = await openWhisperModel(dir, { intraOpThreads: 1 });
  try {
    assert.equal(config.windowFrames, 200);
    assert.equal(tokenizer.vocabSize, 51_865);
    const pcm = new Float32Array(16_000 * 3).map((_, i) => 0.1 * Math.sin(i / 7));
    const r = await transcribe(model, tokenizer, pcm, {
      language: 'en',
      temperature: 0,
      maxNewTokens: 6,
      beamSize: 3, // exercises DecoderState.reorder on the real runtime
      wordTimestamps: true,
    });
    assert.equal(r.language, 'en');
    assert.equal(r.durationSec, 3);
    for (const seg of r.segments) {
      assert.ok(seg.start >= 0 && seg.end <= 3.02 && seg.start <= seg.end, `${seg.start}..${seg.end}`);
      assert.ok(Number.isFinite(seg.avgLogprob) && seg.noSpeechProb >= 0 && seg.noSpeechProb <= 1);
    }
  } finally {
    await model.close();
  }
});

test('openWhisperModel() with int8 weights runs beam search and the word-timestamp decoder too', async () => {
  const { model, tokenizer } = await openWhisperModel(dir, { intraOpThreads: 1, weightType: 'int8' });
  try {
    const pcm = new Float32Array(16_000 * 3).map((_, i) => 0.1 * Math.sin(i / 7));
    const r = await transcribe(model, tokenizer, pcm, {
      language: 'en',
      temperature: 0,
      maxNewTokens: 6,
      beamSize: 3,
      wordTimestamps: true,
    });
    assert.equal(r.durationSec, 3);
    for (const seg of r.segments) assert.ok(seg.start >= 0 && seg.end <= 3.02 && seg.start <= seg.end);
  } finally {
    await model.close();
  }
});

test('openWhisperModel() also opens an optimum/transformers.js export folder', async () => {
  const config = parseWhisperConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const out = join(scratch, 'optimum');
  await exportOptimum(dir, config, out);
  const { model, tokenizer } = await openWhisperModel(out, { intraOpThreads: 1 });
  try {
    const r = await transcribe(model, tokenizer, new Float32Array(16_000), {
      language: 'en',
      temperature: 0,
      maxNewTokens: 4,
    });
    assert.equal(r.durationSec, 1);
  } finally {
    await model.close();
  }
  await assert.rejects(openWhisperModel(out, { weightType: 'int8' }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'REQUEST_INVALID');
    assert.match(e.message, /optimum export runs its own ONNX graphs/);
    return true;
  });
});

test('openWhisperModel() names the problem: missing folder, missing or corrupt tokenizer', async () => {
  await assert.rejects(openWhisperModel(join(scratch, 'absent')), { code: 'MODEL_NOT_FOUND' });
  for (const f of ['tokenizer.json', 'vocab.json']) unlinkSync(join(dir, f));
  await assert.rejects(openWhisperModel(dir), (e: Error & { code?: string }) => {
    return e.code === 'TOKENIZER_INVALID' && e.message.includes('tokenizer.json');
  });
  writeFileSync(join(dir, 'tokenizer.json'), '{ not json');
  await assert.rejects(openWhisperModel(dir), { code: 'TOKENIZER_INVALID' });
});

test('openWhisperModel() accepts a stored proj_out equal to the embedding and refuses a different one', async () => {
  const untied = join(scratch, 'untied');
  const opts = {
    dModel: 32,
    encoderLayers: 1,
    decoderLayers: 1,
    attentionHeads: 2,
    ffnDim: 64,
    maxSourcePositions: 100,
    storeProjOut: true,
  };
  await writeSyntheticWhisperCheckpoint(untied, opts);
  for (const f of [
    'tokenizer.json',
    'tokenizer_config.json',
    'vocab.json',
    'merges.txt',
    'added_tokens.json',
  ]) {
    copyFileSync(join(TOKENIZER_DIR, f), join(untied, f));
  }
  const equal = await openWhisperModel(untied, { intraOpThreads: 1 });
  await equal.model.close();

  // Flip one value of the stored proj_out: the output layer no longer equals the embedding.
  const file = join(untied, 'model.safetensors');
  const st = await SafetensorsFile.open(file);
  const info = st.info('proj_out.weight');
  await st.close();
  assert.ok(info !== undefined);
  const bytes = readFileSync(file);
  bytes[info.fileOffsetBytes + 1] ^= 0x40;
  writeFileSync(file, bytes);
  await assert.rejects(openWhisperModel(untied, { intraOpThreads: 1 }), { code: 'CHECKPOINT_INVALID' });
});
