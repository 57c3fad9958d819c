/**
 * Corpus BLEU compatible with sacrebleu's defaults (`sacrebleu.BLEU()`: 13a tokenisation,
 * case-sensitive, n-grams up to 4, brevity penalty against the closest reference length,
 * smoothing "exp"), ported from sacrebleu 2.x `metrics/bleu.py` (Apache-2.0; Papineni et al. 2002,
 * smoothing methods from Chen & Cherry 2014, WMT14 W14-3346). Scores are on sacrebleu's 0–100 scale.
 */
import { AppError } from '../shared/index.js';
import { PY_SPACE_CLASS, pythonSplit } from './python-regex.js';
import { tokenize13a } from './tokenizer-13a.js';

/** Smoothing of zero n-gram matches (Chen & Cherry 2014): none, floor (1), add-k (2), exp (3, mteval's). */
export type BleuSmoothing = 'none' | 'floor' | 'add-k' | 'exp';

export interface BleuOptions {
  /** Default 'exp' (sacrebleu's default). */
  readonly smoothing?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  readonly smoothValue?: number;
  /** Maximum n-gram order; default 4. */
  readonly maxNgramOrder?: number;
  /** Drop n-gram orders the hypothesis is too short to have (sentence-level BLEU). Default false. */
  readonly effectiveOrder?: boolean;
  /** Lower-case both sides first. Default false. */
  readonly lowercase?: boolean;
  /** Tokeniser: '13a' (default) or 'none' (split on whitespace). */
  readonly tokenize?: '13a' | 'none';
}

/** BLEU and its sufficient statistics, as sacrebleu's `BLEUScore`. */
export interface BleuScore {
  /** 0–100. */
  readonly score: number;
  /** Matched n-grams per order (clipped by the reference counts). */
  readonly counts: readonly number[];
  /** Hypothesis n-grams per order. */
  readonly totals: readonly number[];
  /** Precision per order, 0–100 (after smoothing). */
  readonly precisions: readonly number[];
  /** Brevity penalty. */
  readonly bp: number;
  /** Hypothesis tokens. */
  readonly sysLen: number;
  /** Closest-reference tokens. */
  readonly refLen: number;
}

const DEFAULT_SMOOTH_VALUE: Record<BleuSmoothing, number> = { none: 0, floor: 0.1, 'add-k': 1, exp: 0 };
// sacrebleu `utils.my_log`: log(0) floored to this, so a zero precision sends BLEU to 0.
const LOG_OF_ZERO = -9999999999;

const ngramKey = (tokens: readonly string[], start: number, n: number): string =>
  // Tokens come from a whitespace split, so joining them with a space gives unique keys.
  tokens.slice(start, start + n).join(' ');

function countNgrams(tokens: readonly string[], maxOrder: number): Map<string, number>[] {
  const byOrder: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = ngramKey(tokens, i, n);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    byOrder.push(counts);
  }
  return byOrder;
}

/** Sufficient statistics of one segment: [sysLen, refLen, correct[0..N), total[0..N)]. */
function segmentStatistics(
  hypothesis: readonly string[],
  references: readonly (readonly string[])[],
  maxOrder: number,
): number[] {
  const refNgrams = countNgrams([], maxOrder);
  for (const ref of references) {
    const counts = countNgrams(ref, maxOrder);
    for (let n = 0; n < maxOrder; n++) {
      for (const [key, c] of counts[n]) refNgrams[n].set(key, Math.max(refNgrams[n].get(key) ?? 0, c));
    }
  }
  // Closest reference length; ties go to the shorter reference (sacrebleu `_get_closest_ref_len`).
  let closestDiff = -1;
  let closestLen = -1;
  for (const ref of references) {
    const diff = Math.abs(hypothesis.length - ref.length);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = ref.length;
    } else if (diff === closestDiff && ref.length < closestLen) {
      closestLen = ref.length;
    }
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  const hypNgrams = countNgrams(hypothesis, maxOrder);
  for (let n = 0; n < maxOrder; n++) {
    for (const [key, c] of hypNgrams[n]) {
      total[n] += c;
      const r = refNgrams[n].get(key);
      if (r !== undefined) correct[n] += Math.min(c, r);
    }
  }
  return [hypothesis.length, closestLen, ...correct, ...total];
}

