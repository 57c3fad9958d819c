import { kthLargestAbs } from './kth-largest-abs.js';

/**
 * Keeps the top `density` fraction of `delta` by magnitude, zeroing the rest, written into `out`
 * (TIES "trim"; mergekit `sparsify.magnitude`, per tensor). k = ⌊density·n⌋; entries tied with the
 * k-th largest |x| are all kept, as in the original TIES `topk_values_mask` (`>= kth`), so slightly
 * more than k may survive. density ≥ 1 copies; k = 0 zeroes the whole tensor (mergekit asserts
 * instead; a 4-element bias at density 0.2 simply contributes nothing).
 */
export function magnitudePruneInto(out: Float32Array, delta: Float32Array, density: number): Float32Array {
  const n = delta.length;
  if (density >= 1 || n === 0) {
    out.set(delta);
    return out;
  }
  const k = Math.floor(density * n);
  if (k <= 0) {
    out.fill(0);
    return out;
  }
  const threshold = kthLargestAbs(delta, k);
  pruneBelowInto(out, delta, threshold);
  return out;
}

/** out[i] = |delta[i]| ≥ threshold ? delta[i] : 0 (threshold 0 keeps everything). */
export function pruneBelowInto(out: Float32Array, delta: Float32Array, threshold: number): Float32Array {
  for (let i = 0; i < delta.length; i++) {
    const v = delta[i];
    out[i] = Math.abs(v) >= threshold ? v : 0;
  }
  return out;
}

/**
 * The |x| threshold of {@link magnitudePruneInto} without writing the pruned copy: keep entries with
 * |x| ≥ the returned value (0 keeps all, +∞ none).
 */
export function magnitudeThreshold(delta: Float32Array, density: number): number {
  const n = delta.length;
  if (density >= 1 || n === 0) return 0;
  const k = Math.floor(density * n);
  return k <= 0 ? Number.POSITIVE_INFINITY : kthLargestAbs(delta, k);
}
