/**
 * `chorus transcribe FILE…` and `chorus translate FILE…`: runs a Whisper checkpoint folder over
 * WAV files and prints text, JSON, verbose JSON (OpenAI's shapes), SRT or VTT on stdout, with a
 * progress bar on stderr for long files when stderr is a TTY.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
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
} from '../../whisper/index.js';
import { AppError } from '../../shared/index.js';
import {
  declareTranscribeCommands,
  type TranscribeCommandOptions,
  type TranscribeFormat,
} from './transcribe-command.js';

export { TRANSCRIBE_FORMATS, type TranscribeCommandOptions } from './transcribe-command.js';

// Files longer than one 30-s window get a progress bar (shorter ones finish in one step).
const PROGRESS_MIN_SEC = 30;

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

const STDOUT: TranscribeOutput = { write: (text) => process.stdout.write(text) };

/** Runs `chorus transcribe` (or `translate`, with `task: 'translate'`) over the files. */
export async function runTranscribeCommand(
  files: readonly string[],
  o: TranscribeCommandOptions,
  out: TranscribeOutput = STDOUT,
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

/**
 * Registers `transcribe` and `translate` (= transcribe --task translate), their implementation
 * loaded with them (main.ts loads it lazily).
 */
export function registerTranscribeCommands(program: Command, out: TranscribeOutput = STDOUT): void {
  declareTranscribeCommands(program, (files, o) => runTranscribeCommand(files, o, out));
}
