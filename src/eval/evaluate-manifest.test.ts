import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../shared/index.js';
import { evaluateManifest, type TranscribeFn } from './evaluate-manifest.js';
import type { ManifestEntry } from './manifest.js';

const entry = (id: string, text: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  id,
  audio: `${id}.wav`,
  audioPath: `/x/${id}.wav`,
  text,
  ...extra,
});

const ENTRIES: readonly ManifestEntry[] = [
  entry('a', 'eins zwei drei vier', {
    language: 'de',
    domain: 'numbers',
    durationSec: 2,
    translation: 'one two three four',
  }),
  entry('b', 'fünf sechs', { language: 'de', domain: 'commands', durationSec: 1, translation: 'five six' }),
  entry('c', 'The colour is grey.', { language: 'en', domain: 'numbers', durationSec: 1 }),
];

test('evaluateManifest() scores injected corruptions: WER = known edits / reference words', async () => {
  // a: one substitution (4 words); b: one deletion (2 words); c: only spelling/case/punctuation
  // differences, which the English normaliser removes (0 edits, 4 words).
  const outputs: Record<string, string> = { a: 'eins zwei DREI! fünf', b: 'fünf', c: 'the color is gray' };
  const transcribe: TranscribeFn = async (e) => ({ text: outputs[e.id] });
  const report = await evaluateManifest(ENTRIES, transcribe);
  assert.equal(report.metric, 'wer');
  assert.equal(report.utteranceCount, 3);
  assert.equal(report.overall.wer, 2 / 10);
  assert.deepEqual(report.overall.words, {
    hits: 8,
    substitutions: 1,
    deletions: 1,
    insertions: 0,
    referenceCount: 10,
  });
  assert.equal(report.byLanguage.de.wer, 2 / 6);
  assert.equal(report.byLanguage.en.wer, 0);
  assert.equal(report.byDomain.numbers.wer, 1 / 8);
  assert.equal(report.byDomain.commands.wer, 1 / 2);
  // worst first, perfect utterances left out
  assert.deepEqual(
    report.worst.map((r) => r.id),
    ['b', 'a'],
  );
  const c = report.utterances[2];
  assert.equal(c.normalizedReference, 'the color is gray');
  // CER: "sechs" plus the space before it are deleted from "fünf sechs" (10 characters)
  assert.equal(report.byDomain.commands.cer, 6 / 10);
});

test('evaluateManifest() forces the manifest language by default, and not in auto mode', async () => {
  const seen: (string | undefined)[] = [];
  const transcribe: TranscribeFn = async (e, req) => {
    seen.push(req.language);
    return { text: e.text, language: 'de' }; // wrong for the English utterance c
  };
  await evaluateManifest(ENTRIES, transcribe);
  assert.deepEqual(seen, ['de', 'de', 'en']);
  seen.length = 0;
  const report = await evaluateManifest(ENTRIES, transcribe, { languageMode: 'auto' });
  assert.deepEqual(seen, [undefined, undefined, undefined]);
  assert.equal(report.languageIdAccuracy, 2 / 3);
});

test('evaluateManifest() real-time factor is processing time over audio time', async () => {
  let clockMs = 0;
  const transcribe: TranscribeFn = async (e) => {
    clockMs += 500; // each utterance "takes" 0.5 s on the injected clock
    return e.id === 'a' ? { text: e.text, audioDurationSec: 3 } : { text: e.text };
  };
  const report = await evaluateManifest(ENTRIES, transcribe, { nowMs: () => clockMs });
  // audio: 3 (reported) + 1 + 1 (manifest durations) = 5 s; processing 1.5 s
  assert.equal(report.overall.audioSec, 5);
  assert.equal(report.realTimeFactor, 1.5 / 5);
});

test('evaluateManifest() translate task scores BLEU against translations and skips entries without one', async () => {
  const tasks: string[] = [];
  const transcribe: TranscribeFn = async (e, req) => {
    tasks.push(req.task);
    return { text: e.translation ?? '' };
  };
  const report = await evaluateManifest(ENTRIES, transcribe, { task: 'translate' });
  assert.equal(report.metric, 'bleu');
  assert.equal(report.utteranceCount, 2);
  assert.equal(report.skippedCount, 1);
  assert.deepEqual(tasks, ['translate', 'translate']);
  assert.ok(Math.abs((report.overall.bleu?.score ?? 0) - 100) < 1e-9);
  assert.deepEqual(report.worst, []);
});

test('evaluateManifest() reports progress and names the utterance when transcription fails', async () => {
  const progress: number[] = [];
  await evaluateManifest(ENTRIES, async (e) => ({ text: e.text }), {
    onProgress: (done) => progress.push(done),
  });
  assert.deepEqual(progress, [1, 2, 3]);
  const failing: TranscribeFn = async (e) => {
    if (e.id === 'b') throw new AppError('AUDIO_MALFORMED', 'bad header');
    return { text: e.text };
  };
  await assert.rejects(evaluateManifest(ENTRIES, failing), { code: 'AUDIO_MALFORMED' });
});

test('evaluateManifest() WER equals k/n when k words are replaced by out-of-vocabulary words', async () => {
  const vocab = ['rot', 'blau', 'grün', 'gelb', 'weiß'];
  const utterance = fc
    .array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 12 })
    .chain((words) => fc.tuple(fc.constant(words), fc.subarray(words.map((_, i) => i))));
  await fc.assert(
    fc.asyncProperty(fc.array(utterance, { minLength: 1, maxLength: 5 }), async (utts) => {
      const entries = utts.map(([words], i) => entry(`u${i}`, words.join(' '), { language: 'de' }));
      const outputs = utts.map(([words, replaced]) =>
        words.map((w, i) => (replaced.includes(i) ? 'xxx' : w)).join(' '),
      );
      const report = await evaluateManifest(entries, async (e) => ({ text: outputs[Number(e.id.slice(1))] }));
      const k = utts.reduce((s, [, r]) => s + r.length, 0);
      const n = utts.reduce((s, [w]) => s + w.length, 0);
      assert.ok(Math.abs((report.overall.wer ?? -1) - k / n) < 1e-12);
      assert.equal(report.overall.words?.substitutions, k);
    }),
    { numRuns: 100 },
  );
});
