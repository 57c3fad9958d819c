import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { hzToMelSlaney, melFilterBank, melToHzSlaney } from './mel-filter-bank.js';

const NPZ = join(import.meta.dirname, '../../test/fixtures/audio/mel_filters.npz');

/** Reads the float32 arrays of an .npz (zip of .npy files) via its central directory. */
function readNpz(path: string): Map<string, { shape: number[]; data: Float32Array }> {
  const zip = readFileSync(path);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50);
    const method = zip.readUInt16LE(p + 10);
    const compBytes = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const next = p + 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    const name = zip.toString('latin1', p + 46, p + 46 + nameLen);
    const local = zip.readUInt32LE(p + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compBytes);
    const npy = method === 8 ? inflateRawSync(raw) : raw;
    const headerLen = npy.readUInt16LE(8);
    const header = npy.toString('latin1', 10, 10 + headerLen);
    assert.match(header, /'descr': '<f4'/);
    assert.match(header, /'fortran_order': False/);
    const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter(Boolean).map(Number);
    const body = npy.subarray(10 + headerLen);
    const data = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    out.set(name.replace(/\.npy$/, ''), { shape, data });
    p = next;
  }
  return out;
}

test('melFilterBank() matches openai/whisper mel_filters.npz within 1e-6 for 80 and 128 mels', () => {
  const npz = readNpz(NPZ);
  for (const nMels of [80, 128]) {
    const ref = npz.get(`mel_${nMels}`);
    assert.ok(ref, `mel_${nMels} missing`);
    assert.deepEqual(ref.shape, [nMels, 201]);
    const fb = melFilterBank({ nMels });
    assert.equal(fb.nBins, 201);
    let worst = 0;
    for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(fb.data[i] - ref.data[i]));
    assert.ok(worst <= 1e-6, `max abs difference ${worst}`);
  }
});

test('melFilterBank() rows have unit area when norm is "slaney", spans are exact', () => {
  const fb = melFilterBank({ nMels: 128 });
  const binHz = 8000 / 200;
  for (let m = 0; m < fb.nMels; m++) {
    assert.ok(fb.endBin[m] > fb.firstBin[m], `row ${m} is empty`);
    const wideEnough = fb.endBin[m] - fb.firstBin[m] >= 8;
    let area = 0;
    for (let k = 0; k < fb.nBins; k++) {
      const w = fb.data[m * fb.nBins + k];
      assert.ok(w >= 0);
      if (k < fb.firstBin[m] || k >= fb.endBin[m]) assert.equal(w, 0);
      area += w * binHz;
    }
    // Sampling the triangle on the 40 Hz grid approximates its integral (exact: 2/width · height 1
    // · width/2 = 1); the narrow low filters (< 8 bins) sample it too coarsely to check.
    if (wideEnough) assert.ok(Math.abs(area - 1) < 0.05, `row ${m} area ${area}`);
  }
});

test('hzToMelSlaney() and melToHzSlaney() are inverse, linear below 1 kHz', () => {
  for (const hz of [0, 100, 999, 1000, 1001, 4000, 8000, 22050]) {
    assert.ok(Math.abs(melToHzSlaney(hzToMelSlaney(hz)) - hz) < 1e-9 * (1 + hz));
  }
  assert.ok(Math.abs(hzToMelSlaney(1000) - 15) < 1e-12); // librosa's 1000 / (200/3) is 14.999999999999998
  assert.ok(Math.abs(hzToMelSlaney(8000) - 45.245640471924965) < 1e-12);
});

test('melFilterBank() rejects empty ranges and bad sizes', () => {
  assert.throws(() => melFilterBank({ nMels: 0 }), { code: 'REQUEST_INVALID' });
  assert.throws(() => melFilterBank({ nMels: 80, melMinHz: 9000, melMaxHz: 8000 }), {
    code: 'REQUEST_INVALID',
  });
});
