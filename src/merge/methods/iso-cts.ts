/**
 * Iso-CTS, isotropic merging in common and task-specific subspaces (Marczak et al., ICML 2025,
 * arXiv:2502.04959). Per matrix, with Σ = Σ_t τ_t and r = min(m, n):
 *   c = ⌊r·f⌋; ts = round((r − c)/T)·T; c = r − ts; d = ts/T           (f = commonSpaceFraction)
 *   top-c SVD of Σ → U_c, S_c, V_c
 *   W_t = τ_t − U_c·U_cᵀ·τ_t; top-d SVD of W_t → U_t, S_t, V_t          (task-specific parts)
 *   U* = polar([U_1 … U_T U_c]), V* = polar([V_1 … V_T V_c]), S* = mean of all r values
 *   merged = S*·U*·V*ᵀ,   θ = θ_0 + scale·merged.
 * ref: danielm1405/iso-merging `src/utils/iso.py::iso_cts` (`round` is Python's, half to even).
 * Non-matrix tensors: mean of task vectors.
 */
import { z } from 'zod';
import type { LinalgBackend } from '../linalg/index.js';
import { polarFactor, sharedLinalgBackend, sumTaskVectors, truncatedSvd, type Svd } from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';
import { isOutsideSvdPath, subspaceMatrixDeltas, SvdSettingsShape, taskSeed } from './tsv-m.js';

/** Parameters of {@link isoCts}. */
export const IsoCtsParamsSchema = z.strictObject({
  /** α, swept over 0.1…3.0 on validation in the reference; fusion_bench default 1. */
  scale: z.number().finite().default(1),
  /** f, the common subspace's share of the rank (`common_space_fraction: 0.8` in the reference). */
  commonSpaceFraction: z.number().min(0).max(1).default(0.8),
  polar: z.enum(['newton-schulz', 'newton-schulz-gram', 'muon5', 'svd']).default('newton-schulz'),
  ...SvdSettingsShape,
});
export type IsoCtsParams = z.infer<typeof IsoCtsParamsSchema>;

/** Python 3 `round()`: half to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Sizes of the common subspace (c) and of each task-specific block (d): c + T·d = r. */
export function isoCtsDimensions(
  r: number,
  taskCount: number,
  fraction: number,
): { common: number; perTask: number } {
  let common = Math.floor(r * fraction);
  const taskSpecific = roundHalfEven((r - common) / taskCount) * taskCount;
  common = r - taskSpecific;
  return { common, perTask: Math.floor((r - common) / taskCount) };
}

/** Iso-CTS with an injected linear-algebra backend. */
export function createIsoCts(backend?: LinalgBackend): MergeMethod<IsoCtsParams> {
  return {
    name: 'iso_cts',
    space: 'subspace',
    isElementwiseFor: isOutsideSvdPath,
    paramsSchema: IsoCtsParamsSchema,
    async mergeTensorInto(out, input, params) {
      const be = backend ?? sharedLinalgBackend();
      const deltas = subspaceMatrixDeltas(out, input, params.scale, 'mean');
      if (deltas === null) return;
      const [rows, cols] = input.shape;
      const r = Math.min(rows, cols);
      const T = deltas.length;
      const { common, perTask } = isoCtsDimensions(r, T, params.commonSpaceFraction);
      const svdOptions = {
        method: params.svd,
        oversamples: params.oversamples,
        powerIterations: params.powerIterations,
      };
      const sum = sumTaskVectors(deltas, new Float64Array(T).fill(1), input.base.length);
      const blocks: Svd[] = [];
      const commonSvd = await truncatedSvd(be, { data: sum, rows, cols }, common, {
        ...svdOptions,
        seed: input.seed,
      });
      if (perTask > 0) {
        for (let t = 0; t < T; t++) {
          const tau = { data: deltas[t], rows, cols };
          // W_t = τ_t − U_c (U_cᵀ τ_t): remove the common left subspace.
          const proj = await be.gemm(commonSvd.u, await be.gemm(commonSvd.u, tau, { transA: true }));
          const w = new Float32Array(tau.data.length);
          for (let i = 0; i < w.length; i++) w[i] = tau.data[i] - proj.data[i];
          blocks.push(
            await truncatedSvd(be, { data: w, rows, cols }, perTask, {
              ...svdOptions,
              seed: taskSeed(input.seed, t),
            }),
          );
        }
      }
      blocks.push(commonSvd);
      const width = blocks.reduce((n, b) => n + b.s.length, 0);
      const ucat = new Float32Array(rows * width);
      const vcat = new Float32Array(width * cols);
      let sigmaSum = 0;
      let offset = 0;
      for (const b of blocks) {
        const k = b.s.length;
        for (let i = 0; i < rows; i++) ucat.set(b.u.data.subarray(i * k, i * k + k), i * width + offset);
        vcat.set(b.vt.data.subarray(0, k * cols), offset * cols);
        for (let j = 0; j < k; j++) sigmaSum += b.s[j];
        offset += k;
      }
      // The reference averages over all r concatenated values (c + T·d = r).
      const isotropicSigma = sigmaSum / r;
      const uo = await polarFactor(be, { data: ucat, rows, cols: width }, params.polar);
      const vo = await polarFactor(be, { data: vcat, rows: width, cols }, params.polar);
      const merged = await be.gemm(uo, vo);
      const f = params.scale * isotropicSigma;
      for (let i = 0; i < out.length; i++) out[i] = input.base[i] + f * merged.data[i];
    },
  };
}

/** Iso-CTS (`iso_cts`) on the process-wide linalg backend. */
export const isoCts: MergeMethod<IsoCtsParams> = createIsoCts();
