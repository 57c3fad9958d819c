/**
 * End to end on the shipped model through the CLI command: every sample in
 * models/samples/samples.json, transcribe and translate. Token-exact parity with the training
 * recipe is in src/whisper/transcribe.model.test.ts; here the accuracy bar applies only when the
 * shipped model's own metrics say it can meet it. Skips with a reason until models/base exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { countWordEdits, errorRate, normalizerForLanguage } from '../../eval/index.js';
import { registerTranscribeCommands } from './transcribe.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const SAMPLES = join(MODELS, 'samples');
const hasModel = existsSync(join(BASE, 'config.json'));
const skip = hasModel
  ? false
  : 'models/base/config.json is absent (the shipped model is trained by models/train)';

interface Sample {
  readonly audio: string;
  readonly text: string;
  readonly translation: string;
  readonly language: string;
  readonly duration_sec: number;
}
const samples: Sample[] = hasModel
  ? (JSON.parse(readFileSync(join(SAMPLES, 'samples.json'), 'utf8')) as Sample[])
  : [];

// Word error rate the samples must meet, and the shipped test-set WER (models/train/metrics,
// written by `package.py evalship`) below which that bar is meaningful.
const MAX_SAMPLE_WER = 0.15;
const MAX_SHIPPED_TEST_WER = 0.3;
function accuracySkip(): string | false {
  if (!hasModel) return skip;
  const path = join(MODELS, 'train', 'metrics', 'base-test-all.json');
  if (!existsSync(path)) return 'models/train/metrics/base-test-all.json is absent';
  const wer = (JSON.parse(readFileSync(path, 'utf8')) as { metrics: { all: { wer: number } } }).metrics.all
    .wer;
  return wer > MAX_SHIPPED_TEST_WER
    ? `the shipped base model's own test WER is ${wer} (> ${MAX_SHIPPED_TEST_WER}): no accuracy bar yet`
    : false;
}

async function cli(...argv: string[]): Promise<string> {
  const chunks: string[] = [];
  const program = new Command('chorus').exitOverride();
  registerTranscribeCommands(program, { write: (t) => chunks.push(t) });
  await program.parseAsync(argv, { from: 'user' });
  return chunks.join('');
}

/** Splits multi-file text output ("==> file <==" headers) into file → text. */
function byFile(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of stdout.split(/^==> /m).filter((b) => b !== '')) {
    const [header, ...rest] = block.split('\n');
    out.set(header.replace(/ <==$/, ''), rest.join('\n').trim());
  }
  return out;
}

function wer(reference: string, hypothesis: string, language: string): number {
  const normalize = normalizerForLanguage(language);
  return errorRate(countWordEdits(normalize(reference), normalize(hypothesis))) ?? 0;
}

const files = () => samples.map((s) => join(SAMPLES, s.audio));

type Task = 'transcribe' | 'translate' | 'transcribe-int8' | 'transcribe-vad';
/** Every sample transcribed (language detected) or translated, once per task for the whole file. */
const decodedByTask = new Map<Task, Promise<Map<string, string>>>();
function decodeAll(task: Task): Promise<Map<string, string>> {
  let decoded = decodedByTask.get(task);
  if (decoded === undefined) {
    const extra: Record<Task, string[]> = {
      transcribe: [],
      translate: [],
      'transcribe-int8': ['--weight-type', 'int8'],
      'transcribe-vad': ['--vad'],
    };
    const argv = [task === 'translate' ? 'translate' : 'transcribe', ...files(), ...extra[task]];
    decoded = cli(...argv, '--threads', '2').then(byFile);
    decodedByTask.set(task, decoded);
  }
  return decoded;
}

test('chorus transcribe and translate run every shipped sample', { skip }, async () => {
  const transcripts = await decodeAll('transcribe');
  const translations = await decodeAll('translate');
  for (const s of samples) {
    const file = join(SAMPLES, s.audio);
    assert.ok((transcripts.get(file) ?? '').length > 0, `${s.audio}: no transcript`);
    assert.ok((translations.get(file) ?? '').length > 0, `${s.audio}: no translation`);
  }
});

// The shipped model's window (preprocessor_config.json chunk_length, seconds): samples that fit in
// one window are the sample bar; longer ones go through the long-form seek loop.
const windowSec: number = hasModel
  ? (JSON.parse(readFileSync(join(BASE, 'preprocessor_config.json'), 'utf8')) as { chunk_length: number })
      .chunk_length
  : 0;
const oneWindow = () => samples.filter((s) => s.duration_sec <= windowSec);
const longForm = () => samples.filter((s) => s.duration_sec > windowSec);

