import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeWav } from './wav-decoder.js';
import { encodeWav16, encodeWavFloat32 } from './wav-encoder.js';

interface WavSpec {
  formatTag: number;
  channels: number;
  rateHz: number;
  bits: number;
  data: Uint8Array;
  extensible?: boolean;
  extraChunks?: boolean;
}

/** Builds a WAV by hand, independently of encodeWav16, so header fields can be varied. */
function buildWav(spec: WavSpec): Uint8Array {
  const blockAlign = (spec.bits / 8) * spec.channels;
  const fmtSize = spec.extensible ? 40 : 16;
  const parts: number[] = [];
  const u16 = (v: number): void => void parts.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number): void =>
    void parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  const str = (s: string): void => void parts.push(...[...s].map((ch) => ch.charCodeAt(0)));
  str('RIFF');
  u32(0); // patched below
  str('WAVE');
  if (spec.extraChunks) {
    str('LIST');
    u32(5);
    parts.push(1, 2, 3, 4, 5, 0); // odd size + pad byte
  }
  str('fmt ');
  u32(fmtSize);
  u16(spec.extensible ? 0xfffe : spec.formatTag);
  u16(spec.channels);
  u32(spec.rateHz);
  u32(spec.rateHz * blockAlign);
  u16(blockAlign);
  u16(spec.bits);
  if (spec.extensible) {
    u16(22);
    u16(spec.bits);
    u32(0);
    u16(spec.formatTag);
    parts.push(0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);
  }
  str('data');
  u32(spec.data.length);
  const head = Uint8Array.from(parts);
  const out = new Uint8Array(head.length + spec.data.length);
  out.set(head);
  out.set(spec.data, head.length);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

