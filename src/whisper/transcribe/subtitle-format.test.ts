import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, toSrt, toVtt } from './subtitle-format.js';
import { segmentFixture as seg } from './segment-fixture.js';

test('formatTimestamp() writes SRT and VTT times like openai format_timestamp', () => {
  const srt = { alwaysIncludeHours: true, decimalMarker: ',' };
  const vtt = { alwaysIncludeHours: false, decimalMarker: '.' };
  assert.equal(formatTimestamp(0, srt), '00:00:00,000');
  assert.equal(formatTimestamp(3.2456, srt), '00:00:03,246');
  assert.equal(formatTimestamp(61.0004, vtt), '01:01.000');
  assert.equal(formatTimestamp(3725.5, vtt), '01:02:05.500');
  assert.equal(formatTimestamp(59.9996, vtt), '01:00.000');
});

test('toSrt() numbers non-empty cues; toVtt() writes the header; "-->" in text is defused', () => {
  const segments = [seg(0, 0, 2.5, ' Hello there.'), seg(1, 2.5, 3, ''), seg(2, 3, 4.25, ' a --> b ')];
  assert.equal(
    toSrt(segments),
    '1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n00:00:03,000 --> 00:00:04,250\na -> b\n\n',
  );
  assert.equal(
    toVtt(segments),
    'WEBVTT\n\n00:00.000 --> 00:02.500\nHello there.\n\n00:03.000 --> 00:04.250\na -> b\n\n',
  );
});