/** Transcribes (language detected) or translates the samples, and lists those above MAX_SAMPLE_WER. */
async function sampleMisses(list: readonly Sample[], task: Task): Promise<string[]> {
  const out = await decodeAll(task);
  const misses: string[] = [];
  for (const s of list) {
    const got = out.get(join(SAMPLES, s.audio)) ?? '';
    const want = task === 'translate' ? s.translation : s.text;
    if (wer(want, got, task === 'translate' ? 'en' : s.language) > MAX_SAMPLE_WER)
      misses.push(`${s.audio} ${task}: ${got}`);
  }
  return misses;
}

test(
  'chorus transcribe returns the expected text of every one-window sample, language detected',
  {
    skip: accuracySkip(),
  },
  async () => {
    assert.ok(oneWindow().length >= 4, 'at least four one-window samples');
    assert.deepEqual(await sampleMisses(oneWindow(), 'transcribe'), []);
  },
);

test(
  'chorus transcribe --weight-type int8 (8-bit decoder weights) still gets every one-window sample right',
  { skip: accuracySkip() },
  async () => {
    assert.deepEqual(await sampleMisses(oneWindow(), 'transcribe-int8'), []);
  },
);

test(
  'chorus transcribe --vad returns the expected text of the long-form sample, language detected',
  {
    skip: accuracySkip(),
  },
  async () => {
    assert.ok(longForm().length >= 1, 'a long-form sample');
    assert.deepEqual(await sampleMisses(longForm(), 'transcribe-vad'), []);
  },
);

test(
  'chorus translate returns English for every sample: nearer the English reference than the source text',
  {
    skip: accuracySkip(),
  },
  async () => {
    const out = await decodeAll('translate');
    for (const s of samples.filter((x) => x.language !== 'en')) {
      const got = out.get(join(SAMPLES, s.audio)) ?? '';
      const toEnglish = wer(s.translation, got, 'en');
      const toSource = wer(s.text, got, s.language);
      assert.ok(
        toEnglish < toSource,
        `${s.audio}: "${got}" (WER ${toEnglish} vs English, ${toSource} vs ${s.language})`,
      );
    }
  },
);

// The long-form sample through openai's sequential seek loop (no --vad), with the model's own
// decoding defaults: its generation_config declares condition_on_prev_tokens false (it never saw
// previous-text prompts in training), and without them the loop keeps every sentence (21 % WER in
// session 10; with them 65 %: sentences lost once the small model's timestamps drift). A bar with
// margin, not yet the sample bar (the todo below).
const MAX_SEEK_LOOP_WER = 0.3;
test(
  "chorus transcribe decodes the long-form sample through the seek loop within 30 % WER, with the model's defaults",
  { skip: accuracySkip() },
  async () => {
    const out = await decodeAll('transcribe');
    assert.ok(longForm().length >= 1, 'a long-form sample');
    for (const s of longForm()) {
      const got = out.get(join(SAMPLES, s.audio)) ?? '';
      const e = wer(s.text, got, s.language);
      assert.ok(e <= MAX_SEEK_LOOP_WER, `${s.audio}: WER ${e}: ${got}`);
    }
  },
);

// Not met by the shipped model yet (models/README.md, status): the French sample's translation
// (wrong noun, second sentence dropped) and the long-form sample through the seek loop exactly
// (without --vad: numbers and a few commands come out wrong once windows start mid-sentence). The test
// runs and lists every miss, as a todo, so it reports without failing CI; drop the todo once the
// misses are gone.
test(
  'chorus translates every sample exactly, and transcribes the long-form sample without --vad',
  {
    skip: accuracySkip(),
    todo: 'shipped model misses these (models/README.md status); the failure lists them',
  },
  async () => {
    const misses = [
      ...(await sampleMisses(longForm(), 'transcribe')),
      ...(await sampleMisses(samples, 'translate')),
    ];
    assert.deepEqual(misses, []);
  },
);

test('chorus transcribe --word-timestamps --beam 5 gives words inside the audio', { skip }, async () => {
  const sample = samples.find((s) => s.language === 'en' && s.duration_sec < 6)!;
  const body = JSON.parse(
    await cli(
      'transcribe',
      join(SAMPLES, sample.audio),
      '--format',
      'verbose_json',
      '--word-timestamps',
      '--beam',
      '5',
      '--language',
      'en',
    ),
  ) as {
    text: string;
    segments: { start: number; end: number }[];
    words?: { word: string; start: number; end: number }[];
  };
  for (const seg of body.segments) assert.ok(seg.start >= 0 && seg.start <= seg.end);
  const words = body.words ?? [];
  assert.equal(words.map((w) => w.word).join(' ').length > 0, body.text.length > 0);
  for (let i = 0; i < words.length; i++) {
    assert.ok(
      words[i].start >= 0 && words[i].start <= words[i].end && words[i].end <= sample.duration_sec + 1,
      JSON.stringify(words[i]),
    );
    if (i > 0) assert.ok(words[i].start >= words[i - 1].start);
  }
});
