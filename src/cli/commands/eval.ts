/**
 * `chorus eval MANIFEST --model DIR`: transcribes (or translates) every utterance of an evaluation
 * manifest and reports WER/CER (or BLEU) overall, per language and per domain, the worst
 * utterances and the real-time factor; `--json OUT` writes everything.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadAudioFile } from '../../audio/index.js';
import {
  evaluateManifest,
  formatEvalReport,
  readManifest,
  type EvalReport,
  type EvalTask,
  type TranscribeFn,
} from '../../eval/index.js';
import { mergeToCheckpoint, parseMergeRecipe } from '../../merge/index.js';
import { openWhisperModel, transcribe, WEIGHT_TYPES, type WeightType } from '../../whisper/index.js';
import { addConditionOnPreviousTextOptions } from './condition-option.js';
import { positiveInt } from './positive-int.js';

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

const nonNegativeInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};
const oneOf =
  <T extends string>(...choices: T[]) =>
  (value: string): T => {
    if (!(choices as string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };

/** Decoding used by default when scoring: one greedy (or beam) pass, no timestamp tokens. */
export const EVAL_DECODING = { temperature: 0, withoutTimestamps: true } as const;

/** A transcriber over a loaded model, and how to release it. */
export interface OpenedTranscriber {
  readonly transcribe: TranscribeFn;
  readonly device: string;
  close(): Promise<void>;
}

/** Opens the model folder and wraps the Whisper pipeline as the runner's injected transcriber. */
export async function openEvalTranscriber(
  modelDir: string,
  options: {
    readonly beam?: number;
    readonly fallback?: boolean;
    readonly threads?: number;
    readonly device: 'cpu' | 'cuda';
    readonly weightType?: WeightType;
    readonly vad?: boolean;
    readonly conditionOnPreviousText?: boolean;
  },
): Promise<OpenedTranscriber> {
  const { model, tokenizer } = await openWhisperModel(modelDir, {
    device: options.device,
    ...(options.threads !== undefined ? { intraOpThreads: options.threads } : {}),
    ...(options.weightType !== undefined ? { weightType: options.weightType } : {}),
  });
  return {
    device: model.device,
    close: () => model.close(),
    transcribe: async (entry, request) => {
      const pcm = await loadAudioFile(entry.audioPath);
      const result = await transcribe(model, tokenizer, pcm, {
        task: request.task,
        language: request.language,
        ...(options.beam !== undefined ? { beamSize: options.beam } : {}),
        // openai's LibriSpeech evaluation decodes once at temperature 0 without timestamps
        // (notebooks/LibriSpeech.ipynb: DecodingOptions(language=…, without_timestamps=True)).
        ...(options.fallback === true ? {} : EVAL_DECODING),
        vad: options.vad === true,
        ...(options.conditionOnPreviousText === undefined
          ? {}
          : { conditionOnPreviousText: options.conditionOnPreviousText }),
      });
      return { text: result.text, language: result.language, audioDurationSec: result.durationSec };
    },
  };
}

/**
 * Writes base + Σ experts (task arithmetic, λ = 1: with one expert, the expert model itself) into
 * a new checkpoint folder under `scratchDir`, through the merge engine, and returns its path.
 * @throws AppError as `mergeToCheckpoint` (MERGE_INPUT_INVALID for an expert not made from this base)
 */
export async function applyExperts(
  baseDir: string,
  experts: readonly string[],
  scratchDir: string,
): Promise<string> {
  const recipe = parseMergeRecipe({
    base: resolve(baseDir),
    method: 'task_arithmetic',
    parameters: { lambda: 1 },
    experts: experts.map((path) => ({ path: resolve(path) })),
    output: { dtype: 'float32' },
  });
  const out = join(scratchDir, 'model');
  await mergeToCheckpoint(recipe, out, { overwrite: true });
  return out;
}

/** What {@link runEvalCommand} needs from outside, replaceable in tests. */
export interface EvalCommandDependencies {
  readonly openTranscriber?: typeof openEvalTranscriber;
  /** Where the text report goes (default stdout). */
  readonly write?: (text: string) => void;
}

