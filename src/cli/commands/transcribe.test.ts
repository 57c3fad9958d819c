import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { encodeWav16 } from '../../audio/index.js';
import { writeSyntheticWhisperCheckpoint } from '../../checkpoint/index.js';
import {
  registerTranscribeCommands,
  transcribeOptionsOf,
  type TranscribeCommandOptions,
} from './transcribe.js';

const TOKENIZER_DIR = fileURLToPath(new URL('../../../models/tokenizer/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
const modelDir = join(scratch, 'model');
const noTokenizerDir = join(scratch, 'no-tokenizer');
const wav = join(scratch, 'tone.wav');
const corrupt = join(scratch, 'corrupt.wav');

before(async () => {
  const options = {
    dModel: 32,
    encoderLayers: 1,
    decoderLayers: 1,
    attentionHeads: 2,
    ffnDim: 64,
    maxSourcePositions: 100,
  };
  await writeSyntheticWhisperCheckpoint(modelDir, options);
  await writeSyntheticWhisperCheckpoint(noTokenizerDir, options);
  for (const f of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(TOKENIZER_DIR, f), join(modelDir, f));
  writeFileSync(
    wav,
    encodeWav16(
      new Float32Array(8000 * 2).map((_, i) => 0.2 * Math.sin(i / 5)),
      8000,
    ),
  );
  writeFileSync(corrupt, Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt garbage'));
  mkdirSync(join(scratch, 'empty'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the transcribe commands in-process, collecting stdout. */
async function cli(...argv: string[]): Promise<string> {
  const chunks: string[] = [];
  const program = new Command('chorus').exitOverride();
  registerTranscribeCommands(program, { write: (text) => chunks.push(text) });
  await program.parseAsync(argv, { from: 'user' });
  return chunks.join('');
}

const fast = ['--language', 'en', '--temperature', '0', '--threads', '1'];

test('chorus transcribe --format verbose_json prints OpenAI verbose_json for a WAV file', async () => {
  const stdout = await cli('transcribe', wav, '--model', modelDir, '--format', 'verbose_json', ...fast);
  const body = JSON.parse(stdout) as {
    task: string;
    language: string;
    duration: number;
    segments: unknown[];
  };
  assert.equal(body.task, 'transcribe');
  assert.equal(body.language, 'english');
  assert.equal(body.duration, 2);
  assert.ok(Array.isArray(body.segments));
});

test('chorus translate sets the task to translate', async () => {
  const j = await cli('translate', wav, '--model', modelDir, '--format', 'verbose_json', ...fast);
  assert.equal((JSON.parse(j) as { task: string }).task, 'translate');
});

test('command-line flags reach the decoding options (--no-condition-on-previous-text, --prompt, --beam, --vad)', async () => {
  const parsed = async (...flags: string[]) => {
    const program = new Command('chorus').exitOverride();
    registerTranscribeCommands(program, { write: () => undefined });
    await program.parseAsync(['transcribe', wav, '--model', modelDir, ...fast, ...flags], { from: 'user' });
    const cmd = program.commands.find((c) => c.name() === 'transcribe')!;
    return transcribeOptionsOf(cmd.opts<TranscribeCommandOptions>());
  };
  const defaults = await parsed();
  // neither form given: transcribe() takes the model's default
  assert.equal(defaults.conditionOnPreviousText, undefined);
  assert.equal((await parsed('--condition-on-previous-text')).conditionOnPreviousText, true);
  assert.equal(defaults.beamSize, undefined);
  assert.equal(defaults.initialPrompt, undefined);
  assert.equal(defaults.vad, false);
  const set = await parsed(
    '--no-condition-on-previous-text',
    '--prompt',
    'Room 606.',
    '--beam',
    '3',
    '--vad',
  );
  assert.equal(set.vad, true);
  assert.equal(set.conditionOnPreviousText, false);
  assert.equal(set.initialPrompt, 'Room 606.');
  assert.equal(set.beamSize, 3);
  assert.equal(set.temperature, 0);
  assert.equal(set.language, 'en');
});

test('chorus transcribe rejects bad input with a typed error naming the problem', async () => {
  const cases: [string[], string][] = [
    [['transcribe', corrupt, '--model', modelDir, ...fast], 'AUDIO_MALFORMED'],
    [['transcribe', join(scratch, 'missing.wav'), '--model', modelDir, ...fast], 'REQUEST_INVALID'],
    [['transcribe', wav, '--model', join(scratch, 'nowhere'), ...fast], 'MODEL_NOT_FOUND'],
    [['transcribe', wav, '--model', join(scratch, 'empty'), ...fast], 'CHECKPOINT_INVALID'],
    [['transcribe', wav, '--model', noTokenizerDir, ...fast], 'TOKENIZER_INVALID'],
    [['transcribe', wav, '--model', modelDir, '--language', 'klingon'], 'REQUEST_INVALID'],
  ];
  for (const [argv, code] of cases) await assert.rejects(cli(...argv), { code }, argv.join(' '));
});

test('bin/chorus exits 2 with "chorus: CODE: message" on stderr', () => {
  const bin = fileURLToPath(new URL('../../../bin/chorus.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'transcribe', wav, '--model', join(scratch, 'nowhere')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^chorus: MODEL_NOT_FOUND: Cannot open checkpoint .*nowhere/);
});
