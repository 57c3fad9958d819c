import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnergyVad, type VadEvent } from './energy-vad.js';
import { decodeWav } from './wav-decoder.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/audio');

const RATE = 16_000;

/** Background noise at `noiseRms` with bursts of a 300 Hz + 1.1 kHz "voice" at `voiceRms`. */
function scene(
  seconds: number,
  bursts: [number, number][],
  noiseRms: number,
  voiceRms: number,
  seed = 7,
): Float32Array {
  const x = new Float32Array(seconds * RATE);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    // Uniform noise in [−a, a] has RMS a/√3.
    x[i] = noiseRms * Math.sqrt(3) * 2 * (s / 2147483648 - 0.5);
  }
  for (const [from, to] of bursts) {
    for (let i = Math.round(from * RATE); i < Math.round(to * RATE); i++) {
      x[i] +=
        voiceRms * (Math.sin((2 * Math.PI * 300 * i) / RATE) + Math.sin((2 * Math.PI * 1100 * i) / RATE));
    }
  }
  return x;
}

function run(vad: EnergyVad, x: Float32Array, chunk = 1234): VadEvent[] {
  const events: VadEvent[] = [];
  for (let at = 0; at < x.length; at += chunk) events.push(...vad.push(x.subarray(at, at + chunk)));
  return [...events, ...vad.flush()];
}

test('EnergyVad finds each utterance in noise within a frame of its edges', () => {
  const bursts: [number, number][] = [
    [1.0, 2.5],
    [4.0, 4.6],
  ];
  const events = run(new EnergyVad(), scene(6, bursts, 0.003, 0.05));
  assert.deepEqual(
    events.map((e) => e.type),
    ['speech_start', 'speech_end', 'speech_start', 'speech_end'],
  );
  const edges = bursts.flat();
  for (let i = 0; i < 4; i++) {
    assert.ok(
      Math.abs(events[i].atSample / RATE - edges[i]) <= 0.021,
      `${events[i].type} at ${events[i].atSample / RATE}`,
    );
  }
});

test('EnergyVad ignores silence, steady noise and clicks shorter than minSpeechMs', () => {
  assert.deepEqual(run(new EnergyVad(), new Float32Array(3 * RATE)), []);
  assert.deepEqual(run(new EnergyVad(), scene(4, [], 0.02, 0)), []);
  assert.deepEqual(run(new EnergyVad(), scene(3, [[1.0, 1.05]], 0.002, 0.1)), []);
});

test('EnergyVad bridges pauses shorter than minSilenceMs', () => {
  const events = run(
    new EnergyVad({ minSilenceMs: 500 }),
    scene(
      4,
      [
        [0.5, 1.5],
        [1.8, 2.5],
      ],
      0.001,
      0.05,
    ),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['speech_start', 'speech_end'],
  );
});

test('EnergyVad closes an open utterance on flush()', () => {
  const vad = new EnergyVad();
  const events = run(vad, scene(2, [[1.0, 2.0]], 0.001, 0.05));
  assert.deepEqual(
    events.map((e) => e.type),
    ['speech_start', 'speech_end'],
  );
  assert.equal(events[1].atSample, 2 * RATE);
  assert.equal(vad.isSpeech, false);
});

test('EnergyVad events do not depend on how the audio is chunked', () => {
  const x = scene(
    3,
    [
      [0.4, 1.2],
      [2.0, 2.7],
    ],
    0.002,
    0.03,
  );
  const reference = run(new EnergyVad(), x, x.length);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), (chunk) => {
      assert.deepEqual(run(new EnergyVad(), x, chunk), reference);
    }),
    { numRuns: 15 },
  );
});

test('EnergyVad rejects non-positive durations', () => {
  assert.throws(() => new EnergyVad({ frameMs: 0 }), { code: 'REQUEST_INVALID' });
  assert.throws(() => new EnergyVad({ sampleRateHz: -1 }), { code: 'REQUEST_INVALID' });
});

test('EnergyVad brackets real (espeak-ng) speech placed in low noise', () => {
  const speech = decodeWav(new Uint8Array(readFileSync(join(FIXTURES, 'speech-16k.wav')))).samples;
  const x = scene(5, [], 0.0005, 0);
  const offset = RATE;
  for (let i = 0; i < speech.length; i++) x[offset + i] += speech[i];
  let first = 0;
  while (Math.abs(speech[first]) < 0.01) first++;
  let last = speech.length - 1;
  while (Math.abs(speech[last]) < 0.01) last--;
  const events = run(new EnergyVad(), x);
  assert.ok(events.length >= 2 && events[0].type === 'speech_start', JSON.stringify(events));
  assert.ok(Math.abs(events[0].atSample - (offset + first)) <= 0.05 * RATE, `start ${events[0].atSample}`);
  const end = events[events.length - 1];
  assert.equal(end.type, 'speech_end');
  assert.ok(
    Math.abs(end.atSample - (offset + last)) <= 0.1 * RATE,
    `end ${end.atSample} vs ${offset + last}`,
  );
});
