/**
 * Linear combinations of task vectors, the building block of every method's non-matrix rule:
 * out[i] = base[i] + scale · Σ_t coefficients[t] · deltas[t][i], accumulated in float64.
 */
import assert from 'node:assert/strict';

/** Writes base + scale·Σ_t c_t·τ_t into `out` (allocation-free); returns `out`. */
export function combineTaskVectorsInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  coefficients: ArrayLike<number>,
  scale: number,
): Float32Array {
  assert.equal(deltas.length, coefficients.length);
  const count = deltas.length;
  for (let i = 0; i < out.length; i++) {
    let sum = 0; // float64: task vectors of opposite sign cancel
    for (let t = 0; t < count; t++) sum += coefficients[t] * deltas[t][i];
    out[i] = base[i] + scale * sum;
  }
  return out;
}

/** Σ_t c_t·τ_t as a new float32 array (float64 accumulation). */
export function sumTaskVectors(
  deltas: readonly Float32Array[],
  coefficients: ArrayLike<number>,
  length: number,
): Float32Array {
  const out = new Float32Array(length);
  const acc = new Float64Array(length);
  for (let t = 0; t < deltas.length; t++) {
    const c = coefficients[t];
    if (c === 0) continue;
    const d = deltas[t];
    for (let i = 0; i < length; i++) acc[i] += c * d[i];
  }
  for (let i = 0; i < length; i++) out[i] = acc[i];
  return out;
}

/** True when every task vector is exactly zero (the merge is then the base tensor). */
export function areAllZero(deltas: readonly Float32Array[]): boolean {
  for (const d of deltas) {
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  }
  return true;
}
