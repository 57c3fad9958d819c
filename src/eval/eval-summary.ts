/**
 * Corpus-level summaries of scored utterances: WER/CER (transcription) or BLEU (translation),
 * overall and per group (language, domain).
 */
import { corpusBleu, type BleuScore } from './bleu.js';
import { errorRate, sumEditCounts, type EditCounts } from './wer.js';

/** What the runner records for each utterance. */
export interface UtteranceResult {
  readonly id: string;
  readonly audio: string;
  readonly language?: string;
  readonly domain?: string;
  /** Language the model reported (detected when not forced). */
  readonly detectedLanguage?: string;
  /** Raw reference (the manifest's `text`, or `translation` for the translate task). */
  readonly reference: string;
  /** Raw model output. */
  readonly hypothesis: string;
  /** Transcription only: both sides after the language's Whisper normaliser. */
  readonly normalizedReference?: string;
  readonly normalizedHypothesis?: string;
  /** Transcription only: word and character alignment counts and rates (fractions; null for an empty reference). */
  readonly words?: EditCounts;
  readonly chars?: EditCounts;
  readonly wer?: number | null;
  readonly cer?: number | null;
  /** Translation only: sentence BLEU (0–100, effective order), used to rank the worst. */
  readonly sentenceBleu?: number;
  readonly audioSec: number;
  readonly processingSec: number;
}

/** Corpus figures of a set of utterances. */
export interface GroupSummary {
  readonly utteranceCount: number;
  readonly audioSec: number;
  readonly processingSec: number;
  /** Transcription: corpus WER/CER = total edits / total reference words (characters); fractions. */
  readonly wer?: number | null;
  readonly cer?: number | null;
  readonly words?: EditCounts;
  readonly chars?: EditCounts;
  /** Translation: corpus BLEU (sacrebleu defaults) against the references. */
  readonly bleu?: BleuScore;
}

/** Summarises utterances scored for one task. */
export function summarizeGroup(
  results: readonly UtteranceResult[],
  task: 'transcribe' | 'translate',
): GroupSummary {
  let audioSec = 0;
  let processingSec = 0;
  for (const r of results) {
    audioSec += r.audioSec;
    processingSec += r.processingSec;
  }
  const base = { utteranceCount: results.length, audioSec, processingSec };
  if (task === 'translate') {
    if (results.length === 0) return base;
    return {
      ...base,
      bleu: corpusBleu(
        results.map((r) => r.hypothesis),
        [results.map((r) => r.reference)],
      ),
    };
  }
  const words = sumEditCounts(results.flatMap((r) => (r.words !== undefined ? [r.words] : [])));
  const chars = sumEditCounts(results.flatMap((r) => (r.chars !== undefined ? [r.chars] : [])));
  return { ...base, wer: errorRate(words), cer: errorRate(chars), words, chars };
}

/** Summaries per value of `key` (utterances without one are grouped under "unknown"), sorted by key. */
export function summarizeBy(
  results: readonly UtteranceResult[],
  key: (r: UtteranceResult) => string | undefined,
  task: 'transcribe' | 'translate',
): Record<string, GroupSummary> {
  const groups = new Map<string, UtteranceResult[]>();
  for (const r of results) {
    const k = key(r) ?? 'unknown';
    let list = groups.get(k);
    if (list === undefined) {
      list = [];
      groups.set(k, list);
    }
    list.push(r);
  }
  const out: Record<string, GroupSummary> = {};
  for (const k of [...groups.keys()].sort()) out[k] = summarizeGroup(groups.get(k) ?? [], task);
  return out;
}

/**
 * The `count` worst utterances: highest WER (then most word edits; an empty reference with
 * insertions ranks above every finite rate) or lowest sentence BLEU; ties by id.
 */
export function worstUtterances(
  results: readonly UtteranceResult[],
  count: number,
  task: 'transcribe' | 'translate',
): UtteranceResult[] {
  const edits = (r: UtteranceResult) =>
    r.words === undefined ? 0 : r.words.substitutions + r.words.deletions + r.words.insertions;
  const badness = (r: UtteranceResult): number => {
    if (task === 'translate') return -(r.sentenceBleu ?? 0);
    if (r.wer === null || r.wer === undefined) return edits(r) > 0 ? Number.POSITIVE_INFINITY : 0;
    return r.wer;
  };
  return [...results]
    .sort(
      (a, b) => badness(b) - badness(a) || edits(b) - edits(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, Math.max(0, count))
    .filter((r) => badness(r) > (task === 'translate' ? -100 : 0));
}
