/**
 * The evaluation runner: transcribes (or translates) every manifest utterance with an injected
 * function and scores the outputs. The transcriber is injected so the runner knows nothing of
 * models: the CLI passes the real Whisper pipeline, tests pass a function with known errors.
 */
import { performance } from 'node:perf_hooks';
import { AppError, isAppError } from '../shared/index.js';
import { sentenceBleu } from './bleu.js';
import {
  summarizeBy,
  summarizeGroup,
  worstUtterances,
  type GroupSummary,
  type UtteranceResult,
} from './eval-summary.js';
import type { ManifestEntry } from './manifest.js';
import { normalizerForLanguage } from './normalizers/normalizer-for-language.js';
import { countCharEdits, countWordEdits, errorRate } from './wer.js';

export type EvalTask = 'transcribe' | 'translate';

/** What the runner asks of the transcriber for one utterance. */
export interface TranscribeRequest {
  readonly task: EvalTask;
  /** Forced source language (ISO 639-1), or undefined to let the model detect it. */
  readonly language: string | undefined;
}

/** What the transcriber returns for one utterance. */
export interface TranscribeOutput {
  readonly text: string;
  /** The language the model used or detected. */
  readonly language?: string;
  /** Length of the audio it heard; falls back to the manifest's `duration_sec`. */
  readonly audioDurationSec?: number;
}

/** Transcribes one manifest utterance (loading its audio is the function's business). */
export type TranscribeFn = (entry: ManifestEntry, request: TranscribeRequest) => Promise<TranscribeOutput>;

export interface EvaluateManifestOptions {
  /** Default 'transcribe' (WER/CER against `text`); 'translate' scores BLEU against `translation`. */
  readonly task?: EvalTask;
  /** 'from-manifest' (default) forces each utterance's language; 'auto' lets the model detect it. */
  readonly languageMode?: 'from-manifest' | 'auto';
  /** How many worst utterances the report lists. Default 10. */
  readonly worstCount?: number;
  /** Called after each utterance. */
  readonly onProgress?: (doneCount: number, totalCount: number, result: UtteranceResult) => void;
  /** Monotonic clock in ms, for the real-time factor. Default `performance.now`. */
  readonly nowMs?: () => number;
}

/** Everything `chorus eval` reports (and writes with --json). */
export interface EvalReport {
  readonly task: EvalTask;
  readonly metric: 'wer' | 'bleu';
  readonly languageMode: 'from-manifest' | 'auto';
  readonly utteranceCount: number;
  /** Translate task: utterances left out because the manifest has no `translation` for them. */
  readonly skippedCount: number;
  readonly overall: GroupSummary;
  readonly byLanguage: Record<string, GroupSummary>;
  readonly byDomain: Record<string, GroupSummary>;
  readonly worst: readonly UtteranceResult[];
  /** Σ processing time / Σ audio duration (< 1 is faster than real time); null without audio. */
  readonly realTimeFactor: number | null;
  /** With languageMode 'auto': share of utterances whose detected language matches the manifest's. */
  readonly languageIdAccuracy?: number;
  readonly utterances: readonly UtteranceResult[];
}

/**
 * Runs `transcribe` over `entries` one at a time (the machine's cores belong to the model) and
 * scores them: per utterance, the language's Whisper normaliser (English → EnglishTextNormalizer,
 * others → BasicTextNormalizer) on both sides, then word and character alignment; or, for
 * translation, BLEU on the raw text as sacrebleu scores it.
 * @throws AppError from `transcribe`, re-thrown with the utterance's id in the message
 */
export async function evaluateManifest(
  entries: readonly ManifestEntry[],
  transcribe: TranscribeFn,
  options: EvaluateManifestOptions = {},
): Promise<EvalReport> {
  const task = options.task ?? 'transcribe';
  const languageMode = options.languageMode ?? 'from-manifest';
  const nowMs = options.nowMs ?? (() => performance.now());
  const selected = task === 'translate' ? entries.filter((e) => e.translation !== undefined) : entries;
  const results: UtteranceResult[] = [];
  let languageMatches = 0;
  let languageChecked = 0;
  for (const entry of selected) {
    const request: TranscribeRequest = {
      task,
      language: languageMode === 'from-manifest' ? entry.language : undefined,
    };
    const startMs = nowMs();
    let output: TranscribeOutput;
    try {
      output = await transcribe(entry, request);
    } catch (e) {
      const code = isAppError(e) ? e.code : 'INTERNAL';
      throw new AppError(code, `Cannot evaluate ${entry.id} (${entry.audio}): ${(e as Error).message}`, {
        cause: e,
      });
    }
    const processingSec = (nowMs() - startMs) / 1000;
    const audioSec = output.audioDurationSec ?? entry.durationSec ?? 0;
    if (languageMode === 'auto' && entry.language !== undefined && output.language !== undefined) {
      languageChecked += 1;
      if (output.language === entry.language) languageMatches += 1;
    }
    const common = {
      id: entry.id,
      audio: entry.audio,
      ...(entry.language !== undefined ? { language: entry.language } : {}),
      ...(entry.domain !== undefined ? { domain: entry.domain } : {}),
      ...(output.language !== undefined ? { detectedLanguage: output.language } : {}),
      hypothesis: output.text,
      audioSec,
      processingSec,
    };
    let result: UtteranceResult;
    if (task === 'translate') {
      const reference = entry.translation ?? '';
      result = { ...common, reference, sentenceBleu: sentenceBleu(output.text, [reference]).score };
    } else {
      const normalize = normalizerForLanguage(entry.language);
      const normalizedReference = normalize(entry.text);
      const normalizedHypothesis = normalize(output.text);
      const words = countWordEdits(normalizedReference, normalizedHypothesis);
      const chars = countCharEdits(normalizedReference, normalizedHypothesis);
      result = {
        ...common,
        reference: entry.text,
        normalizedReference,
        normalizedHypothesis,
        words,
        chars,
        wer: errorRate(words),
        cer: errorRate(chars),
      };
    }
    results.push(result);
    options.onProgress?.(results.length, selected.length, result);
  }
  const overall = summarizeGroup(results, task);
  return {
    task,
    metric: task === 'translate' ? 'bleu' : 'wer',
    languageMode,
    utteranceCount: results.length,
    skippedCount: entries.length - selected.length,
    overall,
    byLanguage: summarizeBy(results, (r) => r.language, task),
    byDomain: summarizeBy(results, (r) => r.domain, task),
    worst: worstUtterances(results, options.worstCount ?? 10, task),
    realTimeFactor: overall.audioSec > 0 ? overall.processingSec / overall.audioSec : null,
    ...(languageMode === 'auto' && languageChecked > 0
      ? { languageIdAccuracy: languageMatches / languageChecked }
      : {}),
    utterances: results,
  };
}
