import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { HfCheckpoint, writeDeltaFile, writeSyntheticWhisperCheckpoint } from '../../checkpoint/index.js';
import { registerEvalCommand, runEvalCommand, type OpenedTranscriber } from './eval.js';

const MANIFEST = [
  {
    audio: 'a.wav',
    text: 'eins zwei drei',
    translation: 'one two three',
    language: 'de',
    domain: 'numbers',
    duration_sec: 1,
  },
  {
    audio: 'b.wav',
    text: 'vier fünf',
    translation: 'four five',
    language: 'de',
    domain: 'numbers',
    duration_sec: 1,
  },
  { audio: 'c.wav', text: 'sechs', translation: 'six', language: 'de', domain: 'numbers', duration_sec: 1 },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

/** A fake model: "hears" the reference but drops the last word of "a.wav". */
function fakeOpener(calls: string[]): () => Promise<OpenedTranscriber> {
  return async () => ({
    device: 'cpu',
    close: async () => {
      calls.push('close');
    },
    transcribe: async (entry, request) => {
      calls.push(`${entry.audio}:${request.task}:${request.language ?? 'auto'}`);
      const text = request.task === 'translate' ? (entry.translation ?? '') : entry.text;
      return {
        text: entry.audio === 'a.wav' ? text.split(' ').slice(0, -1).join(' ') : text,
        language: 'de',
      };
    },
  });
}

test('runEvalCommand() evaluates the first --limit utterances, prints the report and writes --json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-eval-cli-'));
  try {
    await writeFile(join(dir, 'set.jsonl'), MANIFEST);
    const calls: string[] = [];
    let printed = '';
    const out = join(dir, 'out', 'report.json');
    const report = await runEvalCommand(
      join(dir, 'set.jsonl'),
      {
        model: 'unused',
        task: 'transcribe',
        language: 'from-manifest',
        worst: 5,
        device: 'cpu',
        limit: 2,
        json: out,
      },
      { openTranscriber: fakeOpener(calls), write: (t) => (printed += t) },
    );
    assert.deepEqual(calls, ['a.wav:transcribe:de', 'b.wav:transcribe:de', 'close']);
    assert.equal(report.overall.wer, 1 / 5); // one deleted word of 3 + 2
    assert.match(printed, /^WER 20\.00%/);
    const json = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    assert.equal(json.utteranceCount, 2);
    assert.equal((json.overall as { wer: number }).wer, 1 / 5);
    assert.equal((json.machine as { device: string }).device, 'cpu');
    assert.equal((json.utterances as unknown[]).length, 2);
    assert.ok(typeof json.date === 'string');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('chorus eval parses its options and runs the translate task with detected language', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-eval-cli-'));
  try {
    await writeFile(join(dir, 'set.jsonl'), MANIFEST);
    const program = new Command().exitOverride();
    registerEvalCommand(program);
    const command = program.commands.find((c) => c.name() === 'eval');
    assert.ok(command);
    // Parse only (no action): check the options commander hands to the action.
    command.action(() => undefined);
    program.parse(
      [
        'eval',
        join(dir, 'set.jsonl'),
        '--model',
        'm',
        '--task',
        'translate',
        '--language',
        'auto',
        '--beam',
        '5',
      ],
      {
        from: 'user',
      },
    );
    assert.deepEqual(command.opts(), {
      model: 'm',
      task: 'translate',
      language: 'auto',
      beam: 5,
      worst: 10,
      device: 'cpu',
    });
    const calls: string[] = [];
    const report = await runEvalCommand(join(dir, 'set.jsonl'), command.opts(), {
      openTranscriber: fakeOpener(calls),
      write: () => undefined,
    });
    assert.equal(report.metric, 'bleu');
    assert.deepEqual(calls.slice(0, 3), [
      'a.wav:translate:auto',
      'b.wav:translate:auto',
      'c.wav:translate:auto',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('chorus eval rejects a bad --task or --limit before doing any work', () => {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerEvalCommand(program);
  assert.throws(
    () => program.parse(['eval', 'm.jsonl', '--model', 'm', '--task', 'dance'], { from: 'user' }),
    {
      code: 'commander.invalidArgument',
    },
  );
  assert.throws(() => program.parse(['eval', 'm.jsonl', '--model', 'm', '--limit', '0'], { from: 'user' }), {
    code: 'commander.invalidArgument',
  });
  assert.throws(() => program.parse(['eval', 'm.jsonl'], { from: 'user' }), {
    code: 'commander.missingMandatoryOptionValue',
  });
});

test('runEvalCommand() fails with REQUEST_INVALID for a missing manifest without opening the model', async () => {
  const calls: string[] = [];
  await assert.rejects(
    runEvalCommand(
      join(tmpdir(), 'no-such-manifest.jsonl'),
      { model: 'm', task: 'transcribe', language: 'from-manifest', worst: 10, device: 'cpu' },
      { openTranscriber: fakeOpener(calls) },
    ),
    { code: 'REQUEST_INVALID' },
  );
  assert.deepEqual(calls, []);
});

test('runEvalCommand() with --expert evaluates base + task vector (λ = 1) from a scratch folder it removes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-eval-cli-'));
  try {
    const base = join(dir, 'base');
    await writeSyntheticWhisperCheckpoint(base, {
      dModel: 32,
      encoderLayers: 1,
      decoderLayers: 1,
      attentionHeads: 2,
      ffnDim: 64,
      maxSourcePositions: 100,
    });
    const name = 'model.decoder.layers.0.fc1.weight';
    await using baseCheckpoint = await HfCheckpoint.open(base);
    const shape = baseCheckpoint.info(name).shape;
    const size = shape.reduce((a, b) => a * b, 1);
    const delta = Float32Array.from({ length: size }, (_, i) => ((i % 7) - 3) / 4096);
    await writeDeltaFile(join(dir, 'delta.safetensors'), [{ name, shape, read: () => delta }], 'F32');
    await writeFile(join(dir, 'set.jsonl'), MANIFEST);
    let seenDir = '';
    const calls: string[] = [];
    const inner = fakeOpener(calls);
    const report = await runEvalCommand(
      join(dir, 'set.jsonl'),
      {
        model: base,
        expert: [join(dir, 'delta.safetensors')],
        task: 'transcribe',
        language: 'from-manifest',
        worst: 1,
        device: 'cpu',
      },
      {
        openTranscriber: async (modelDir) => {
          seenDir = modelDir;
          await using merged = await HfCheckpoint.open(modelDir);
          const before = await baseCheckpoint.readF32(name);
          const after = await merged.readF32(name);
          for (let i = 0; i < size; i += 97) assert.ok(Math.abs(after[i] - (before[i] + delta[i])) < 1e-6);
          return inner();
        },
        write: () => undefined,
      },
    );
    assert.equal(report.utteranceCount, 3);
    assert.notEqual(seenDir, base);
    assert.equal(existsSync(seenDir), false, 'the scratch checkpoint is removed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('chorus eval takes --condition-on-previous-text / --no-… and leaves the model default when neither is given', async () => {
  const parsed = async (...flags: string[]): Promise<unknown> => {
    const program = new Command('chorus').exitOverride();
    registerEvalCommand(program);
    const cmd = program.commands.find((c) => c.name() === 'eval')!;
    let seen: unknown = 'not run';
    cmd.action((_manifest: string, o: { conditionOnPreviousText?: boolean }) => {
      seen = o.conditionOnPreviousText;
    });
    await program.parseAsync(['eval', 'set.jsonl', '--model', 'm', '--fallback', ...flags], { from: 'user' });
    return seen;
  };
  assert.equal(await parsed(), undefined);
  assert.equal(await parsed('--condition-on-previous-text'), true);
  assert.equal(await parsed('--no-condition-on-previous-text'), false);
});
