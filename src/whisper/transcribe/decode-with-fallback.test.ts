import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWhisperModel } from '../decode/testing/fake-whisper-model.js';
import { scriptedLm } from '../decode/testing/scripted-lm.js';
import { melForWindow, testTokenizer } from '../decode/testing/test-tokenizer.js';
import { decodeWithFallback, needsFallback } from './decode-with-fallback.js';

const tok = testTokenizer();
const T = { compressionRatioThreshold: 2.4, logprobThreshold: -1, noSpeechThreshold: 0.6 };
const TEMPS = [0, 0.2, 0.4, 0.6, 0.8, 1];

test('needsFallback() follows openai: repetitive or unlikely, unless unlikely silence', () => {
  assert.equal(needsFallback({ compressionRatio: 1.5, avgLogprob: -0.3, noSpeechProb: 0.1 }, T), false);
  assert.equal(needsFallback({ compressionRatio: 2.5, avgLogprob: -0.3, noSpeechProb: 0.1 }, T), true);
  assert.equal(needsFallback({ compressionRatio: 1.5, avgLogprob: -1.2, noSpeechProb: 0.1 }, T), true);
  assert.equal(needsFallback({ compressionRatio: 1.5, avgLogprob: -1.2, noSpeechProb: 0.7 }, T), false);
  // A confident result is kept even when no-speech is high (openai only exempts unlikely ones).
  assert.equal(needsFallback({ compressionRatio: 2.5, avgLogprob: -0.2, noSpeechProb: 0.9 }, T), true);
  const off = { compressionRatioThreshold: null, logprobThreshold: null, noSpeechThreshold: null };
  assert.equal(needsFallback({ compressionRatio: 9, avgLogprob: -9, noSpeechProb: 0.9 }, off), false);
});

test('decodeWithFallback() tries every temperature on repetitive output and keeps the last result', async () => {
  const la = tok.encode(' la')[0];
  const model = fakeWhisperModel(
    scriptedLm(tok, { 0: Array.from({ length: 25 }, () => la) }, { confidence: 40 }),
  );
  const audio = await model.encode(melForWindow(0), 1);
  const r = await decodeWithFallback(
    model,
    tok,
    audio,
    TEMPS,
    { task: 'transcribe', language: 'en', withoutTimestamps: true },
    T,
  );
  assert.ok(r.compressionRatio > 2.4);
  assert.equal(r.temperature, 1);
  assert.ok(model.stats.stepCalls > 6 * 25, 'six passes of ~25 steps');
});

test('decodeWithFallback() stops at the first acceptable temperature', async () => {
  const model = fakeWhisperModel(scriptedLm(tok, { 0: tok.encode(' A normal sentence.') }));
  const audio = await model.encode(melForWindow(0), 1);
  const r = await decodeWithFallback(
    model,
    tok,
    audio,
    TEMPS,
    { task: 'transcribe', language: 'en', beamSize: 2, withoutTimestamps: true },
    T,
  );
  assert.equal(r.temperature, 0);
  assert.equal(r.text, 'A normal sentence.');
});
