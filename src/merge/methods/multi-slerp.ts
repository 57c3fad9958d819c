/**
 * Multi-SLERP: one tangent-space step of spherical interpolation between several tensors
 * (C. Goddard, goddard.blog "multislerp"; mergekit `multislerp`). With the base as origin:
 *   X_t = θ_t − θ_0 = τ_t, w = w/Σw, n_t = ‖X_t‖, u_t = X_t/(n_t + eps),
 *   μ = normalize(Σ w_t u_t), v = Σ w_t (u_t − ⟨u_t, μ⟩μ),
 *   res = cos‖v‖·μ + sin‖v‖·v/‖v‖,   θ = θ_0 + (Σ w_t n_t)·res.
 * ref: arcee-ai/mergekit `mergekit/merge_methods/multislerp.py` (normalize_weights, eps = 1e-8).
 * Without `useBase` the fine-tuned tensors themselves are interpolated (origin 0).
 * @throws AppError MERGE_INPUT_INVALID when the directions cancel (‖μ‖ < eps) with more than two
 *   experts; with two, the reference falls back to linear interpolation.
 */
import { z } from 'zod';
import { AppError } from '../../shared/index.js';
import { areAllZero } from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link multiSlerp}. */
export const MultiSlerpParamsSchema = z.strictObject({
  /** Divide the per-expert weights by their sum (mergekit `normalize_weights`, default true). */
  normalizeWeights: z.boolean().default(true),
  eps: z.number().positive().default(1e-8),
  /** Interpolate task vectors around θ_0 (mergekit with a base model) rather than raw weights. */
  useBase: z.boolean().default(true),
});
export type MultiSlerpParams = z.infer<typeof MultiSlerpParamsSchema>;

/** Multi-SLERP (`multislerp`). */
export const multiSlerp: MergeMethod<MultiSlerpParams> = {
  name: 'multislerp',
  space: 'parameter',
  paramsSchema: MultiSlerpParamsSchema,
  mergeTensorInto(out, input, params) {
    const { base, deltas } = input;
    const T = deltas.length;
    if (T === 0 || areAllZero(deltas)) {
      out.set(base);
      return;
    }
    const len = base.length;
    const origin = params.useBase ? base : new Float32Array(len);
    const xs: Float64Array[] = deltas.map((d) => {
      const x = new Float64Array(len);
      for (let i = 0; i < len; i++) x[i] = base[i] + d[i] - origin[i];
      return x;
    });
    const w = Array.from({ length: T }, (_, t) => input.weights[t] ?? 1);
    if (params.normalizeWeights) {
      const sum = w.reduce((a, b) => a + b, 0);
      for (let t = 0; t < T; t++) w[t] /= sum;
    }
    const norms = xs.map((x) => Math.sqrt(x.reduce((s, v) => s + v * v, 0)));
    const mu = new Float64Array(len);
    for (let t = 0; t < T; t++) {
      const f = w[t] / (norms[t] + params.eps);
      for (let i = 0; i < len; i++) mu[i] += f * xs[t][i];
    }
    const muNorm = Math.sqrt(mu.reduce((s, v) => s + v * v, 0));
    if (muNorm < params.eps) {
      if (T > 2)
        throw new AppError(
          'MERGE_INPUT_INVALID',
          `Cannot merge ${input.name} with multislerp: expert directions cancel`,
        );
      // Two antipodal inputs: the reference interpolates linearly.
      for (let i = 0; i < len; i++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += w[t] * xs[t][i];
        out[i] = origin[i] + s;
      }
      return;
    }
    for (let i = 0; i < len; i++) mu[i] /= muNorm;
    const v = new Float64Array(len);
    for (let t = 0; t < T; t++) {
      const inv = 1 / (norms[t] + params.eps);
      let dot = 0;
      for (let i = 0; i < len; i++) dot += xs[t][i] * inv * mu[i];
      for (let i = 0; i < len; i++) v[i] += w[t] * (xs[t][i] * inv - dot * mu[i]);
    }
    const vNorm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    let scaleNorm = 0;
    for (let t = 0; t < T; t++) scaleNorm += w[t] * norms[t];
    const c = Math.cos(vNorm);
    const s = vNorm < params.eps ? 1 : Math.sin(vNorm) / vNorm;
    for (let i = 0; i < len; i++) out[i] = origin[i] + scaleNorm * (c * mu[i] + s * v[i]);
  },
};
