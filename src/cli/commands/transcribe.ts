/**
 * `chorus transcribe FILE…` and `chorus translate FILE…`: runs a Whisper checkpoint folder over
 * WAV files and prints text, JSON, verbose JSON (OpenAI's shapes), SRT or VTT on stdout, with a
 * progress bar on stderr for long files when stderr is a TTY.
 */
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { loadAudioFile } from '../../audio/index.js';
import {
  openWhisperModel,
  toSrt,
  toVerboseJson,
  toVtt,
  transcribe,
  toLanguageCode,
  type TranscribeOptions,
  type TranscriptionResult,
  type WhisperTask,
  WEIGHT_TYPES,
  type WeightType,
} from '../../whisper/index.js';
import { AppError } from '../../shared/index.js';
import { addConditionOnPreviousTextOptions } from './condition-option.js';
import { positiveInt } from './positive-int.js';

/** Output formats (the OpenAI API's `response_format` values). */
export const TRANSCRIBE_FORMATS = ['text', 'json', 'verbose_json', 'srt', 'vtt'] as const;
type TranscribeFormat = (typeof TRANSCRIBE_FORMATS)[number];

export interface TranscribeCommandOptions {
  readonly model: string;
  readonly language: string;
  readonly task: WhisperTask;
  readonly format: TranscribeFormat;
  readonly beam?: number;
  readonly wordTimestamps?: boolean;
  readonly device: 'cpu' | 'cuda';
  readonly threads?: number;
  readonly weightType?: WeightType;
  readonly prompt?: string;
  readonly temperature?: number;
  /**
   * `--condition-on-previous-text` / `--no-condition-on-previous-text`; undefined (neither given):
   * the model's default (generation_config `condition_on_prev_tokens`, else true).
   */
  readonly conditionOnPreviousText?: boolean;
  /** Cut long recordings at pauses first (energy VAD). */
  readonly vad?: boolean;
}

// Files longer than one 30-s window get a progress bar (shorter ones finish in one step).
const PROGRESS_MIN_SEC = 30;

/** The shipped base model, relative to this file (src/cli/commands → repo root). */
const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/base', import.meta.url));

function temperatureValue(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** Formats one result for stdout. */
export function formatTranscription(
  result: TranscriptionResult,
  format: TranscribeFormat,
  task: WhisperTask,
): string {
  switch (format) {
    case 'text':
      return result.text + '\n';
    case 'json':
      return JSON.stringify({ text: result.text }) + '\n';
    case 'verbose_json':
      return JSON.stringify(toVerboseJson(result, task), null, 2) + '\n';
    case 'srt':
      return toSrt(result.segments);
    case 'vtt':
      return toVtt(result.segments);
  }
}

function addOptions(cmd: Command, withTask: boolean): Command {
  cmd
    .argument('<files...>', 'WAV files (any sample rate and channel count)')
    .option('-m, --model <dir>', 'Whisper checkpoint folder (Hugging Face layout)', DEFAULT_MODEL_DIR)
    .option('-l, --language <code>', 'spoken language code or name, or "auto" to detect', 'auto')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(TRANSCRIBE_FORMATS).default('text'),
    )
    .option('--beam <n>', 'beam search width (default: greedy)', positiveInt)
    .option('--word-timestamps', 'word-level timings (verbose_json words)')
    .option(
      '--vad',
      'cut the audio at pauses (energy VAD) into chunks of at most one model window, each transcribed on its own (default: the sequential seek loop)',
    )
    .option('--prompt <text>', 'initial prompt (spelling, vocabulary, style)');
  addConditionOnPreviousTextOptions(cmd)
    .option(
      '--temperature <t>',
      'one decoding temperature instead of the 0…1 fallback schedule',
      temperatureValue,
    )
    .addOption(new Option('--device <device>', 'execution provider').choices(['cpu', 'cuda']).default('cpu'))
    .option('--threads <n>', 'ONNX Runtime intra-op threads', positiveInt)
    .addOption(
      new Option(
        '--weight-type <type>',
        'weight storage: float32 (CPU default), float16 (CUDA default), int8 (decoder matrices in 8-bit blocks: faster decoding, ~1/4 of the memory)',
      ).choices(WEIGHT_TYPES),
    );
  if (withTask) {
    cmd.addOption(
      new Option('--task <task>', 'transcribe, or translate to English')
        .choices(['transcribe', 'translate'])
        .default('transcribe'),
    );
  }
  return cmd;
}

/** The decoding options a transcribe/translate command line asks for. */
export function transcribeOptionsOf(o: TranscribeCommandOptions): TranscribeOptions {
  return {
    language: o.language,
    task: o.task,
    ...(o.beam === undefined ? {} : { beamSize: o.beam }),
    wordTimestamps: o.wordTimestamps === true,
    ...(o.prompt === undefined ? {} : { initialPrompt: o.prompt }),
    ...(o.temperature === undefined ? {} : { temperature: o.temperature }),
    ...(o.conditionOnPreviousText === undefined
      ? {}
      : { conditionOnPreviousText: o.conditionOnPreviousText }),
    vad: o.vad === true,
  };
}

/** Where results go (stdout by default; tests pass a collector). */
export interface TranscribeOutput {
  write(text: string): void;
}

async function run(
  files: readonly string[],
  o: TranscribeCommandOptions,
  out: TranscribeOutput,
): Promise<void> {
  // Cheap checks first, so bad input fails before the model is built.
  if (o.language !== 'auto' && toLanguageCode(o.language) === undefined) {
    throw new AppError('REQUEST_INVALID', `Cannot transcribe: unknown language "${o.language}"`);
  }
  const audio: Float32Array[] = [];
  for (const file of files) audio.push(await loadAudioFile(file));
  const { model, tokenizer } = await openWhisperModel(o.model, {
    device: o.device,
    ...(o.threads === undefined ? {} : { intraOpThreads: o.threads }),
    ...(o.weightType === undefined ? {} : { weightType: o.weightType }),
  });
  try {
    for (const [i, file] of files.entries()) {
      const pcm = audio[i];
      const durationSec = pcm.length / 16_000;
      const bar =
        process.stderr.isTTY === true && durationSec > PROGRESS_MIN_SEC
          ? new SingleBar({ format: `${file} [{bar}] {value}/{total} s`, stream: process.stderr })
          : undefined;
      bar?.start(Math.round(durationSec), 0);
      let result: TranscriptionResult;
      try {
        result = await transcribe(model, tokenizer, pcm, {
          ...transcribeOptionsOf(o),
          onProgress: (doneSec) => bar?.update(Math.round(doneSec)),
        });
      } finally {
        bar?.stop();
      }
      if (files.length > 1 && (o.format === 'text' || o.format === 'srt' || o.format === 'vtt')) {
        out.write(`==> ${file} <==\n`);
      }
      out.write(formatTranscription(result, o.format, o.task));
    }
  } finally {
    await model.close();
  }
}

/** Registers `transcribe` and `translate` (= transcribe --task translate). */
export function registerTranscribeCommands(
  program: Command,
  out: TranscribeOutput = { write: (text) => process.stdout.write(text) },
): void {
  addOptions(program.command('transcribe').description('Transcribe speech in audio files'), true).action(
    (files: string[], o: TranscribeCommandOptions) => run(files, o, out),
  );
  addOptions(
    program.command('translate').description('Translate speech in audio files to English text'),
    false,
  ).action((files: string[], o: Omit<TranscribeCommandOptions, 'task'>) =>
    run(files, { ...o, task: 'translate' }, out),
  );
}
