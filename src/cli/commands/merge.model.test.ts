/**
 * End to end on the shipped reference models: `chorus merge` merges the language experts
 * (models/experts/<lang>/delta.safetensors) into models/base, and the merged checkpoint transcribes
 * the shipped samples of those languages through `chorus transcribe`, no worse than the base beyond
 * a small margin. Skips with a reason while
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
import { registerTranscribeCommands } from './transcribe.js';

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
// A merge of several language experts is not each expert, and the shipped models are small: the
// merged model may lose a little against the base on a sample, not collapse.
const MAX_WER_LOSS_VS_BASE = 0.25;

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-merge-models-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function meanWer(dir: string, samples: readonly Sample[]): Promise<number> {
  const { model, tokenizer } = await openWhisperModel(dir, { intraOpThreads: 2 });
  try {
    let sum = 0;
    for (const s of samples) {
      const r = await transcribe(model, tokenizer, await loadAudioFile(join(SAMPLES, s.audio)), {
        language: s.language,
      });
      const normalize = normalizerForLanguage(s.language);
      sum += errorRate(countWordEdits(normalize(s.text), normalize(r.text))) ?? 0;
    }
    return sum / samples.length;
  } finally {
    await model.close();
  }
}

test(
  'chorus merge of the language experts gives a checkpoint that chorus transcribe runs',
  { skip },
  async (t) => {
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
        'output: { dtype: float16 }',
      ].join('\n'),
    );
    const out = join(root, 'merged');
    const program = new Command('chorus').exitOverride();
    const printed: string[] = [];
    registerMergeCommand(program);
    registerTranscribeCommands(program, { write: (text) => printed.push(text) });
    await program.parseAsync(
      ['merge', recipe, '--out', out, '--threads', '1', '--no-progress', '--pathways'],
      { from: 'user' },
    );
    assert.ok((await readdir(join(out, 'pathways'))).includes(`${languageExperts[0]}.mask.safetensors`));
    const samples = (JSON.parse(readFileSync(join(SAMPLES, 'samples.json'), 'utf8')) as Sample[]).filter(
      (s) => languageExperts.includes(s.language) && s.duration_sec <= 30,
    );
    assert.ok(samples.length > 0);
    for (const s of samples) {
      printed.length = 0;
      await program.parseAsync(
        ['transcribe', join(SAMPLES, s.audio), '--model', out, '--language', s.language, '--format', 'json'],
        {
          from: 'user',
        },
      );
      const body = JSON.parse(printed.join('')) as { text: unknown };
      assert.equal(typeof body.text, 'string', `${s.audio}: no text`);
    }
    const merged = await meanWer(out, samples);
    const base = await meanWer(BASE, samples);
    t.diagnostic(
      `mean WER on ${samples.length} samples: merged ${merged.toFixed(3)}, base ${base.toFixed(3)}`,
    );
    assert.ok(
      merged <= base + MAX_WER_LOSS_VS_BASE,
      `merged WER ${merged.toFixed(3)} vs base ${base.toFixed(3)}`,
    );
  },
);
