/**
 * End-to-end on the shipped model: every sample in models/samples/samples.json is transcribed in
 * its language (detected) and translated to English. Skips with a reason until models/base exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadAudioFile } from '../../audio/index.js';
import { countWordEdits, errorRate, normalizerForLanguage } from '../../eval/index.js';
import { openWhisperModel, transcribe, type OpenedWhisperModel } from '../../whisper/index.js';
import { registerTranscribeCommands } from './transcribe.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const SAMPLES = join(MODELS, 'samples');
const skip = existsSync(join(BASE, 'config.json'))
  ? false
  : 'models/base/config.json is absent (the shipped model is trained by models/train)';

interface Sample {
  readonly audio: string;
  readonly text: string;
  readonly translation: string;
  readonly language: string;
  readonly duration_sec: number;
}
const samples: Sample[] = skip
  ? []
  : (JSON.parse(readFileSync(join(SAMPLES, 'samples.json'), 'utf8')) as Sample[]);
// The shipped model is small and trained on synthetic speech: allow a little slack on the long file.
const MAX_WER = 0.1;

let opened: OpenedWhisperModel | undefined;
before(async () => {
  if (!skip) opened = await openWhisperModel(BASE, { intraOpThreads: 2 });
});
after(async () => opened?.model.close());

function wer(reference: string, hypothesis: string, language: string): number {
  const normalize = normalizerForLanguage(language);
  return errorRate(countWordEdits(normalize(reference), normalize(hypothesis))) ?? 0;
}

test('transcribe() returns the expected text and language for every shipped sample', { skip }, async () => {
  const { model, tokenizer } = opened!;
  for (const s of samples) {
    const pcm = await loadAudioFile(join(SAMPLES, s.audio));
    const r = await transcribe(model, tokenizer, pcm, {});
    assert.equal(r.language, s.language, `${s.audio}: detected ${r.language}`);
    const e = wer(s.text, r.text, s.language);
    assert.ok(e <= MAX_WER, `${s.audio}: WER ${e.toFixed(3)}\n  want: ${s.text}\n  got:  ${r.text}`);
  }
});

test('transcribe({ task: "translate" }) returns the English translation', { skip }, async () => {
  const { model, tokenizer } = opened!;
  for (const s of samples.filter((x) => x.language !== 'en' && x.duration_sec <= 30)) {
    const pcm = await loadAudioFile(join(SAMPLES, s.audio));
    const r = await transcribe(model, tokenizer, pcm, { task: 'translate', language: s.language });
    const e = wer(s.translation, r.text, 'en');
    assert.ok(e <= MAX_WER, `${s.audio}: WER ${e.toFixed(3)}\n  want: ${s.translation}\n  got:  ${r.text}`);
  }
});

test('chorus transcribe --word-timestamps prints segments and words inside the audio', { skip }, async () => {
  const chunks: string[] = [];
  const program = new Command('chorus').exitOverride();
  registerTranscribeCommands(program, { write: (t) => chunks.push(t) });
  const sample = samples.find((s) => s.language === 'en')!;
  await program.parseAsync(
    [
      'transcribe',
      join(SAMPLES, sample.audio),
      '--format',
      'verbose_json',
      '--word-timestamps',
      '--beam',
      '5',
    ],
    { from: 'user' },
  );
  const body = JSON.parse(chunks.join('')) as {
    text: string;
    words: { word: string; start: number; end: number }[];
  };
  assert.ok(wer(sample.text, body.text, 'en') <= MAX_WER, body.text);
  assert.ok(body.words.length > 0);
  for (const w of body.words)
    assert.ok(w.start >= 0 && w.start <= w.end && w.end <= sample.duration_sec + 0.5);
});
