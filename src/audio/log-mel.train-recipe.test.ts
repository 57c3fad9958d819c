// The training recipe's log-mel (models/train/mel.py, NumPy float64) must match the TypeScript
// front end, or the shipped models would see different features at run time than in training.
// Fixture provenance: test/fixtures/train-mel/fixture.json ("command").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav, logMel } from './index.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/train-mel');
/** Budget from issue 3; float64 TS vs float64 NumPy lands far below it. */
const MAX_ABS_ERROR = 1e-4;

interface TrainMelFixture {
  wav: string;
  mel: string;
  shape: [number, number];
  nMels: 80;
  nFrames: number;
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const fixture = JSON.parse(readFileSync(join(FIXTURES, 'fixture.json'), 'utf8')) as TrainMelFixture;

test('logMel reproduces the training recipe mel of a corpus utterance within 1e-4', () => {
  const audio = decodeWav(new Uint8Array(readFileSync(join(FIXTURES, fixture.wav))));
  assert.equal(audio.sampleRateHz, 16_000);
  const expected = readF32(join(FIXTURES, fixture.mel));
  assert.equal(expected.length, fixture.shape[0] * fixture.shape[1]);
  const got = logMel(audio.samples, { nMels: fixture.nMels, nFrames: fixture.nFrames });
  assert.equal(got.nMels, fixture.shape[0]);
  assert.equal(got.nFrames, fixture.shape[1]);
  assert.equal(got.data.length, expected.length);
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs((got.data[i] ?? Number.NaN) - (expected[i] ?? Number.NaN)));
  }
  assert.ok(maxAbs <= MAX_ABS_ERROR, `max abs diff ${maxAbs}`);
});

test('the training fixture has speech followed by the zero-padded silence floor', () => {
  const expected = readF32(join(FIXTURES, fixture.mel));
  const [nMels, nFrames] = fixture.shape;
  let max = -Infinity;
  for (const v of expected) max = Math.max(max, v);
  // (x + 4) / 4 with x floored at max − 8: the padded tail sits exactly 2 below the maximum.
  const tail = expected[(nMels - 1) * nFrames + nFrames - 1] ?? Number.NaN;
  assert.ok(Math.abs(tail - (max - 2)) < 1e-5, `tail ${tail} vs max ${max}`);
});
