import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAudioFile } from './load-audio-file.js';
import { toWhisperPcm } from './whisper-pcm.js';
import { encodeWav16 } from './wav-encoder.js';
import { resample } from './resampler.js';

test('loadAudioFile() returns 16 kHz mono; errors carry a code and name the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-load-'));
  try {
    const x = new Float32Array(4410);
    for (let i = 0; i < x.length; i++) x[i] = Math.round(16384 * Math.sin(i * 0.05)) / 32768;
    const good = join(dir, 'tone.wav');
    writeFileSync(good, encodeWav16(x, 44100));
    const pcm = await loadAudioFile(good);
    assert.deepEqual(pcm, resample(x, 44100, 16000));
    assert.equal(pcm.length, 1600);

    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, 'RIFF....WAVEjunk');
    await assert.rejects(loadAudioFile(bad), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'AUDIO_MALFORMED');
      assert.ok(e.message.includes(bad));
      return true;
    });
    await assert.rejects(loadAudioFile(join(dir, 'missing.wav')), { code: 'REQUEST_INVALID' });
    await assert.rejects(loadAudioFile(good, { maxBytes: 100 }), { code: 'AUDIO_FRAME_TOO_LARGE' });
    await assert.rejects(loadAudioFile(good, { maxSamples: 100 }), { code: 'AUDIO_FRAME_TOO_LARGE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toWhisperPcm() passes 16 kHz through untouched and resamples other rates', () => {
  const samples = Float32Array.of(0.1, 0.2, 0.3);
  assert.equal(toWhisperPcm({ samples, sampleRateHz: 16000, channelCount: 1 }), samples);
  assert.equal(
    toWhisperPcm({ samples: new Float32Array(800), sampleRateHz: 8000, channelCount: 2 }).length,
    1600,
  );
});