function bytesOf(arr: Int16Array | Int32Array | Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

test('decodeWav() reads 16-bit PCM as int16 / 32768', () => {
  const ints = Int16Array.of(0, 1, -1, 32767, -32768, 12345);
  const d = decodeWav(buildWav({ formatTag: 1, channels: 1, rateHz: 16000, bits: 16, data: bytesOf(ints) }));
  assert.equal(d.sampleRateHz, 16000);
  assert.equal(d.channelCount, 1);
  assert.deepEqual(
    d.samples,
    Float32Array.from(ints, (v) => v / 32768),
  );
});

test('decodeWav() reads 8-bit unsigned, 24-bit and 32-bit PCM', () => {
  const u8 = decodeWav(
    buildWav({ formatTag: 1, channels: 1, rateHz: 8000, bits: 8, data: Uint8Array.of(0, 128, 255) }),
  );
  assert.deepEqual(u8.samples, Float32Array.of(-1, 0, 127 / 128));
  // 24-bit: 0x7fffff, 0x800000 (−2^23), 0xffffff (−1), 0x000100 (256)
  const b24 = Uint8Array.of(0xff, 0xff, 0x7f, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x00, 0x01, 0x00);
  const s24 = decodeWav(buildWav({ formatTag: 1, channels: 1, rateHz: 8000, bits: 24, data: b24 }));
  assert.deepEqual(s24.samples, Float32Array.of(8388607 / 8388608, -1, -1 / 8388608, 256 / 8388608));
  const i32 = Int32Array.of(2147483647, -2147483648, 65536);
  const s32 = decodeWav(buildWav({ formatTag: 1, channels: 1, rateHz: 8000, bits: 32, data: bytesOf(i32) }));
  assert.deepEqual(
    s32.samples,
    Float32Array.from(i32, (v) => v / 2147483648),
  );
});

test('decodeWav() reads 32/64-bit float, clamps to [-1, 1] and maps NaN to 0', () => {
  const f32 = Float32Array.of(0.25, -0.5, 2, -3, NaN);
  const a = decodeWav(buildWav({ formatTag: 3, channels: 1, rateHz: 16000, bits: 32, data: bytesOf(f32) }));
  assert.deepEqual(a.samples, Float32Array.of(0.25, -0.5, 1, -1, 0));
  const f64 = Float64Array.of(0.125, -0.75);
  const b = decodeWav(buildWav({ formatTag: 3, channels: 1, rateHz: 16000, bits: 64, data: bytesOf(f64) }));
  assert.deepEqual(b.samples, Float32Array.of(0.125, -0.75));
});

test('decodeWav() averages channels to mono (stereo and 6-channel extensible)', () => {
  const st = Int16Array.of(16384, 0, -16384, 16384);
  const d = decodeWav(buildWav({ formatTag: 1, channels: 2, rateHz: 44100, bits: 16, data: bytesOf(st) }));
  assert.equal(d.channelCount, 2);
  assert.deepEqual(d.samples, Float32Array.of(0.25, 0));
  const six = Float32Array.of(0.6, 0.6, 0, 0, 0, 0, -0.6, 0, 0, 0, 0, 0);
  const e = decodeWav(
    buildWav({ formatTag: 3, channels: 6, rateHz: 48000, bits: 32, data: bytesOf(six), extensible: true }),
  );
  assert.equal(e.channelCount, 6);
  assert.ok(Math.abs(e.samples[0] - 0.2) < 1e-7 && Math.abs(e.samples[1] + 0.1) < 1e-7);
});

test('decodeWav() skips unknown chunks with odd sizes and reads G.711 format tags 6 and 7', () => {
  const alaw = decodeWav(
    buildWav({
      formatTag: 6,
      channels: 1,
      rateHz: 8000,
      bits: 8,
      data: Uint8Array.of(0xd5),
      extraChunks: true,
    }),
  );
  assert.deepEqual(alaw.samples, Float32Array.of(8 / 32768)); // 0xd5 is A-law's smallest positive step
  const mulaw = decodeWav(
    buildWav({ formatTag: 7, channels: 1, rateHz: 8000, bits: 8, data: Uint8Array.of(0xff, 0x00) }),
  );
  assert.deepEqual(mulaw.samples, Float32Array.of(0, -32124 / 32768));
});

test('decodeWav() reads what sox writes (16-bit stereo, 24-bit, float, µ-law, A-law, extensible)', (t) => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('sox is not installed (Debian package sox)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chorus-wav-'));
  try {
    const x = new Float32Array(4000);
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(i * 0.02);
    const src = join(dir, 'src.wav');
    writeFileSync(src, encodeWavFloat32(x, 16000));
    const variants: [string[], number, number][] = [
      [['-b', '16', '-c', '2'], 2, 1 / 32768 + 1e-6],
      [['-b', '24'], 1, 1 / 8388608 + 1e-7],
      [['-e', 'floating-point', '-b', '64'], 1, 1e-7],
      [['-e', 'mu-law'], 1, 0.02],
      [['-e', 'a-law'], 1, 0.02],
      [['-b', '16', '-c', '3'], 3, 1 / 32768 + 1e-6], // > 2 channels: sox writes WAVE_FORMAT_EXTENSIBLE
    ];
    for (const [args, channels, tol] of variants) {
      const out = join(dir, 'out.wav');
      execFileSync('sox', ['-D', src, ...args, out], { stdio: ['ignore', 'ignore', 'pipe'] });
      const d = decodeWav(new Uint8Array(readFileSync(out)));
      assert.equal(d.channelCount, channels, args.join(' '));
      assert.equal(d.samples.length, x.length);
      for (let i = 0; i < x.length; i++)
        assert.ok(Math.abs(d.samples[i] - x[i]) <= tol, `${args.join(' ')} @${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encodeWav16() round-trips every int16 value through decodeWav()', () => {
  const x = new Float32Array(65536);
  for (let i = 0; i < x.length; i++) x[i] = (i - 32768) / 32768;
  const d = decodeWav(encodeWav16(x, 16000));
  assert.deepEqual(d.samples, x);
});

test('decodeWav() rejects malformed headers with AUDIO_MALFORMED', () => {
  const good = buildWav({ formatTag: 1, channels: 1, rateHz: 16000, bits: 16, data: new Uint8Array(100) });
  const patch = (at: number, v: number, width: 2 | 4): Uint8Array => {
    const b = good.slice();
    if (width === 2) new DataView(b.buffer).setUint16(at, v, true);
    else new DataView(b.buffer).setUint32(at, v, true);
    return b;
  };
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['not RIFF', Uint8Array.from('RIFX0000WAVE', (c) => c.charCodeAt(0))],
    ['header only', good.subarray(0, 12)],
    ['truncated data', good.subarray(0, good.length - 10)],
    ['zero channels', patch(22, 0, 2)],
    ['rate 0', patch(24, 0, 4)],
    ['absurd rate', patch(24, 4_000_000_000, 4)],
    ['bad block align', patch(32, 3, 2)],
    ['huge fmt size', patch(16, 0xfffffff0, 4)],
    ['tiny fmt size', patch(16, 8, 4)],
  ];
  for (const [name, bytes] of cases) assert.throws(() => decodeWav(bytes), { code: 'AUDIO_MALFORMED' }, name);
});

test('decodeWav() rejects other codecs and bit depths with AUDIO_FORMAT_UNSUPPORTED', () => {
  const adpcm = buildWav({ formatTag: 2, channels: 1, rateHz: 8000, bits: 16, data: new Uint8Array(4) });
  assert.throws(() => decodeWav(adpcm), { code: 'AUDIO_FORMAT_UNSUPPORTED' });
  const pcm12 = buildWav({ formatTag: 1, channels: 1, rateHz: 8000, bits: 12, data: new Uint8Array(4) });
  assert.throws(() => decodeWav(pcm12), { code: 'AUDIO_FORMAT_UNSUPPORTED' });
  const float16 = buildWav({ formatTag: 3, channels: 1, rateHz: 8000, bits: 16, data: new Uint8Array(4) });
  assert.throws(() => decodeWav(float16), { code: 'AUDIO_FORMAT_UNSUPPORTED' });
});

test('decodeWav() reads to the end when a live writer left the data size at 0 or 0xffffffff', () => {
  const wav = buildWav({
    formatTag: 1,
    channels: 1,
    rateHz: 16000,
    bits: 16,
    data: bytesOf(Int16Array.of(1, 2, 3)),
  });
  for (const marker of [0, 0xffffffff]) {
    const b = wav.slice();
    new DataView(b.buffer).setUint32(b.length - 10, marker, true);
    assert.equal(decodeWav(b).samples.length, 3);
  }
});

test('decodeWav() enforces maxSamples and maxBytes with AUDIO_FRAME_TOO_LARGE', () => {
  const wav = encodeWav16(new Float32Array(1000), 16000);
  assert.equal(decodeWav(wav, { maxSamples: 1000 }).samples.length, 1000);
  assert.throws(() => decodeWav(wav, { maxSamples: 999 }), { code: 'AUDIO_FRAME_TOO_LARGE' });
  assert.throws(() => decodeWav(wav, { maxBytes: 100 }), { code: 'AUDIO_FRAME_TOO_LARGE' });
});

test('decodeWav() on random bytes and mutated headers returns audio or throws AppError, never crashes', () => {
  const base = buildWav({ formatTag: 1, channels: 2, rateHz: 16000, bits: 16, data: new Uint8Array(64) });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 80 }),
        fc
          .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
          .map((edits) => {
            const b = base.slice();
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
      ),
      (bytes) => {
        try {
          const d = decodeWav(bytes);
          // Output can never exceed what the bytes can hold.
          assert.ok(d.samples.length <= bytes.length);
        } catch (e) {
          assert.ok(
            e instanceof Error &&
              'code' in e &&
              ['AUDIO_MALFORMED', 'AUDIO_FORMAT_UNSUPPORTED'].includes(String(e.code)),
            String(e),
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});
