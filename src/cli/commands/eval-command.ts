/**
 * The declaration of `chorus eval` (argument, options, help text) without its implementation:
 * main.ts declares the command from here and imports eval.ts only when the command runs.
 */
import { Option, type Command } from 'commander';
import type { EvalTask } from '../../eval/index.js';
import type { WeightType } from '../../whisper/index.js';
import { addConditionOnPreviousTextOptions } from './condition-option.js';
import { nonNegativeInt, positiveInt } from './number-arguments.js';
import { WEIGHT_TYPE_CHOICES } from './weight-type-choices.js';

/** Options of `chorus eval` after parsing. */
export interface EvalCommandOptions {
  readonly model: string;
  /** Task vectors (delta file, LoRA adapter or fine-tuned folder) added to the model with λ = 1. */
  readonly expert?: readonly string[];
  readonly task: EvalTask;
  readonly json?: string;
  readonly limit?: number;
  readonly beam?: number;
  /** openai transcribe()'s temperature fallback and timestamps instead of one pass at temperature 0. */
  readonly fallback?: boolean;
  readonly language: 'auto' | 'from-manifest';
  readonly worst: number;
  readonly threads?: number;
  readonly device: 'cpu' | 'cuda';
  readonly weightType?: WeightType;
  /** Cut long recordings at pauses first (TranscribeOptions.vad). */
  readonly vad?: boolean;
  /** Recordings longer than a window: prompt each with the previous text (undefined: the model's default). */
  readonly conditionOnPreviousText?: boolean;
}

/** Declares `chorus eval` on the program; `run` is its action (manifest path, parsed options). */
export function declareEvalCommand(
  program: Command,
  run: (manifestPath: string, options: EvalCommandOptions) => Promise<unknown>,
): void {
  addConditionOnPreviousTextOptions(program.command('eval'))
    .description(
      'Evaluate a model on a manifest: WER/CER with Whisper normalisers (transcribe) or BLEU (translate)',
    )
    .argument('<manifest>', 'a JSONL manifest, or a folder of them (e.g. models/eval/test)')
    .requiredOption('--model <dir>', 'Hugging Face Whisper checkpoint folder')
    .option(
      '--expert <path...>',
      'task vector(s) over --model (delta file, LoRA adapter or fine-tuned folder), added with λ = 1',
    )
    .addOption(
      new Option('--task <task>', 'transcribe (WER/CER vs text) or translate (BLEU vs translation)')
        .choices(['transcribe', 'translate'])
        .default('transcribe'),
    )
    .option('--json <out>', 'write the full report (every utterance) as JSON')
    .option('--limit <n>', 'only the first N utterances', positiveInt)
    .option('--beam <n>', 'beam size (default: greedy)', positiveInt)
    .option(
      '--fallback',
      "decode with openai transcribe()'s temperature fallback and timestamps (default: one pass at temperature 0 without timestamps, as openai's evaluations)",
    )
    .addOption(
      new Option('--language <mode>', 'from-manifest (forced) or auto (detected)')
        .choices(['from-manifest', 'auto'])
        .default('from-manifest'),
    )
    .option('--vad', 'cut long recordings at pauses (energy VAD) into chunks of at most one window first')
    .option('--worst <n>', 'how many worst utterances to list', nonNegativeInt, 10)
    .option('--threads <n>', 'ONNX Runtime intra-op threads', positiveInt)
    .addOption(new Option('--device <device>', 'execution provider').choices(['cpu', 'cuda']).default('cpu'))
    .addOption(
      new Option(
        '--weight-type <type>',
        'weight storage: float32 (CPU default), float16 (CUDA default) or int8 (decoder in 8-bit blocks)',
      ).choices(WEIGHT_TYPE_CHOICES),
    )
    .action(async (manifest: string, options: EvalCommandOptions) => {
      await run(manifest, options);
    });
}
