import type { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';
import type { EncodedAudio, WhisperModel } from '../../whisper-model.js';
import { initialTokens } from '../../decode/initial-tokens.js';
import { dtw } from './dtw.js';
import { medianFilterRowsInto } from './median-filter.js';
import type { WordTiming } from './merge-punctuations.js';
import { splitWordTokens } from './split-word-tokens.js';

/** Inputs of {@link findAlignment}. */
export interface FindAlignmentOptions {
  readonly language: string;
  readonly task: 'transcribe' | 'translate';
  /** Content frames of the window (positions used = frames / 2). */
  readonly numFrames: number;
  /** Median filter width over encoder positions (openai 7). */
  readonly medianFilterWidth?: number;
}

// openai timing.py: TOKENS_PER_SECOND = 50 (one encoder position = 20 ms).
const POSITIONS_PER_SECOND = 50;
const DEFAULT_MEDIAN_FILTER_WIDTH = 7;

/**
 * Word timings of `textTokens` in one window from the cross-attention of the alignment heads:
 * one forced pass over `[sot, lang, task, notimestamps, …text, eot]`; the heads' attention,
 * limited to the content positions and renormalised (= openai's softmax over that range), is
 * standardised per head over tokens, median-filtered along time (width 7), averaged over heads;
 * DTW on its negation maps tokens to positions, and each word starts/ends at the first position
 * of its first/next token. Probabilities are the mean text-token probabilities (softmax over
 * text tokens only).
 * ref: openai/whisper whisper/timing.py@c0d2f62 (`find_alignment`).
 */
export async function findAlignment(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  audio: EncodedAudio,
  textTokens: readonly number[],
  options: FindAlignmentOptions,
): Promise<WordTiming[]> {
  if (textTokens.length === 0) return [];
  const s = tokenizer.special;
  const sotSequence = initialTokens(tokenizer, {
    language: options.language,
    task: options.task,
    withoutTimestamps: false,
    maxTargetPositions: model.config.maxTargetPositions,
    sampleLenTokens: 0,
  }).tokens;
  const tokens = [...sotSequence, s.noTimestamps, ...textTokens, s.eot];
  const n = tokens.length;
  const state = model.startDecoder(audio, 1);
  const { result, state: after } = await model.step(state, Int32Array.from(tokens), n, {
    allPositions: true,
    crossAttention: true,
  });
  after.dispose();
  if (result.crossAttention === undefined) throw new RangeError('backend returned no cross-attention');
  const V = result.vocabSize;

  // Text-token probabilities: softmax over [0, eot) at the positions predicting each text token.
  const probs = new Float64Array(textTokens.length);
  for (let k = 0; k < textTokens.length; k++) {
    const row = result.logits.subarray((sotSequence.length + k) * V, (sotSequence.length + k) * V + s.eot);
    let max = -Infinity;
    for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
    let total = 0;
    for (let i = 0; i < row.length; i++) total += Math.exp(row[i] - max);
    probs[k] = Math.exp(row[textTokens[k]] - max) / total;
  }

  const heads = model.config.alignmentHeads.length;
  const P = audio.positions;
  const T = Math.min(P, Math.floor(options.numFrames / 2));
  const weights = new Float32Array(heads * n * T);
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < n; t++) {
      const src = result.crossAttention.subarray((h * n + t) * P, (h * n + t) * P + T);
      let sum = 0;
      for (let p = 0; p < T; p++) sum += src[p];
      const dst = (h * n + t) * T;
      for (let p = 0; p < T; p++) weights[dst + p] = sum > 0 ? src[p] / sum : 1 / T;
    }
    // Standardise over tokens for each position (torch.std_mean(dim=-2, unbiased=False)).
    for (let p = 0; p < T; p++) {
      let mean = 0;
      for (let t = 0; t < n; t++) mean += weights[(h * n + t) * T + p];
      mean /= n;
      let variance = 0;
      for (let t = 0; t < n; t++) variance += (weights[(h * n + t) * T + p] - mean) ** 2;
      const std = Math.sqrt(variance / n);
      for (let t = 0; t < n; t++) {
        const i = (h * n + t) * T + p;
        weights[i] = std > 0 ? (weights[i] - mean) / std : 0; // torch would give NaN; keep DTW defined
      }
    }
  }
  const filtered = medianFilterRowsInto(
    new Float32Array(weights.length),
    weights,
    heads * n,
    T,
    options.medianFilterWidth ?? DEFAULT_MEDIAN_FILTER_WIDTH,
  );
  // Mean over heads, rows [len(sot_sequence), n − 1) (the notimestamps position … last text token).
  const first = sotSequence.length;
  const rows = n - 1 - first;
  const cost = new Float32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < T; p++) {
      let sum = 0;
      for (let h = 0; h < heads; h++) sum += filtered[(h * n + first + r) * T + p];
      cost[r * T + p] = -(sum / heads);
    }
  }
  const path = dtw(cost, rows, T);

  const split = splitWordTokens(tokenizer, [...textTokens, s.eot], options.language);
  if (split.tokens.length <= 1) return [];
  const boundaries = [0];
  for (let w = 0; w < split.tokens.length - 1; w++) boundaries.push(boundaries[w] + split.tokens[w].length);
  const jumpTimes: number[] = [];
  for (let k = 0; k < path.rowIndices.length; k++) {
    if (k === 0 || path.rowIndices[k] !== path.rowIndices[k - 1])
      jumpTimes.push(path.colIndices[k] / POSITIONS_PER_SECOND);
  }
  const out: WordTiming[] = [];
  for (let w = 0; w + 1 < boundaries.length; w++) {
    const a = boundaries[w];
    const b = boundaries[w + 1];
    let mean = 0;
    for (let k = a; k < b; k++) mean += probs[k];
    out.push({
      word: split.words[w],
      tokens: split.tokens[w],
      start: jumpTimes[a],
      end: jumpTimes[b],
      probability: b > a ? mean / (b - a) : Number.NaN,
    });
  }
  return out;
}
