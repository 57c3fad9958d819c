import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitWindowSegments } from './split-window-segments.js';

const TB = 50_364;
const o = {
  timestampBegin: TB,
  seekFrames: 1000,
  segmentFrames: 3000,
  inputStrideFrames: 2,
  secondsPerFrame: 0.01,
};
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

test('splitWindowSegments() cuts at timestamp pairs and seeks to the window end on a single-timestamp ending', () => {
  const r = splitWindowSegments([TB, 1, 2, TB + 100, TB + 150, 3, TB + 300], o);
  assert.equal(r.segments.length, 2);
  close(r.segments[0].start, 10);
  close(r.segments[0].end, 12);
  assert.deepEqual(r.segments[0].tokens, [TB, 1, 2, TB + 100]);
  close(r.segments[1].start, 13);
  close(r.segments[1].end, 16);
  assert.equal(r.singleTimestampEnding, true);
  assert.equal(r.nextSeekFrames, 4000);
});

test('splitWindowSegments() drops an unfinished tail and seeks to the last complete timestamp', () => {
  const r = splitWindowSegments([TB, 1, TB + 200, TB + 220, 4, 5], o);
  assert.equal(r.segments.length, 1);
  assert.deepEqual(r.segments[0].tokens, [TB, 1, TB + 200]);
  assert.equal(r.singleTimestampEnding, false);
  assert.equal(r.nextSeekFrames, 1000 + 200 * 2);
});

test('splitWindowSegments() without pairs makes one segment to the last timestamp, or the whole window', () => {
  const withTs = splitWindowSegments([TB, 1, 2, TB + 50], { ...o, segmentFrames: 800 });
  assert.equal(withTs.segments.length, 1);
  close(withTs.segments[0].end, 11);
  assert.equal(withTs.nextSeekFrames, 1800);
  const textOnly = splitWindowSegments([1, 2, 3], { ...o, segmentFrames: 800 });
  close(textOnly.segments[0].start, 10);
  close(textOnly.segments[0].end, 18);
  const onlyZero = splitWindowSegments([TB, 1], { ...o, segmentFrames: 800 });
  close(onlyZero.segments[0].end, 18);
});