/** sacrebleu `BLEU.compute_bleu`: BLEU from summed statistics. */
export function bleuFromStatistics(
  correctIn: readonly number[],
  totalIn: readonly number[],
  sysLen: number,
  refLen: number,
  options: BleuOptions = {},
): BleuScore {
  const smoothing = options.smoothing ?? 'exp';
  const smoothValue = options.smoothValue ?? DEFAULT_SMOOTH_VALUE[smoothing];
  const maxOrder = options.maxNgramOrder ?? 4;
  const correct = [...correctIn];
  const total = [...totalIn];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  if (!correct.some((c) => c !== 0)) {
    return { score: 0, counts: correct, totals: total, precisions, bp, sysLen, refLen };
  }
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smoothing === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder === true) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smoothing === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (smoothing === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  let logSum = 0;
  for (let n = 0; n < effOrder; n++) logSum += precisions[n] === 0 ? LOG_OF_ZERO : Math.log(precisions[n]);
  return {
    score: bp * Math.exp(logSum / effOrder),
    counts: correct,
    totals: total,
    precisions,
    bp,
    sysLen,
    refLen,
  };
}

const TRAILING_SPACE = new RegExp(`${PY_SPACE_CLASS}+$`, 'u');

function preprocess(segment: string, options: BleuOptions): string[] {
  let s = options.lowercase === true ? segment.toLowerCase() : segment;
  s = s.replace(TRAILING_SPACE, ''); // Python rstrip()
  return pythonSplit(options.tokenize === 'none' ? s : tokenize13a(s));
}

/**
 * Corpus BLEU as `sacrebleu.BLEU(**options).corpus_score(hypotheses, references)`.
 * `references` are streams: `references[k][i]` is the k-th reference of hypothesis i; a null
 * entry means "no k-th reference here" (an empty string is an empty reference, as in sacrebleu).
 * @throws AppError REQUEST_INVALID when a stream's length differs from the hypotheses', or a
 *   segment has no reference at all
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly (string | null)[])[],
  options: BleuOptions = {},
): BleuScore {
  const maxOrder = options.maxNgramOrder ?? 4;
  if (references.length === 0)
    throw new AppError('REQUEST_INVALID', 'Cannot compute BLEU: no reference stream');
  for (const stream of references) {
    if (stream.length !== hypotheses.length) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot compute BLEU: a reference stream has ${stream.length} segments for ${hypotheses.length} hypotheses`,
      );
    }
  }
  const sums = new Array<number>(2 + 2 * maxOrder).fill(0);
  for (let i = 0; i < hypotheses.length; i++) {
    const refs: string[][] = [];
    for (const stream of references) {
      const ref = stream[i];
      if (ref !== null) refs.push(preprocess(ref, options));
    }
    if (refs.length === 0)
      throw new AppError('REQUEST_INVALID', `Cannot compute BLEU: segment ${i} has no reference`);
    const stats = segmentStatistics(preprocess(hypotheses[i], options), refs, maxOrder);
    for (let k = 0; k < sums.length; k++) sums[k] += stats[k];
  }
  return bleuFromStatistics(sums.slice(2, 2 + maxOrder), sums.slice(2 + maxOrder), sums[0], sums[1], options);
}

/**
 * Sentence BLEU as sacrebleu's `sentence_bleu` compatibility function: one hypothesis, its
 * references, effective order on by default (short sentences are not zeroed by missing 4-grams).
 */
export function sentenceBleu(
  hypothesis: string,
  references: readonly string[],
  options: BleuOptions = {},
): BleuScore {
  return corpusBleu(
    [hypothesis],
    references.map((r) => [r]),
    { effectiveOrder: true, ...options },
  );
}
