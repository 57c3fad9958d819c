import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRawPcm } from './pcm-decoder.js';
import { decodeAudio } from './decode-audio.js';
import { encodeWav16 } from './wav-encoder.js';
import { alawToLinear16, mulawToLinear16 } from './g711.js';

test('decodeRawPcm() reads s16le and f32le with the declared rate, ignoring a partial last frame', () => {
  const s16 = new Uint8Array(Int16Array.of(16384, -32768, 7).buffer);
  const a = decodeRawPcm(s16.subarray(0, 5), { encoding: 's16le', sampleRateHz: 8000 });
  assert.deepEqual(a, { samples: Float32Array.of(0.5, -1), sampleRateHz: 8000, channelCount: 1 });
  const f32 = new Uint8Array(Float32Array.of(0.5, -0.25, 0.125, 0.125).buffer);
  const b = decodeRawPcm(f32, { encoding: 'f32le', sampleRateHz: 48000, channelCount: 2 });
  assert.deepEqual(b.samples, Float32Array.of(0.125, 0.125));
  assert.equal(b.channelCount, 2);
});

test('decodeRawPcm() expands G.711 µ-law and A-law', () => {
  const bytes = Uint8Array.of(0x00, 0x7f, 0x80, 0xd5);
  const mu = decodeRawPcm(bytes, { encoding: 'mulaw', sampleRateHz: 8000 });
  const al = decodeRawPcm(bytes, { encoding: 'alaw', sampleRateHz: 8000 });
  for (let i = 0; i < bytes.length; i++) {
    assert.equal(mu.samples[i], Math.fround(mulawToLinear16(bytes[i]) / 32768));
    assert.equal(al.samples[i], Math.fround(alawToLinear16(bytes[i]) / 32768));
  }
});

test('decodeRawPcm() rejects implausible declarations and unknown encodings', () => {
  const bytes = new Uint8Array(8);
  assert.throws(() => decodeRawPcm(bytes, { encoding: 's16le', sampleRateHz: 0 }), {
    code: 'REQUEST_INVALID',
  });
  assert.throws(() => decodeRawPcm(bytes, { encoding: 's16le', sampleRateHz: 1e9 }), {
    code: 'REQUEST_INVALID',
  });
  assert.throws(() => decodeRawPcm(bytes, { encoding: 's16le', sampleRateHz: 16000, channelCount: 0 }), {
    code: 'REQUEST_INVALID',
  });
  assert.throws(() => decodeRawPcm(bytes, { encoding: 'opus' as 's16le', sampleRateHz: 16000 }), {
    code: 'AUDIO_FORMAT_UNSUPPORTED',
  });
  assert.throws(() => decodeRawPcm(bytes, { encoding: 's16le', sampleRateHz: 16000, maxSamples: 3 }), {
    code: 'AUDIO_FRAME_TOO_LARGE',
  });
});

test('decodeAudio() sniffs WAV, needs a hint for anything else', () => {
  const wav = encodeWav16(Float32Array.of(0.5, -0.5), 22050);
  assert.equal(decodeAudio(wav).sampleRateHz, 22050);
  // The hint does not override a real header.
  assert.equal(decodeAudio(wav, { encoding: 'mulaw', sampleRateHz: 8000 }).sampleRateHz, 22050);
  const raw = new Uint8Array(Int16Array.of(100, 200).buffer);
  assert.throws(() => decodeAudio(raw), { code: 'AUDIO_FORMAT_UNSUPPORTED' });
  assert.equal(decodeAudio(raw, { encoding: 's16le', sampleRateHz: 16000 }).samples.length, 2);
  assert.throws(() => decodeAudio(raw, { encoding: 's16le', sampleRateHz: 16000 }, { maxSamples: 1 }), {
    code: 'AUDIO_FRAME_TOO_LARGE',
  });
});
