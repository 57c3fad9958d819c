/**
 * Karcher (Riemannian) mean of the fine-tuned tensors on the sphere, rescaled by their mean norm
 * (mergekit `karcher`, citing the Karcher-mean construction). Works on full weights θ_t = θ_0 + τ_t:
 *   u_t = θ_t/‖θ_t‖ (tensors with ‖θ_t‖ ≤ tol dropped), α_t = normalized weights,
 *   u ← normalize(Σ α_t u_t); repeat maxIter: T = Σ α_t·(φ_t/sin φ_t)·(u_t − cos φ_t·u),
 *   φ_t = arccos⟨u, u_t⟩ (skipped when φ_t < tol); stop if ‖T‖ < tol; u ← cos‖T‖·u + sin‖T‖·T/‖T‖.
 *   θ = (Σ α_t‖θ_t‖)·u.
 * ref: arcee-ai/mergekit `mergekit/merge_methods/karcher.py` (max_iter 10, tol 1e-5). The base is
 * not among the averaged tensors unless `includeBase` is set. Same rule for every tensor.
 */
import { z } from 'zod';
import { areAllZero } from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link karcher}. */
export const KarcherParamsSchema = z.strictObject({
  maxIter: z.number().int().min(0).max(1000).default(10),
  tol: z.number().positive().default(1e-5),
  /** Also average θ_0 itself (weight 1, like a model listed in the merge). */
  includeBase: z.boolean().default(false),
});
export type KarcherParams = z.infer<typeof KarcherParamsSchema>;

/** Karcher mean of `points` (equal-length vectors) with weights `w`, in float64; written to `out`. */
export function karcherMeanInto(
  out: Float32Array,
  points: readonly Float64Array[],
  w: readonly number[],
  maxIter: number,
  tol: number,
): void {
  const len = out.length;
  const units: Float64Array[] = [];
  const norms: number[] = [];
  const alphas: number[] = [];
  for (let t = 0; t < points.length; t++) {
    const p = points[t];
    let s = 0;
    for (let i = 0; i < len; i++) s += p[i] * p[i];
    const n = Math.sqrt(s);
    if (!(n > tol)) continue;
    const u = new Float64Array(len);
    for (let i = 0; i < len; i++) u[i] = p[i] / n;
    units.push(u);
    norms.push(n);
    alphas.push(w[t]);
  }
  if (units.length === 0) {
    out.fill(0);
    return;
  }
  const alphaSum = alphas.reduce((a, b) => a + b, 0);
  for (let t = 0; t < alphas.length; t++) alphas[t] /= alphaSum;
  let u = new Float64Array(len);
  for (let t = 0; t < units.length; t++) for (let i = 0; i < len; i++) u[i] += alphas[t] * units[t][i];
  normalize(u);
  const tangent = new Float64Array(len);
  for (let it = 0; it < maxIter; it++) {
    tangent.fill(0);
    for (let t = 0; t < units.length; t++) {
      const ut = units[t];
      let cos = 0;
      for (let i = 0; i < len; i++) cos += u[i] * ut[i];
      cos = Math.min(1, Math.max(-1, cos));
      const phi = Math.acos(cos);
      if (phi < tol) continue;
      const f = (alphas[t] * phi) / Math.sin(phi);
      for (let i = 0; i < len; i++) tangent[i] += f * (ut[i] - cos * u[i]);
    }
    let tn = 0;
    for (let i = 0; i < len; i++) tn += tangent[i] * tangent[i];
    tn = Math.sqrt(tn);
    if (tn < tol) break;
    const c = Math.cos(tn);
    const s = Math.sin(tn) / tn;
    const next = new Float64Array(len);
    for (let i = 0; i < len; i++) next[i] = c * u[i] + s * tangent[i];
    normalize(next);
    u = next;
  }
  let meanNorm = 0;
  for (let t = 0; t < norms.length; t++) meanNorm += alphas[t] * norms[t];
  for (let i = 0; i < len; i++) out[i] = meanNorm * u[i];
}

function normalize(v: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n === 0) return;
  for (let i = 0; i < v.length; i++) v[i] /= n;
}

/** Karcher mean (`karcher`). */
export const karcher: MergeMethod<KarcherParams> = {
  name: 'karcher',
  space: 'parameter',
  paramsSchema: KarcherParamsSchema,
  mergeTensorInto(out, input, params) {
    const { base, deltas } = input;
    if (deltas.length === 0 || areAllZero(deltas)) {
      out.set(base);
      return;
    }
    const points: Float64Array[] = [];
    const weights: number[] = [];
    for (let t = 0; t < deltas.length; t++) {
      const p = new Float64Array(base.length);
      for (let i = 0; i < p.length; i++) p[i] = base[i] + deltas[t][i];
      points.push(p);
      weights.push(input.weights[t] ?? 1);
    }
    if (params.includeBase) {
      points.push(Float64Array.from(base));
      weights.push(1);
    }
    karcherMeanInto(out, points, weights, params.maxIter, params.tol);
  },
};
