/**
 * Numerically stable log-softmax helpers over one row of logits (may hold −Infinity from masks).
 * Accumulates in float64.
 */

/** log Σ exp(x[i]) over `x`; −Infinity when every entry is −Infinity. */
export function logSumExp(x: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i] - max);
  return max + Math.log(sum);
}

/** out[i] = x[i] − logSumExp(x). `out` may be `x`. */
export function logSoftmaxInto(out: Float32Array, x: Float32Array): Float32Array {
  const lse = logSumExp(x);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - lse;
  return out;
}

/** Index of the largest entry (first on ties, like torch.argmax on CPU). */
export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
