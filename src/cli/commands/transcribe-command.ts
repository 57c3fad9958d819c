/**
 * The declarations of `chorus transcribe` and `chorus translate` (arguments, options, help text)
 * without their implementation: main.ts declares the commands from here and imports
 * transcribe.ts only when one of them runs.
 */
import { Option, type Command } from 'commander';
import { fileURLToPath } from 'node:url';
import type { WeightType, WhisperTask } from '../../whisper/index.js';
import { addConditionOnPreviousTextOptions } from './condition-option.js';
import { nonNegativeNumber, positiveInt } from './number-arguments.js';
import { WEIGHT_TYPE_CHOICES } from './weight-type-choices.js';

/** Output formats (the OpenAI API's `response_format` values). */
export const TRANSCRIBE_FORMATS = ['text', 'json', 'verbose_json', 'srt', 'vtt'] as const;
/** One of {@link TRANSCRIBE_FORMATS}. */
export type TranscribeFormat = (typeof TRANSCRIBE_FORMATS)[number];

/** Options of `chorus transcribe` and `chorus translate` after parsing. */
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

/** The shipped base model, relative to this file (src/cli/commands → repo root). */
const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/base', import.meta.url));

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
      nonNegativeNumber,
    )
    .addOption(new Option('--device <device>', 'execution provider').choices(['cpu', 'cuda']).default('cpu'))
    .option('--threads <n>', 'ONNX Runtime intra-op threads', positiveInt)
    .addOption(
      new Option(
        '--weight-type <type>',
        'weight storage: float32 (CPU default), float16 (CUDA default), int8 (decoder matrices in 8-bit blocks: faster decoding, ~1/4 of the memory)',
      ).choices(WEIGHT_TYPE_CHOICES),
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

/**
 * Declares `transcribe` and `translate` (= transcribe --task translate) on the program; `run` is
 * the action of both (files, parsed options).
 */
export function declareTranscribeCommands(
  program: Command,
  run: (files: readonly string[], options: TranscribeCommandOptions) => Promise<void>,
): void {
  addOptions(program.command('transcribe').description('Transcribe speech in audio files'), true).action(
    (files: string[], o: TranscribeCommandOptions) => run(files, o),
  );
  addOptions(
    program.command('translate').description('Translate speech in audio files to English text'),
    false,
  ).action((files: string[], o: Omit<TranscribeCommandOptions, 'task'>) =>
    run(files, { ...o, task: 'translate' }),
  );
}
