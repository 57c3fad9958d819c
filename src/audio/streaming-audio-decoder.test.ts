import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamingAudioDecoder, type StreamingAudioDecoderOptions } from './streaming-audio-decoder.js';
import { decodeWav } from './wav-decoder.js';
import { decodeRawPcm } from './pcm-decoder.js';
import { encodeWav16, encodeWavFloat32 } from './wav-encoder.js';

function splitDecode(
  bytes: Uint8Array,
  cuts: number[],
  options?: StreamingAudioDecoderOptions,
): Float32Array {
  const d = new StreamingAudioDecoder(options);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: number[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(...d.push(bytes.subarray(at, p)));
    at = p;
  }
  return Float32Array.from(parts);
}

/** A WAV with a LIST chunk before fmt and data, as many recorders write. */
function wavWithList(): Uint8Array {
  const plain = encodeWav16(
    new Float32Array(300).map((_, i) => Math.sin(i * 0.1) * 0.5),
    8000,
  );
  const list = Uint8Array.from(
    [...'LIST'].map((c) => c.charCodeAt(0)).concat([7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 0]),
  );
  const out = new Uint8Array(plain.length + list.length);
  out.set(plain.subarray(0, 12));
  out.set(list, 12);
  out.set(plain.subarray(12), 12 + list.length);
  return out;
}

test('StreamingAudioDecoder decodes a WAV split anywhere exactly like decodeWav()', () => {
  const files = [
    encodeWav16(
      new Float32Array(500).map((_, i) => Math.sin(i * 0.05)),
      16000,
    ),
    encodeWavFloat32(
      new Float32Array(333).map((_, i) => Math.cos(i * 0.2) * 0.7),
      44100,
    ),
    wavWithList(),
  ];
  fc.assert(
    fc.property(fc.constantFrom(...files), fc.array(fc.nat(5000), { maxLength: 20 }), (wav, cuts) => {
      assert.deepEqual(splitDecode(wav, cuts), decodeWav(wav).samples);
    }),
    { numRuns: 100 },
  );
  const d = new StreamingAudioDecoder();
  d.push(files[1]);
  assert.deepEqual(d.format, { sampleRateHz: 44100, channelCount: 1, encoding: 'f32le' });
});

test('StreamingAudioDecoder decodes raw stereo s16le / µ-law split mid-frame like decodeRawPcm()', () => {
  const s16 = new Uint8Array(new Int16Array(400).map((_, i) => ((i * 977) % 65536) - 32768).buffer);
  const ulaw = Uint8Array.from({ length: 301 }, (_, i) => (i * 37) % 256);
  fc.assert(
    fc.property(fc.array(fc.nat(1000), { maxLength: 15 }), (cuts) => {
      const raw = { encoding: 's16le', sampleRateHz: 24000, channelCount: 2 } as const;
      assert.deepEqual(splitDecode(s16, cuts, { raw }), decodeRawPcm(s16, raw).samples);
      const mu = { encoding: 'mulaw', sampleRateHz: 8000 } as const;
      assert.deepEqual(splitDecode(ulaw, cuts, { raw: mu }), decodeRawPcm(ulaw, mu).samples);
    }),
    { numRuns: 50 },
  );
});

test('StreamingAudioDecoder errors: raw without a declaration, oversized or malformed header', () => {
  assert.throws(() => new StreamingAudioDecoder().push(new Uint8Array(16).fill(1)), {
    code: 'AUDIO_FORMAT_UNSUPPORTED',
  });
  const header = encodeWav16(new Float32Array(0), 16000).subarray(0, 36); // RIFF + fmt, no data chunk
  const d = new StreamingAudioDecoder({ maxHeaderBytes: 100 });
  assert.equal(d.push(header).length, 0);
  assert.throws(() => d.push(new Uint8Array(80)), { code: 'AUDIO_MALFORMED' });
  const bad = encodeWav16(new Float32Array(4), 16000);
  new DataView(bad.buffer).setUint16(22, 0, true); // zero channels
  assert.throws(() => new StreamingAudioDecoder().push(bad), { code: 'AUDIO_MALFORMED' });
  assert.throws(
    () => new StreamingAudioDecoder({ raw: { encoding: 's16le', sampleRateHz: 5 } }).push(new Uint8Array(4)),
    { code: 'REQUEST_INVALID' },
  );
});