/** Runs `chorus eval`; returns the report (also printed, and written with --json). */
export async function runEvalCommand(
  manifestPath: string,
  options: EvalCommandOptions,
  dependencies: EvalCommandDependencies = {},
): Promise<EvalReport> {
  const all = await readManifest(manifestPath);
  const entries = options.limit === undefined ? all : all.slice(0, options.limit);
  const experts = options.expert ?? [];
  const scratch = experts.length > 0 ? await mkdtemp(join(tmpdir(), 'chorus-eval-')) : undefined;
  let opened: OpenedTranscriber;
  try {
    const modelDir =
      scratch === undefined ? options.model : await applyExperts(options.model, experts, scratch);
    opened = await (dependencies.openTranscriber ?? openEvalTranscriber)(modelDir, options);
  } catch (e) {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    throw e;
  }
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: 'eval [{bar}] {value}/{total} {id} eta {eta_formatted}',
      })
    : undefined;
  let report: EvalReport;
  try {
    bar?.start(entries.length, 0, { id: '' });
    report = await evaluateManifest(entries, opened.transcribe, {
      task: options.task,
      languageMode: options.language,
      worstCount: options.worst,
      onProgress: (done, _total, result) => bar?.update(done, { id: result.id }),
    });
  } finally {
    bar?.stop();
    await opened.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
  (dependencies.write ?? ((text: string) => process.stdout.write(text)))(`${formatEvalReport(report)}\n`);
  if (options.json !== undefined) {
    const out = resolve(options.json);
    await mkdir(dirname(out), { recursive: true });
    const cpu = cpus();
    const document = {
      date: new Date().toISOString(),
      model: options.model,
      experts: experts,
      manifest: manifestPath,
      options: {
        task: options.task,
        language: options.language,
        beam: options.beam ?? null,
        decoding:
          options.fallback === true
            ? 'openai transcribe defaults (temperature fallback, timestamps)'
            : 'temperature 0, without timestamps',
        vad: options.vad === true,
        conditionOnPreviousText: options.conditionOnPreviousText ?? "the model's default",
        limit: options.limit ?? null,
      },
      machine: {
        cpu: cpu[0]?.model ?? 'unknown',
        cores: cpu.length,
        node: process.version,
        device: opened.device,
      },
      ...report,
    };
    await writeFile(out, `${JSON.stringify(document, null, 1)}\n`);
  }
  return report;
}

/** Registers `chorus eval` on the program. */
export function registerEvalCommand(program: Command): void {
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
    .option(
      '--task <task>',
      'transcribe (WER/CER vs text) or translate (BLEU vs translation)',
      oneOf('transcribe', 'translate'),
      'transcribe',
    )
    .option('--json <out>', 'write the full report (every utterance) as JSON')
    .option('--limit <n>', 'only the first N utterances', positiveInt)
    .option('--beam <n>', 'beam size (default: greedy)', positiveInt)
    .option(
      '--fallback',
      "decode with openai transcribe()'s temperature fallback and timestamps (default: one pass at temperature 0 without timestamps, as openai's evaluations)",
    )
    .option(
      '--language <mode>',
      'from-manifest (forced) or auto (detected)',
      oneOf('from-manifest', 'auto'),
      'from-manifest',
    )
    .option('--vad', 'cut long recordings at pauses (energy VAD) into chunks of at most one window first')
    .option('--worst <n>', 'how many worst utterances to list', nonNegativeInt, 10)
    .option('--threads <n>', 'ONNX Runtime intra-op threads', positiveInt)
    .option('--device <device>', 'cpu or cuda', oneOf('cpu', 'cuda'), 'cpu')
    .option(
      '--weight-type <type>',
      'weight storage: float32 (CPU default), float16 (CUDA default) or int8 (decoder in 8-bit blocks)',
      oneOf(...WEIGHT_TYPES),
    )
    .action(async (manifest: string, options: EvalCommandOptions) => {
      await runEvalCommand(manifest, options);
    });
}
