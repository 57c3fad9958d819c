/**
 * Word and character error rates: Levenshtein alignment counting substitutions, deletions and
 * insertions, as jiwer does (jiwer `wer`/`cer` over a list of sentences: every pair is aligned on
 * its own, and the corpus rate is total edits / total reference units).
 */
import { pythonSplit } from './python-regex.js';

/** Alignment counts of one or more (reference, hypothesis) pairs. */
export interface EditCounts {
  readonly hits: number;
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  /** Units (words or characters) in the reference(s): hits + substitutions + deletions. */
  readonly referenceCount: number;
}

/**
 * Minimum-edit alignment of two token-id sequences. Among alignments of minimum cost, ties prefer
 * a match/substitution, then a deletion, then an insertion, so the counts are deterministic.
 * O(n·m) time, O(m) memory (the counts ride along the DP rows instead of a backtrace matrix).
 */
export function alignTokens(reference: Int32Array, hypothesis: Int32Array): EditCounts {
  const n = reference.length;
  const m = hypothesis.length;
  // For row i: cost[j] and the S/D/I counts of the chosen optimal path to cell (i, j).
  let cost = new Int32Array(m + 1);
  let subs = new Int32Array(m + 1);
  let dels = new Int32Array(m + 1);
  let ins = new Int32Array(m + 1);
  let nextCost = new Int32Array(m + 1);
  let nextSubs = new Int32Array(m + 1);
  let nextDels = new Int32Array(m + 1);
  let nextIns = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) {
    cost[j] = j;
    ins[j] = j;
  }
  for (let i = 1; i <= n; i++) {
    const r = reference[i - 1];
    nextCost[0] = i;
    nextSubs[0] = 0;
    nextDels[0] = i;
    nextIns[0] = 0;
    for (let j = 1; j <= m; j++) {
      const isSame = r === hypothesis[j - 1];
      const diagonal = cost[j - 1] + (isSame ? 0 : 1);
      const deletion = cost[j] + 1;
      const insertion = nextCost[j - 1] + 1;
      if (diagonal <= deletion && diagonal <= insertion) {
        nextCost[j] = diagonal;
        nextSubs[j] = subs[j - 1] + (isSame ? 0 : 1);
        nextDels[j] = dels[j - 1];
        nextIns[j] = ins[j - 1];
      } else if (deletion <= insertion) {
        nextCost[j] = deletion;
        nextSubs[j] = subs[j];
        nextDels[j] = dels[j] + 1;
        nextIns[j] = ins[j];
      } else {
        nextCost[j] = insertion;
        nextSubs[j] = nextSubs[j - 1];
        nextDels[j] = nextDels[j - 1];
        nextIns[j] = nextIns[j - 1] + 1;
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [subs, nextSubs] = [nextSubs, subs];
    [dels, nextDels] = [nextDels, dels];
    [ins, nextIns] = [nextIns, ins];
  }
  const substitutions = subs[m];
  const deletions = dels[m];
  return {
    hits: n - substitutions - deletions,
    substitutions,
    deletions,
    insertions: ins[m],
    referenceCount: n,
  };
}

/**
 * Word-level alignment counts: both texts are split on (Python) whitespace. Pass normalised text
 * (see `normalizerForLanguage`).
 */
export function countWordEdits(reference: string, hypothesis: string): EditCounts {
  const ids = new Map<string, number>();
  const toIds = (words: readonly string[]): Int32Array => {
    const out = new Int32Array(words.length);
    for (let k = 0; k < words.length; k++) {
      let id = ids.get(words[k]);
      if (id === undefined) {
        id = ids.size;
        ids.set(words[k], id);
      }
      out[k] = id;
    }
    return out;
  };
  return alignTokens(toIds(pythonSplit(reference)), toIds(pythonSplit(hypothesis)));
}

/**
 * Character-level alignment counts over Unicode code points, spaces included (as jiwer's `cer`,
 * whose default transform strips the ends and keeps inner spaces as characters). Both texts are
 * trimmed and their whitespace runs collapsed to one space first, so the normalisers' trailing
 * spaces do not count.
 */
export function countCharEdits(reference: string, hypothesis: string): EditCounts {
  const toCodePoints = (s: string): Int32Array => {
    const text = pythonSplit(s).join(' ');
    const out = new Int32Array(text.length); // code points ≤ UTF-16 units
    let count = 0;
    for (const ch of text) out[count++] = ch.codePointAt(0) ?? 0;
    return out.subarray(0, count);
  };
  return alignTokens(toCodePoints(reference), toCodePoints(hypothesis));
}

/** Sums alignment counts (corpus-level WER/CER add edits and reference units over pairs). */
export function sumEditCounts(counts: Iterable<EditCounts>): EditCounts {
  let hits = 0;
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  for (const c of counts) {
    hits += c.hits;
    substitutions += c.substitutions;
    deletions += c.deletions;
    insertions += c.insertions;
  }
  return { hits, substitutions, deletions, insertions, referenceCount: hits + substitutions + deletions };
}

/**
 * (substitutions + deletions + insertions) / reference units, a fraction (0.25 = 25 %; can exceed
 * 1 with many insertions). Null when the reference is empty: the rate is undefined there (jiwer
 * refuses empty references), though such pairs' insertions still count in a corpus sum.
 */
export function errorRate(counts: EditCounts): number | null {
  if (counts.referenceCount === 0) return null;
  return (counts.substitutions + counts.deletions + counts.insertions) / counts.referenceCount;
}
