/**
 * `chorus eval MANIFEST --model DIR`: transcribes (or translates) every utterance of an evaluation
 * manifest and reports WER/CER (or BLEU) overall, per language and per domain, the worst
 * utterances and the real-time factor; `--json OUT` writes everything.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadAudioFile } from '../../audio/index.js';
import {
  evaluateManifest,
  formatEvalReport,
  readManifest,
  type EvalReport,
  type TranscribeFn,
} from '../../eval/index.js';
import { mergeToCheckpoint, parseMergeRecipe } from '../../merge/index.js';
import { openWhisperModel, transcribe, type WeightType } from '../../whisper/index.js';
import { declareEvalCommand, type EvalCommandOptions } from './eval-command.js';

export type { EvalCommandOptions } from './eval-command.js';

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

/** Registers `chorus eval` on the program, its implementation loaded with it (main.ts loads it lazily). */
export function registerEvalCommand(program: Command): void {
  declareEvalCommand(program, runEvalCommand);
}
