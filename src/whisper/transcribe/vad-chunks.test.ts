import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { segmentFixture } from './segment-fixture.js';
import type { TranscriptionResult } from './transcription-result.js';
import { planChunks, shiftSegments, speechRegions, transcribeChunks, type SampleSpan } from './vad-chunks.js';

const SR = 16_000;

/** Tone bursts (440 Hz, 0.3 amplitude) at the given [start, end) seconds, silence elsewhere. */
function bursts(totalSec: number, spans: readonly [number, number][]): Float32Array {
  const pcm = new Float32Array(totalSec * SR);
  for (const [a, b] of spans)
    for (let i = Math.round(a * SR); i < Math.round(b * SR); i++)
      pcm[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR);
  return pcm;
}

test('speechRegions finds each burst within a frame or two and none in silence', () => {
  const spans: [number, number][] = [
    [0.5, 2.0],
    [3.0, 4.2],
    [5.5, 8.0],
  ];
  const regions = speechRegions(bursts(9, spans));
  assert.equal(regions.length, 3);
  for (const [i, [a, b]] of spans.entries()) {
    assert.ok(Math.abs(regions[i].start / SR - a) <= 0.05, `start ${regions[i].start / SR} vs ${a}`);
    assert.ok(Math.abs(regions[i].end / SR - b) <= 0.05, `end ${regions[i].end / SR} vs ${b}`);
  }
  assert.deepEqual(speechRegions(new Float32Array(3 * SR)), []);
});

test('planChunks: padded regions merged up to the window, each region inside exactly one chunk', () => {
  const regions: SampleSpan[] = [
    { start: 1000, end: 3000 },
    { start: 4000, end: 5000 },
    { start: 9000, end: 12_000 },
  ];
  // pads stop at the middle of a pause and at the recording's ends; the first two fit one window
  assert.deepEqual(planChunks(regions, 13_000, 5000, 500), [
    { start: 500, end: 5500 },
    { start: 8500, end: 12_500 },
  ]);
  assert.deepEqual(planChunks([{ start: 100, end: 900 }], 1000, 50, 300), [{ start: 0, end: 1000 }]);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 })), {
        maxLength: 12,
      }),
      fc.integer({ min: 100, max: 2000 }),
      fc.integer({ min: 0, max: 200 }),
      (gapsAndLengths, window, pad) => {
        const regs: SampleSpan[] = [];
        let at = 0;
        for (const [gap, len] of gapsAndLengths) {
          regs.push({ start: at + gap, end: at + gap + len });
          at += gap + len;
        }
        const total = at + 50;
        const chunks = planChunks(regs, total, window, pad);
        for (let i = 0; i < chunks.length; i++) {
          assert.ok(chunks[i].start >= 0 && chunks[i].end <= total && chunks[i].start < chunks[i].end);
          if (i > 0) assert.ok(chunks[i].start >= chunks[i - 1].end, 'chunks do not overlap');
        }
        for (const r of regs) {
          const holders = chunks.filter((c) => c.start <= r.start && r.end <= c.end);
          assert.equal(holders.length, 1, 'every region lies in one chunk');
          // a chunk longer than the window holds a single region that is itself too long once padded
          const c = holders[0];
          if (c.end - c.start > window)
            assert.equal(regs.filter((q) => c.start <= q.start && q.end <= c.end).length, 1);
        }
      },
    ),
    { seed: 11, numRuns: 300 },
  );
});

const segment = (start: number, end: number, text: string) => ({
  ...segmentFixture(0, start, end, text),
  words: [{ word: text, start, end, probability: 1 }],
});

test('transcribeChunks shifts every chunk to file time and keeps the first chunk language', async () => {
  const pcm = new Float32Array(4 * SR);
  const seen: (string | undefined)[] = [];
  const run = async (chunk: Float32Array, language: string | undefined): Promise<TranscriptionResult> => {
    seen.push(language);
    const sec = chunk.length / SR;
    return {
      text: `len ${sec}`,
      language: language ?? 'de',
      languageProbability: 0.9,
      segments: [segment(0.1, sec - 0.1, `len ${sec}`)],
      durationSec: sec,
    };
  };
  const r = await transcribeChunks(
    pcm,
    [
      { start: SR / 2, end: SR },
      { start: 2 * SR, end: 3.5 * SR },
    ],
    run,
  );
  assert.deepEqual(seen, [undefined, 'de']);
  assert.equal(r.text, 'len 0.5 len 1.5');
  assert.equal(r.language, 'de');
  assert.equal(r.durationSec, 4);
  assert.deepEqual(
    r.segments.map((s) => [s.id, s.start, s.end, s.seek]),
    [
      [0, 0.6, 0.9, 50],
      [1, 2.1, 3.4, 200],
    ],
  );
  assert.deepEqual(
    r.segments[1].words?.map((w) => [w.start, w.end]),
    [[2.1, 3.4]],
  );
  // nothing detected: the whole recording is transcribed once
  const whole = await transcribeChunks(pcm, [], run);
  assert.equal(whole.text, 'len 4');
  assert.deepEqual(shiftSegments([], 100, 0), []);
});
