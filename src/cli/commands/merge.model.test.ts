/**
 * End to end on the shipped reference models: `chorus merge` merges the language experts
 * (models/experts/<lang>/delta.safetensors) into models/base, and the merged checkpoint transcribes
 * the shipped samples of those languages through chorus's own pipeline. Skips with a reason while
 * the models are absent (they are trained by models/train).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadAudioFile } from '../../audio/index.js';
import { countWordEdits, errorRate, normalizerForLanguage } from '../../eval/index.js';
import { openWhisperModel, transcribe, WHISPER_LANGUAGES } from '../../whisper/index.js';
import { registerMergeCommand } from './merge.js';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASE = join(MODELS, 'base');
const EXPERTS = join(MODELS, 'experts');
const SAMPLES = join(MODELS, 'samples');
const LANGUAGE_CODES = new Set(WHISPER_LANGUAGES.map(([code]) => code));
const languageExperts =
  existsSync(join(BASE, 'config.json')) && existsSync(EXPERTS)
    ? readdirSync(EXPERTS)
        .filter((name) => LANGUAGE_CODES.has(name) && existsSync(join(EXPERTS, name, 'delta.safetensors')))
        .sort()
    : [];
const skip =
  languageExperts.length >= 2
    ? false
    : 'models/base and at least two models/experts/<language>/delta.safetensors are needed (trained by models/train)';

interface Sample {
  readonly audio: string;
  readonly text: string;
  readonly language: string;
  readonly duration_sec: number;
}
// A merge of several language experts is not each expert: allow more slack than the base test.
const MAX_WER = 0.35;

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-merge-models-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test(
  'chorus merge of the language experts gives a checkpoint that transcribes their samples',
  { skip },
  async () => {
    const recipe = join(root, 'languages.yaml');
    await writeFile(
      recipe,
      [
        `base: ${BASE}`,
        'method: ties',
        'parameters: { density: 0.2, lambda: 1.0 }',
        'experts:',
        ...languageExperts.map(
          (name) => `  - { path: ${join(EXPERTS, name, 'delta.safetensors')}, name: ${name} }`,
        ),
        'output: { dtype: float32 }',
      ].join('\n'),
    );
    const out = join(root, 'merged');
    const program = new Command('chorus').exitOverride();
    registerMergeCommand(program);
    await program.parseAsync(
      ['merge', recipe, '--out', out, '--threads', '1', '--no-progress', '--pathways'],
      { from: 'user' },
    );
    assert.ok((await readdir(join(out, 'pathways'))).includes(`${languageExperts[0]}.mask.safetensors`));
    const samples = (JSON.parse(readFileSync(join(SAMPLES, 'samples.json'), 'utf8')) as Sample[]).filter(
      (s) => languageExperts.includes(s.language) && s.duration_sec <= 30,
    );
    const { model, tokenizer } = await openWhisperModel(out, { intraOpThreads: 2 });
    try {
      for (const s of samples) {
        const r = await transcribe(model, tokenizer, await loadAudioFile(join(SAMPLES, s.audio)), {});
        const normalize = normalizerForLanguage(s.language);
        const wer = errorRate(countWordEdits(normalize(s.text), normalize(r.text))) ?? 0;
        assert.equal(r.language, s.language, `${s.audio}: detected ${r.language}`);
        assert.ok(wer <= MAX_WER, `${s.audio}: WER ${wer.toFixed(3)}\n  want: ${s.text}\n  got:  ${r.text}`);
      }
    } finally {
      await model.close();
    }
  },
);
